import { LitElement } from 'lit';
import { ColorSchemeController } from './color-scheme.ts';
import { suppressHostShortcuts } from './host-shortcuts.ts';
import { stopKeyPropagation } from './stop-key-propagation.ts';
import { panelStyles, theme } from './theme.ts';

/**
 * What every alyx-qc element is: a LitElement with the shared look in its shadow root, in the
 * host's colour scheme, keeping key presses from the notebook's shortcuts. Not registered itself.
 */
export class QcElement extends LitElement {
  static override styles = [theme, panelStyles];

  readonly #scheme = new ColorSchemeController(this);

  /**
   * Lit makes the shadow root once, at the first connection: keys are kept from the host page
   * from then on. (Attributes cannot be set in the constructor: createElement forbids it.)
   */
  protected override createRenderRoot(): HTMLElement | DocumentFragment {
    const root = super.createRenderRoot();
    stopKeyPropagation(this);
    suppressHostShortcuts(this, root);
    return root;
  }

  /** The classes of the element's outermost node: `root`, and the host's colour scheme. */
  protected get root(): string {
    return `root ${this.#scheme.scheme}`;
  }
}
