import { css, html, nothing, type PropertyDeclarations } from 'lit';
import { defineElement } from './define.ts';
import { emit, stop } from './events.ts';
import { QcElement } from './qc-element.ts';
import { errorMessage } from './submission.ts';

/** Loads the image: a URL to show, or bytes as a Blob (made an object URL here). */
export type FullImageLoader = (signal: AbortSignal) => Promise<string | Blob>;

/**
 * A figure as a thumbnail (issue 16): a button that opens the image full size in a modal dialog
 * (click, Enter or Space; Escape or Close shuts it, and focus returns to the thumbnail). Without
 * `src`, the image `loadFull` loads is the thumbnail too (a figure already in Alyx, read once). With
 * `attachable`, a checkbox "Attach this figure to the note" under it, whose state is `value`
 * (Observable's contract: a bubbling `input` event on the reviewer's changes only). It knows no
 * Alyx: the thumbnail's URL and, for a figure already in Alyx, a loader of the full image come in
 * as properties.
 *
 * @fires input - The reviewer ticked or unticked "Attach this figure to the note"; `detail` is the new `value`.
 */
export class FigureThumbnail extends QcElement {
  static override properties: PropertyDeclarations = {
    src: { type: String },
    label: { type: String },
    caption: { type: String },
    loadFull: { attribute: false },
    attachable: { type: Boolean },
    value: { type: Boolean },
    disabled: { type: Boolean },
    failure: { state: true },
  };

  static override styles = [
    ...QcElement.styles,
    css`
      :host {
        display: inline-block;
      }
      figure {
        display: grid;
        gap: 4px;
        margin: 0;
        justify-items: start;
      }
      .thumb {
        padding: 2px;
        line-height: 0;
        cursor: zoom-in;
      }
      .thumb img {
        max-width: 160px;
        max-height: 120px;
      }
      .missing {
        display: grid;
        place-items: center;
        width: 120px;
        height: 80px;
        line-height: 1.4;
      }
      figcaption {
        font-size: 0.9em;
      }
      /* Wider than the panels' dialogs; as tall as the browser lets a modal dialog be. */
      dialog {
        max-width: min(96vw, 1400px);
      }
      dialog img {
        max-width: 100%;
        max-height: calc(96vh - 90px);
        object-fit: contain;
        background: #fff;
      }
    `,
  ];

  /** The thumbnail's URL (`data:` or `blob:`); empty shows a placeholder. */
  declare src: string;
  /** What the figure is, for people who do not see it (the image's alt text and the dialog's title). */
  declare label: string;
  /** A line under the thumbnail, e.g. "PNG, 41.3 KB". */
  declare caption: string;
  /** Loads the image, for a figure without `src` (read once: it is the thumbnail and the full-size view). */
  declare loadFull: FullImageLoader | null;
  /** Show the "Attach this figure to the note" checkbox. */
  declare attachable: boolean;
  /** Whether the figure is to be attached (the checkbox). */
  declare value: boolean;
  /** The checkbox cannot be changed (a write is under way). */
  declare disabled: boolean;
  /** Why the full-size view has no image (the last time it was opened); `''` while it loads or shows. */
  declare protected failure: string;

  /** The image `loadFull` loaded (a figure already in Alyx, read once): the thumbnail and the full-size view. */
  #loaded: Promise<void> | null = null;
  #loadedUrl = '';

  constructor() {
    super();
    this.src = '';
    this.label = 'Figure';
    this.caption = '';
    this.loadFull = null;
    this.attachable = false;
    this.value = true;
    this.disabled = false;
    this.failure = '';
  }

  protected override render(): unknown {
    const url = this.src || this.#loadedUrl;
    return html`<figure class=${this.root}>
      <button class="thumb" aria-haspopup="dialog" title="Open full size" @click=${this.#open}>
        ${url ? html`<img src=${url} alt=${this.label} />` : html`<span class="missing muted">${this.label}</span>`}
      </button>
      ${this.caption ? html`<figcaption class="muted">${this.caption}</figcaption>` : nothing}
      ${this.attachable
        ? html`<label @input=${stop}><input type="checkbox" .checked=${this.value} ?disabled=${this.disabled} @change=${this.#onToggle} /><span>Attach this figure to the note</span></label>`
        : nothing}
      <dialog aria-label=${this.label} @close=${this.#onClose}>
        ${url
          ? html`<img src=${url} alt=${this.label} />`
          : this.failure
            ? html`<p class="notice error" role="alert">${this.failure}</p>`
            : html`<p role="status"><span class="spinner"></span>Loading the figure…</p>`}
        <div class="actions"><button autofocus @click=${this.#close}>Close</button></div>
      </dialog>
    </figure>`;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // A failure shows the placeholder; opening it loads again and says why.
    if (!this.src && this.loadFull) this.#load().catch(() => undefined);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.#loadedUrl.startsWith('blob:')) URL.revokeObjectURL(this.#loadedUrl);
    this.#loaded = null;
    this.#loadedUrl = '';
  }

  /** Loads the image once (again after a failure); bytes become an object URL, freed when the element leaves. */
  #load(): Promise<void> {
    const load = this.loadFull!;
    return (this.#loaded ??= (async () => {
      try {
        const image = await load(new AbortController().signal);
        this.#loadedUrl = typeof image === 'string' ? image : URL.createObjectURL(image);
        this.requestUpdate();
      } catch (error) {
        this.#loaded = null;
        throw error;
      }
    })());
  }

  #dialog(): HTMLDialogElement {
    return this.renderRoot.querySelector('dialog')!;
  }

  async #open(): Promise<void> {
    const dialog = this.#dialog();
    if (!dialog.open) dialog.showModal();
    // With `src`, or loaded already, the image shows at once; else "Loading" until it is.
    this.failure = '';
    try {
      if (!this.src) {
        if (!this.loadFull) throw new Error('this figure has no image');
        await this.#load();
      }
    } catch (error) {
      this.failure = `The figure could not be loaded: ${errorMessage(error)}`;
    }
  }

  #close(): void {
    this.#dialog().close();
  }

  /** Closed by Close or Escape: focus the thumbnail again (a load under way goes on: it is the thumbnail too). */
  #onClose(): void {
    this.renderRoot.querySelector<HTMLButtonElement>('button.thumb')?.focus();
  }

  #onToggle(event: Event): void {
    this.value = (event.target as HTMLInputElement).checked;
    emit(this, 'input', this.value);
  }
}

defineElement('alyx-qc-figure-thumbnail', FigureThumbnail);

declare global {
  interface HTMLElementTagNameMap {
    'alyx-qc-figure-thumbnail': FigureThumbnail;
  }
}
