/**
 * What the widget shows around its panel: the context loading, why it failed to load (with
 * Retry), and the outcome of a write asked for from Python (`widget.submit(...)`), which no panel
 * shows by itself. Errors show in the cell, not only in the console.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { defineElement } from '../elements/define.ts';
import { emit } from '../elements/events.ts';
import { QcElement } from '../elements/qc-element.ts';

/** What the frame shows around its panel. */
export type FramePhase = { readonly phase: 'loading' | 'ready' | 'not-connected' } | { readonly phase: 'load-failed'; readonly message: string };

/** The last write Python asked for (`widget.submit(...)`), which the panel does not show. */
export type KernelSubmitState = { readonly status: 'pending' } | { readonly status: 'written' | 'failed'; readonly message: string };

/**
 * @slot - The QC panel (`<alyx-qc-signoff>` or `<alyx-qc-critical-note>`), shown once loaded.
 * @fires alyx-qc-retry - The reviewer pressed Retry after a failed load.
 */
export class WidgetFrame extends QcElement {
  static override properties = {
    phase: { attribute: false },
    kernelSubmit: { attribute: false },
    label: { type: String },
  };

  /** Loading, failed to load, not connected, or ready (then the slotted panel shows). */
  declare phase: FramePhase;
  /** The last write asked for from Python, if any. */
  declare kernelSubmit: KernelSubmitState | undefined;
  /** What is being loaded, e.g. "sign-off of _ephysChoiceWorld_00 for <eid>". */
  declare label: string;

  // Declared, not class fields: a field would shadow Lit's reactive accessor wherever class
  // fields are defined natively (as Lit's development build warns in the browser tests).
  constructor() {
    super();
    this.phase = { phase: 'loading' };
    this.label = '';
  }

  override render(): TemplateResult {
    const { phase } = this;
    // The panel's own card has the look; the frame only stacks messages around it (`.stack`).
    return html`<div class="${this.root} stack">
      ${phase.phase === 'loading' ? html`<p class="muted" role="status">Loading ${this.label} from Alyx…</p>` : nothing}
      ${phase.phase === 'not-connected' ? html`<p class="notice" role="status">Not connected: run the cell to show this alyx-qc widget.</p>` : nothing}
      ${phase.phase === 'load-failed'
        ? html`<div class="notice error" role="alert">
            <p>${phase.message}</p>
            <button @click=${this.#retry}>Retry</button>
          </div>`
        : nothing}
      <div ?hidden=${phase.phase !== 'ready'}><slot></slot></div>
      ${this.#renderKernelSubmit()}
    </div>`;
  }

  #renderKernelSubmit(): TemplateResult | typeof nothing {
    const state = this.kernelSubmit;
    if (!state) return nothing;
    if (state.status === 'pending') return html`<p class="muted" role="status">Submitting from Python…</p>`;
    return html`<p class="notice ${state.status === 'written' ? 'ok' : 'error'}" role=${state.status === 'failed' ? 'alert' : 'status'}>${state.message}</p>`;
  }

  #retry(): void {
    emit(this, 'alyx-qc-retry');
  }
}

defineElement('alyx-qc-widget-frame', WidgetFrame);

declare global {
  interface HTMLElementTagNameMap {
    'alyx-qc-widget-frame': WidgetFrame;
  }
}
