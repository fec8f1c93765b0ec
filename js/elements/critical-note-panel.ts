import { html, nothing, type TemplateResult, type PropertyDeclarations } from 'lit';
import type { AlyxNote } from '../core/alyx-types.ts';
import { NOTE_KINDS, type CriticalKind } from '../core/note-kinds.ts';
import { criticalNoteText } from '../core/note-text.ts';
import type { CriticalContext, CriticalResult, CriticalSubmission } from '../core/workflow-types.ts';
import { defineElement } from './define.ts';
import { renderNote } from './note-view.ts';
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
export class CriticalNotePanel extends QcPanel<CriticalContext, CriticalSubmission, CriticalResult> {
  static override properties: PropertyDeclarations = {
    guiOnly: { type: Boolean, attribute: 'gui-only' },
    confirming: { state: true },
  };

  /** The alignment GUI's path: only its five reasons, and existing notes are replaced without asking. */
  declare guiOnly: boolean;
  /** The notes the open overwrite dialog asks about; `null` while it is closed. */
  declare protected confirming: readonly AlyxNote[] | null;

  constructor() {
    super();
    this.guiOnly = false;
    this.confirming = null;
  }

  protected override render(): unknown {
    const context = this.context;
    if (!context) return this.message(html`<p class="muted">Nothing to mark yet.</p>`);
    const kind = NOTE_KINDS[context.kind] as CriticalKind | undefined;
    if (kind?.family !== 'critical') {
      return this.message(html`<p class="notice error" role="alert">
        [alyx-qc] "${context.kind}" is not a critical note kind: use critical-session or critical-insertion.
      </p>`);
    }
    const object = kind.contentType === 'session' ? 'session' : 'insertion';
    const notes = context.existingNotes;
    let text: string;
    let textError = '';
    try {
      text = criticalNoteText(kind, this.value);
    } catch (error) {
      text = '';
      textError = errorMessage(error);
    }
    return this.shell(html`<header>
        <h2 id="title">Mark ${object} as CRITICAL</h2>
        <p class="muted">${object === 'session' ? 'Session' : 'Probe insertion'} <code>${context.uuid}</code>, noted as ${context.user}</p>
      </header>
      ${this.renderChecklist(kind.id, this.submission.pending, true, this.guiOnly ? kind.guiReasons : undefined)}
      ${notes.length
        ? html`<section aria-labelledby="existing">
            <h3 id="existing">Existing critical note${notes.length === 1 ? '' : 's'} (${notes.length})</h3>
            ${notes.map(renderNote)}
            <p class="muted">${this.guiOnly ? 'Submitting replaces' : 'Submitting asks before replacing'} ${notes.length === 1 ? 'it' : 'them'}.</p>
          </section>`
        : nothing}
      <details>
        <summary>Preview of the note text</summary>
        ${textError ? html`<p class="notice error">${textError}</p>` : html`<pre>${text}</pre>`}
      </details>
      ${this.#renderActions()}
      <alyx-qc-overwrite-dialog
        .open=${this.confirming !== null}
        .notes=${this.confirming ?? []}
        .text=${text}
        .user=${context.user}
        .what=${`this ${object} as critical`}
        @alyx-qc-confirm=${this.#onConfirm}
        @alyx-qc-cancel=${this.#onCancel}
      ></alyx-qc-overwrite-dialog>`);
  }

  protected override canSubmit(): boolean {
    return super.canSubmit() && this.confirming === null;
  }

  protected override completed(result: CriticalResult): void {
    // Someone wrote a note since the context was read: ask again, showing theirs.
    if (result.status === 'needs-confirmation') this.confirming = result.existingNotes;
  }

  /**
   * The status line for each state, and the note that now stands under it. One template for
   * every state, so the button is never re-created (it keeps keyboard focus through a write).
   */
  #renderActions(): TemplateResult {
    const state = this.submission.state;
    let message = '';
    let after: unknown = nothing;
    let retry: (() => void) | undefined;
    if (state.status === 'idle') message = this.notice;
    if (state.status === 'pending') message = 'Writing the note to Alyx\u2026';
    if (state.status === 'failed') {
      message = `Not written: ${state.message}`;
      retry = () => this.#send(state.submission.overwrite);
    }
    if (state.status === 'complete') {
      const { result } = state;
      if (result.status === 'written') {
        const deleted = result.deletedNoteIds.length;
        const older = deleted ? `, ${deleted} older note${deleted === 1 ? '' : 's'} deleted` : '';
        message = `Marked as critical: note ${result.note.id} written${older}.`;
        after = renderNote(result.note);
      } else if (result.status === 'superseded') {
        message = 'Not written: another reviewer\u2019s critical note landed first, so yours was withdrawn.';
        after = renderNote(result.note);
      } else if (result.status === 'dry-run') {
        message = `Dry run, nothing written: it would send ${result.requests.length} requests.`;
      } else {
        message = 'Nothing written yet: another critical note appeared meanwhile. Confirm to replace it.';
      }
    }
    return html`${this.renderActions('Mark as critical', 'danger', message, retry)}${after}`;
  }

  protected override onSubmit(): void {
    if (!this.canSubmit() || !this.checkChoice()) return;
    const notes = this.context?.existingNotes ?? [];
    if (notes.length > 0 && !this.guiOnly) this.confirming = notes;
    else this.#send(this.guiOnly);
  }

  #send(overwrite: boolean): void {
    if (this.checkChoice()) this.run({ choice: this.value, overwrite });
  }

  #onConfirm(): void {
    this.confirming = null;
    this.submission.reset();
    this.focusSubmit();
    this.#send(true);
  }

  #onCancel(): void {
    this.confirming = null;
    this.submission.reset();
    this.notice = 'Cancelled: nothing was written.';
    this.focusSubmit();
  }
}

defineElement('alyx-qc-critical-note', CriticalNotePanel);

declare global {
  interface HTMLElementTagNameMap {
    'alyx-qc-critical-note': CriticalNotePanel;
  }
}
