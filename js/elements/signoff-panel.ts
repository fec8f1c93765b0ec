import { html, nothing, type TemplateResult, type PropertyDeclarations } from 'lit';
import type { SignOffKind } from '../core/note-kinds.ts';
import { localIsoDate, mergeSignOffNoteText, signOffDateKey, signOffNoteText, summariseNoteText } from '../core/note-text.ts';
import { pythonJsonDumps } from '../core/python-json.ts';
import { getSignOffKind } from '../core/reasons.ts';
import type { SignOffContext, SignOffResult, SignOffSubmission } from '../core/workflow-types.ts';
import { defineElement } from './define.ts';
import { describeChecklistEntry, renderNote } from './note-view.ts';
import { NO_CHOICE, QcPanel } from './qc-panel.ts';
import { errorMessage } from './submission.ts';

/**
 * Signs off one part of a session (task, passive, video, raw ephys, spike sorting, alignment):
 * the reasons checklist, a preview of the exact note text, the existing sign-off note and
 * checklist entry, a submit button and a status line. Data and the `submit` function come in as
 * properties; the element never talks to Alyx itself.
 *
 * A valid Observable `viewof` input: `value` is the reviewer's ReasonChoice; user changes
 * dispatch bubbling, composed `input` events; setting `value` from code dispatches nothing.
 *
 * @fires input - The reviewer changed the reasons; `detail` (and `value`) is the new ReasonChoice.
 * @fires change - As `input`, when a checkbox is toggled or the "Other" text committed.
 * @fires alyx-qc-written - The sign-off was written; `detail` is the SignOffResult.
 * @fires alyx-qc-failed - `submit` threw; `detail` is `{error, message}`. Every choice is kept.
 */
export class SignOffPanel extends QcPanel<SignOffContext, SignOffSubmission, SignOffResult> {
  static override properties: PropertyDeclarations = {
    withNote: { attribute: false },
    now: { attribute: false },
  };

  /** Write a note with the reasons (default); `false` only sets the checklist entry. */
  declare withNote: boolean;
  /** The clock for the date key (`YYYY-MM-DD_user`); the current time when unset. */
  declare now: Date | undefined;

  constructor() {
    super();
    this.withNote = true;
    this.now = undefined;
  }

  protected override render(): unknown {
    const context = this.context;
    if (!context) return this.message(html`<p class="muted">No session to sign off yet.</p>`);
    let kind: SignOffKind;
    try {
      kind = getSignOffKind(context.kind);
    } catch (error) {
      return this.message(html`<p class="notice error" role="alert">[alyx-qc] ${errorMessage(error)}</p>`);
    }
    const now = this.now ?? new Date();
    const dateKey = signOffDateKey(context.user, now);
    const notes = context.existingNotes;
    const entry = context.checklistEntry;
    const sameDay =
      (entry?.date === localIsoDate(now) && entry.user === context.user) ||
      notes.some((note) => summariseNoteText(note.text).entries.some((e) => e.key === dateKey));
    const busy = this.submission.pending;
    return this.shell(html`<header>
        <h2 id="title">${kind.label} <code>${context.signOffKey}</code></h2>
        <p class="muted">${describeChecklistEntry(entry)} Session <code>${context.eid}</code></p>
      </header>
      <label class="toggle">
        <input type="checkbox" .checked=${this.withNote} ?disabled=${busy} @input=${stop} @change=${this.#onWithNote} />
        Write a note with the reasons below
      </label>
      ${this.renderChecklist(kind.id, busy || !this.withNote, this.withNote)}
      ${notes.length
        ? html`<section aria-labelledby="existing">
            <h3 id="existing">Existing sign-off note${notes.length === 1 ? '' : 's'} (${notes.length})</h3>
            ${notes.map(renderNote)}
          </section>`
        : nothing}
      ${sameDay ? html`<p class="notice">You already signed off today; this replaces today\u2019s entry.</p>` : nothing}
      ${this.#blocked()
        ? html`<p class="notice error">
            There are ${notes.length} sign-off notes for <code>${context.signOffKey}</code>, so this sign-off cannot be merged
            into one of them. Delete the extra notes in Alyx, or untick \u201cWrite a note\u201d to sign off without one.
          </p>`
        : nothing}
      <details>
        <summary>Preview of what will be written</summary>
        ${this.#renderPreview(context, dateKey, now)}
      </details>
      ${this.#renderActions()}`);
  }

  /** Several sign-off notes for one key: ibllib refuses to merge, so do we (a sign-off without a note still works). */
  #blocked(): boolean {
    return this.withNote && (this.context?.existingNotes.length ?? 0) > 1;
  }

  protected override canSubmit(): boolean {
    return super.canSubmit() && !this.#blocked();
  }

  #renderPreview(context: SignOffContext, dateKey: string, now: Date): TemplateResult {
    const checklist = pythonJsonDumps(new Map([[context.signOffKey, new Map([['date', localIsoDate(now)], ['user', context.user]])]]));
    let note: TemplateResult;
    if (!this.withNote || this.#blocked()) {
      note = html`<p class="muted">No note is written.</p>`;
    } else {
      try {
        const [existing] = context.existingNotes;
        const text = existing
          ? mergeSignOffNoteText(existing.text, dateKey, this.value, existing.id)
          : signOffNoteText(context.signOffKey, dateKey, this.value);
        note = html`<p class="muted">Note text${existing ? ', merged into the existing note' : ''}:</p><pre>${text}</pre>`;
      } catch (error) {
        note = html`<p class="notice error">${errorMessage(error)}</p>`;
      }
    }
    return html`${note}<p class="muted">Entry in the session\u2019s <code>sign_off_checklist</code>:</p><pre>${checklist}</pre>`;
  }

  /**
   * The status line for each state, and what was written under it. One template for every
   * state, so the button is never re-created (it keeps keyboard focus through a write).
   */
  #renderActions(): TemplateResult {
    const state = this.submission.state;
    let message = '';
    let after: unknown = nothing;
    let retry: (() => void) | undefined;
    if (state.status === 'idle') message = this.notice;
    if (state.status === 'pending') message = 'Signing off in Alyx\u2026';
    if (state.status === 'failed') {
      message = `Sign-off failed: ${state.message}`;
      retry = () => this.onSubmit();
    }
    if (state.status === 'complete') {
      const { result } = state;
      const { user, date } = result.checklistEntry;
      if (result.status === 'dry-run') {
        message = `Dry run, nothing written: would sign off as ${user} on ${date}.`;
        if (result.text !== null) after = html`<pre>${result.text}</pre>`;
      } else {
        const day = result.replacedSameDay ? ', replacing today\u2019s entry' : '';
        message = `Signed off as ${user} on ${date}${day}.${result.note ? ` Note ${result.note.id} written:` : ' No note written.'}`;
        if (result.note) after = renderNote(result.note);
      }
    }
    return html`${this.renderActions('Sign off', 'primary', message, retry)}${after}`;
  }

  #onWithNote(event: Event): void {
    this.withNote = (event.target as HTMLInputElement).checked;
    this.choiceChanged();
  }

  /**
   * What was written is now what Alyx holds: the header shows the new checklist entry, and a
   * next sign-off previews a merge into the note just written.
   */
  protected override completed(result: SignOffResult): void {
    if (result.status !== 'written' || !this.context) return;
    this.context = {
      ...this.context,
      checklistEntry: result.checklistEntry,
      existingNotes: result.note ? [result.note] : this.context.existingNotes,
    };
  }

  protected override onSubmit(): void {
    if (!this.canSubmit() || (this.withNote && !this.checkChoice())) return;
    this.run({ choice: this.withNote ? this.value : NO_CHOICE, withNote: this.withNote });
  }
}

/** Native `input` events are composed: keep the toggle's inside (it is not part of `value`). */
function stop(event: Event): void {
  event.stopPropagation();
}

defineElement('alyx-qc-signoff', SignOffPanel);

declare global {
  interface HTMLElementTagNameMap {
    'alyx-qc-signoff': SignOffPanel;
  }
}
