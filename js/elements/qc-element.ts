import { LitElement } from 'lit';
import { ColorSchemeController } from './color-scheme.ts';
import { stopKeyPropagation } from './stop-key-propagation.ts';
import { panelStyles, theme } from './theme.ts';

/**
 * What every alyx-qc element is: a LitElement with the shared look in its shadow root, in the
 * host's colour scheme, keeping key presses from the notebook. Not registered itself.
 */
export class QcElement extends LitElement {
  static override styles = [theme, panelStyles];

  readonly #scheme = new ColorSchemeController(this);

  constructor() {
    super();
    stopKeyPropagation(this);
  }

  /** The classes of the element's outermost node: `root`, and the host's colour scheme. */
  protected get root(): string {
    return `root ${this.#scheme.scheme}`;
  }
}
