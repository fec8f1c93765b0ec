import { html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import type { AlyxNote } from '../core/alyx-types.ts';
import type { CriticalKind } from '../core/note-kind.ts';
import { parseFigureNote } from '../core/figure-note.ts';
import { criticalNoteText } from '../core/note-text.ts';
import { getCriticalKind } from '../core/critical-kinds.ts';
import type { CriticalContext, CriticalResult, CriticalSubmission } from '../core/workflow-types.ts';
import { criticalStyles } from './critical-styles.ts';
import { defineElement } from './define.ts';
import { stop } from './events.ts';
import './figure-thumbnail.ts';
import { renderNote, renderNotes } from './note-view.ts';
import './overwrite-dialog.ts';
import { QcPanel } from './qc-panel.ts';
import { errorMessage } from './submission.ts';

/**
 * Marks a session or a probe insertion as CRITICAL with a note of reasons. When notes of the same
 * title exist, the overwrite dialog asks before they are replaced (also when the workflow finds
 * one that appeared meanwhile). Data and the `submit` function come in as properties; the
 * element never talks to Alyx itself.
 *
 * A valid Observable `viewof` input: `value` is the reviewer's ReasonChoice; user changes
 * dispatch bubbling, composed `input` events; setting `value` from code dispatches nothing.
 *
 * @fires input - The reviewer changed the reasons; `detail` (and `value`) is the new ReasonChoice.
 * @fires change - As `input`, when a checkbox is toggled or the "Other" text committed.
 * @fires alyx-qc-written - The note was written; `detail` is the CriticalResult.
 * @fires alyx-qc-failed - `submit` threw; `detail` is `{error, message}`. Every choice is kept.
 */
export class CriticalNotePanel extends QcPanel<CriticalContext, CriticalKind, CriticalSubmission, CriticalResult> {
  static override properties: PropertyDeclarations = {
    guiOnly: { type: Boolean, attribute: 'gui-only' },
    confirming: { state: true },
    figure: { attribute: false },
    attachFigure: { attribute: false },
    loadFigure: { attribute: false },
  };

  static override styles = [...QcPanel.styles, criticalStyles];

  /** The alignment GUI's path: only its five reasons, and existing notes are replaced without asking. */
  declare guiOnly: boolean;
  /** The notes the open overwrite dialog asks about; `null` while it is closed. */
  declare protected confirming: readonly AlyxNote[] | null;
  /** The figure the reviewer judged (issue 16): its thumbnail's URL and a caption; `null` for none. */
  declare figure: { readonly src: string; readonly caption: string } | null;
  /** "Attach this figure to the note" (on by default when there is a figure). */
  declare attachFigure: boolean;
  /** Reads the image of a figure note (through the kernel, for the widget); without it no earlier figure is shown. */
  declare loadFigure: ((note: AlyxNote, signal: AbortSignal) => Promise<Blob>) | null;

  protected override readonly waiting = 'Nothing to mark yet.';

  constructor() {
    super();
    this.guiOnly = false;
    this.confirming = null;
    this.figure = null;
    this.attachFigure = true;
    this.loadFigure = null;
  }

  protected override kindOf(id: string): CriticalKind {
    return getCriticalKind(id);
  }

  protected override renderPanel(context: CriticalContext, kind: CriticalKind): TemplateResult {
    const object = kind.contentType === 'session' ? 'session' : 'insertion';
    const notes = context.existingNotes;
    let text = '';
    let textError = '';
    try {
      text = criticalNoteText(kind, this.value);
    } catch (error) {
      textError = errorMessage(error);
    }
    const replaces = `Submitting ${this.guiOnly ? 'replaces' : 'asks before replacing'} ${notes.length === 1 ? 'it' : 'them'}.`;
    return html`<header>
        <h2 id="title">Mark ${object} as CRITICAL</h2>
        <p class="muted">${object === 'session' ? 'Session' : 'Probe insertion'} <code>${context.uuid}</code>, noted as <bdi>${context.user}</bdi></p>
      </header>
      ${this.renderChecklist(kind.id, this.state.status === 'pending', true, this.guiOnly ? kind.guiReasons : undefined)}
      ${this.figure
        ? html`<alyx-qc-figure-thumbnail .src=${this.figure.src} .caption=${this.figure.caption} label="The figure you judged" attachable .value=${this.attachFigure} ?disabled=${this.state.status === 'pending' || this.written} @input=${this.#onAttach}></alyx-qc-figure-thumbnail>`
        : nothing}
      ${this.written ? nothing : html`${renderNotes('critical note', notes, html`<p class="muted">${replaces}</p>`)} ${this.#renderFigures(context)}`}
      <details ?hidden=${this.written}>
        <summary>Preview of the note text</summary>
        ${textError ? html`<p class="notice error">${textError}</p>` : html`<pre>${text}</pre>`}
      </details>
      ${this.renderActions('Mark as critical', 'danger', 'Writing the note to Alyx\u2026', 'Not written')}
      <alyx-qc-overwrite-dialog
        .open=${this.confirming !== null}
        .notes=${this.confirming ?? []}
        .text=${text}
        .user=${context.user}
        .what=${`this ${object} as critical`}
        @alyx-qc-confirm=${this.#onConfirm}
        @alyx-qc-cancel=${this.#onCancel}
      ></alyx-qc-overwrite-dialog>`;
  }

  protected override canSubmit(): boolean {
    return super.canSubmit() && this.confirming === null;
  }

  /**
   * Alyx was read again while the dialog is open (another view wrote): it shows the notes now
   * held, which are the ones a confirmed overwrite replaces (the widget writes from this context).
   */
  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('context') && this.confirming && this.context?.existingNotes.length) this.confirming = this.context.existingNotes;
  }

  protected override completed(result: CriticalResult): void {
    // Someone wrote a note since the context was read: ask again, showing theirs.
    if (result.status === 'needs-confirmation') this.confirming = result.existingNotes;
  }

  protected override describe(result: CriticalResult): [string, unknown] {
    switch (result.status) {
      case 'written': {
        const deleted = result.deletedNoteIds.length;
        const older = deleted ? `, ${deleted} older note${deleted === 1 ? '' : 's'} deleted` : '';
        const figure = result.figure ? ` Figure note ${result.figure.id} attached.` : '';
        return [`Marked as critical: note ${result.note.id} written${older}.${figure}`, renderNote(result.note)];
      }
      case 'superseded':
        return ['Not written: another reviewer\u2019s critical note landed first, so yours was withdrawn.', renderNote(result.note)];
      default:
        return ['Nothing written yet: another critical note appeared meanwhile. Confirm to replace it.', null];
    }
  }

  protected override onSubmit(): void {
    if (!this.canSubmit() || !this.checkChoice()) return;
    const notes = this.context?.existingNotes ?? [];
    if (notes.length > 0 && !this.guiOnly) this.confirming = notes;
    else this.#send(this.guiOnly);
  }

  /** Retry keeps what the reviewer already confirmed: it does not ask again. */
  protected override retry(failed: CriticalSubmission): void {
    this.#send(failed.overwrite);
  }

  #send(overwrite: boolean): void {
    if (this.checkChoice()) void this.run({ choice: this.value, overwrite, ...(this.figure ? { attachFigure: this.attachFigure } : {}) });
  }

  #onAttach(event: CustomEvent<boolean>): void {
    // The thumbnail's own input event is not the panel's value changing.
    stop(event);
    this.attachFigure = event.detail;
  }

  /** The figures of the critical notes listed (each names its note's id), opened full size on click. */
  #renderFigures(context: CriticalContext): unknown {
    const { loadFigure: load } = this;
    const ids = new Set(context.existingNotes.map((note) => note.id));
    const figures = (context.figureNotes ?? []).filter((note) => {
      const verdict = parseFigureNote(note.text)?.verdict;
      return verdict && 'criticalNoteId' in verdict && ids.has(verdict.criticalNoteId) && note.image;
    });
    if (!load || figures.length === 0) return nothing;
    return html`<div class="figures"><h3>Figures of these notes (${figures.length})</h3>
      ${figures.map((note) => html`<alyx-qc-figure-thumbnail .loadFull=${(signal: AbortSignal) => load(note, signal)} label=${`Figure by ${note.user}, ${note.date_time.slice(0, 10)}`} caption=${`${note.user}, ${note.date_time.slice(0, 10)}`}></alyx-qc-figure-thumbnail>`)}</div>`;
  }

  #onConfirm(): void {
    this.#closeDialog();
    this.#send(true);
  }

  #onCancel(): void {
    this.#closeDialog('Cancelled: nothing was written.');
  }

  /** The dialog closed: the submit button is available again and takes focus back. */
  #closeDialog(notice?: string): void {
    this.confirming = null;
    this.state = { status: 'idle', notice };
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.actions > button')?.focus());
  }
}

defineElement('alyx-qc-critical-note', CriticalNotePanel);

declare global {
  interface HTMLElementTagNameMap {
    'alyx-qc-critical-note': CriticalNotePanel;
  }
}
