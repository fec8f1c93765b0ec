import { css, html, LitElement, nothing, type PropertyDeclarations } from 'lit';
import { defineElement } from '../elements/define.ts';
import { panelStyles, theme } from '../elements/theme.ts';
import { explainNetworkError } from './cors.ts';

/** Where a loader is: what it needs is being read from Alyx, reading it failed, or the input is ready. */
export type LoaderStatus = 'pending' | 'failed' | 'ready';

/** Reads what the input needs (a client, a context) and hands it to the input. */
export type LoadFunction = (signal: AbortSignal) => Promise<void>;

/**
 * Holds an input (its only child) while what it needs loads from Alyx, and says so for every
 * state: a spinner while pending, the error explained (a CORS refusal is named as such) with
 * Retry when it failed, the input itself when ready.
 *
 * It is what `signOffInput` and `criticalNoteInput` return, so it is what Observable's `viewof`
 * sees: `value` is the child's, and the child's bubbling `input` events pass through it.
 *
 * @slot - The input, shown once loaded.
 */
export class InputLoader<P extends HTMLElement & { value: unknown } = HTMLElement & { value: unknown }> extends LitElement {
  static override properties: PropertyDeclarations = {
    label: { type: String },
    status: { type: String, reflect: true },
    message: { state: true },
  };

  static override styles = [
    theme,
    panelStyles,
    css`
      .root {
        max-width: 760px;
      }
    `,
  ];

  /** What is loading, in words: "Loading the sign-off of session … from Alyx". */
  declare label: string;
  /** The current state; reflected as the `status` attribute for styling and tests. */
  declare status: LoaderStatus;
  /** Why loading failed. */
  declare protected message: string;
  #load: LoadFunction | undefined;
  #controller: AbortController | undefined;

  constructor() {
    super();
    this.label = 'Loading from Alyx';
    this.status = 'pending';
    this.message = '';
  }

  /** The input this loader holds. */
  get input(): P {
    const input = this.firstElementChild as P | null;
    if (!input) throw new Error('[alyx-qc] This loader holds no input: append the input element before use.');
    return input;
  }

  /** The input's value (for `viewof`); setting it sets the input's and dispatches nothing. */
  get value(): P['value'] {
    return this.input.value;
  }

  set value(value: P['value']) {
    this.input.value = value;
  }

  /** Runs `load` now (and again on Retry), abandoning a load still in flight. */
  start(load: LoadFunction): Promise<void> {
    this.#load = load;
    return this.#run();
  }

  async #run(): Promise<void> {
    const load = this.#load;
    if (!load) return;
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    this.status = 'pending';
    try {
      await load(controller.signal);
      if (!controller.signal.aborted) this.status = 'ready';
    } catch (error) {
      if (controller.signal.aborted) return;
      const explained = await explainNetworkError(error);
      console.error('[alyx-qc] loading failed:', explained);
      this.message = explained instanceof Error ? explained.message : String(explained);
      this.status = 'failed';
    }
  }

  protected override render(): unknown {
    switch (this.status) {
      case 'pending':
        return html`<div class="root panel" role="status" aria-live="polite"><span><span class="spinner" aria-hidden="true"></span>${this.label}\u2026</span></div>`;
      case 'failed':
        return html`<div class="root panel">
          <p class="notice error plain" role="alert">${this.message}</p>
          <div class="actions"><button @click=${() => void this.#run()}>Retry</button></div>
        </div>`;
      case 'ready':
        return html`<slot></slot>`;
      default:
        return nothing;
    }
  }
}

defineElement('alyx-qc-input-loader', InputLoader);

declare global {
  interface HTMLElementTagNameMap {
    'alyx-qc-input-loader': InputLoader;
  }
}
