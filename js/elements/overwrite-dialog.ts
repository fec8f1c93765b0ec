import { html, type PropertyDeclarations, type PropertyValues } from 'lit';
import type { AlyxNote } from '../core/alyx-types.ts';
import { criticalStyles } from './critical-styles.ts';
import { defineElement } from './define.ts';
import { emit } from './events.ts';
import { renderNotes, renderNoteText } from './note-view.ts';
import { QcElement } from './qc-element.ts';

/**
 * Asks before existing notes are replaced: how many there are, who wrote them, when and why,
 * next to what will be written. A modal `<dialog>`: focus moves to Cancel when it opens (Enter
 * there cancels; Enter confirms only on the confirm button), Escape cancels, and focus returns
 * to where it was when it closes.
 *
 * @fires alyx-qc-confirm - The reviewer confirmed; `open` is already false.
 * @fires alyx-qc-cancel - The reviewer cancelled (button or Escape); `open` is already false.
 */
export class OverwriteDialog extends QcElement {
  static override properties: PropertyDeclarations = {
    open: { type: Boolean, reflect: true },
    notes: { attribute: false },
    text: { attribute: false },
    user: { type: String },
    what: { type: String },
  };

  static override styles = [...QcElement.styles, criticalStyles];

  /** Shows the dialog (modal) when true. */
  declare open: boolean;
  /** The notes that would be replaced. */
  declare notes: readonly AlyxNote[];
  /** The exact text that will be written. */
  declare text: string;
  /** Who writes the new note (shown above it). */
  declare user: string;
  /** What the notes are about, e.g. "this insertion as critical". */
  declare what: string;

  constructor() {
    super();
    this.open = false;
    this.notes = [];
    this.text = '';
    this.user = '';
    this.what = 'this object as critical';
  }

  protected override render(): unknown {
    const count = this.notes.length;
    const plural = count === 1 ? '' : 's';
    const them = count === 1 ? 'note' : `${count} notes`;
    const authors = [...new Set(this.notes.map((note) => note.user))].join(', ');
    return html`<dialog class=${this.root} aria-labelledby="title" aria-describedby="summary" @close=${this.#onClose}>
      <h2 id="title">Replace ${count} existing note${plural}?</h2>
      <p id="summary">
        <bdi>${authors || 'Someone'}</bdi> already marked ${this.what}. Confirming writes your note, then deletes the
        ${them} below.
      </p>
      <div class="columns">
        ${renderNotes('note', this.notes)}
        <section aria-labelledby="new">
          <h3 id="new">Will be written${this.user ? html` by <strong><bdi>${this.user}</bdi></strong>` : ''}</h3>
          <div class="note">${renderNoteText(this.text)}</div>
          <pre>${this.text}</pre>
        </section>
      </div>
      <div class="actions">
        <button autofocus @click=${() => this.#finish('cancel')}>Cancel</button>
        <button class="danger" @click=${() => this.#finish('confirm')}>Replace ${them}</button>
      </div>
    </dialog>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!changed.has('open')) return;
    const dialog = this.#dialog();
    if (this.open && !dialog.open && this.isConnected) dialog.showModal();
    if (!this.open && dialog.open) dialog.close();
  }

  #dialog(): HTMLDialogElement {
    return this.renderRoot.querySelector('dialog')!;
  }

  #finish(outcome: 'confirm' | 'cancel'): void {
    // `open` goes false first, so the `close` event that follows is not taken for Escape.
    this.open = false;
    this.#dialog().close();
    emit(this, `alyx-qc-${outcome}`);
  }

  /** Escape (or the browser closing the dialog) while it was meant to be open: a cancel. */
  #onClose(): void {
    if (this.open) this.#finish('cancel');
  }
}

defineElement('alyx-qc-overwrite-dialog', OverwriteDialog);

declare global {
  interface HTMLElementTagNameMap {
    'alyx-qc-overwrite-dialog': OverwriteDialog;
  }
}
