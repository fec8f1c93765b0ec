import { html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import type { AlyxNote, SignOffEntry } from '../core/alyx-types.ts';
import type { SignOffKind } from '../core/note-kind.ts';
import { parseFigureNote } from '../core/figure-note.ts';
import { localIsoDate, mergeSignOffNoteText, signOffDateKey, signOffNoteText, summariseNoteText } from '../core/note-text.ts';
import { pythonJsonDumps } from '../core/python-json.ts';
import { getSignOffKind } from '../core/reasons.ts';
import type { SignOffContext, SignOffResult, SignOffSubmission } from '../core/workflow-types.ts';
import { signOffContextAfter } from './context-after.ts';
import { defineElement } from './define.ts';
import './figure-thumbnail.ts';
import { stop } from './events.ts';
import { renderNote, renderNotes } from './note-view.ts';
import { QcPanel } from './qc-panel.ts';
import { NO_CHOICE } from './reason-checklist.ts';
import { errorMessage } from './submission.ts';

/** The session's `sign_off_checklist` entry for a key, in words (the user isolated: bidi controls stay inside). */
function describeEntry(entry: SignOffEntry | null | undefined): unknown {
  if (entry) return html`Signed off by <bdi>${entry.user}</bdi> on <bdi>${entry.date}</bdi>.`;
  return entry === null ? 'Not signed off yet.' : 'Not in the session\u2019s sign-off checklist yet.';
}

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
export class SignOffPanel extends QcPanel<SignOffContext, SignOffKind, SignOffSubmission, SignOffResult> {
  static override properties: PropertyDeclarations = {
    withNote: { attribute: false },
    now: { attribute: false },
    figure: { attribute: false },
    loadFigure: { attribute: false },
    attachFigure: { attribute: false },
  };

  /** Write a note with the reasons (default); `false` only sets the checklist entry. */
  declare withNote: boolean;
  /** The clock for the date key (`YYYY-MM-DD_user`); the current time when unset. */
  declare now: Date | undefined;
  /** The figure the reviewer judged (issue 16): its thumbnail's URL and a caption; `null` for none. */
  declare figure: { readonly src: string; readonly caption: string } | null;
  /** Reads the image of a figure note (through the kernel, for the widget); without it no earlier figure is shown. */
  declare loadFigure: ((note: AlyxNote, signal: AbortSignal) => Promise<Blob>) | null;
  /** "Attach this figure to the note" (on by default when there is a figure). */
  declare attachFigure: boolean;

  protected override readonly waiting = 'No session to sign off yet.';

  constructor() {
    super();
    this.withNote = true;
    this.figure = null;
    this.loadFigure = null;
    this.attachFigure = true;
  }

  protected override kindOf(kind: string): SignOffKind {
    return getSignOffKind(kind);
  }

  protected override renderPanel(context: SignOffContext, kind: SignOffKind): TemplateResult {
    const now = this.now ?? new Date();
    const date = localIsoDate(now);
    const dateKey = signOffDateKey(context.user, now);
    const { signOffKey: key, existingNotes: notes, checklistEntry: entry } = context;
    // The entries of this key's sign-off note(s), e.g. `2024-03-05_carol`.
    const entries = new Set(notes.flatMap((note) => summariseNoteText(note.text).entries.map((e) => e.key)));
    const sameDay = (entry?.date === date && entry.user === context.user) || entries.has(dateKey);
    const busy = this.state.status === 'pending';
    // Written: the status line shows the verdict once; the notes, the same-day notice and the
    // preview return with "Change the verdict".
    const { written } = this;
    return html`<header>
        <h2 id="title">${kind.label} <code>${key}</code></h2>
        <p class="muted">${describeEntry(entry)} Session <code>${context.eid}</code></p>
      </header>
      <label class="toggle">
        <input type="checkbox" .checked=${this.withNote} ?disabled=${busy || written} @input=${stop} @change=${this.#onWithNote} />
        Write a note with the reasons below
      </label>
      ${this.renderChecklist(kind.id, busy || !this.withNote, this.withNote)}
      ${this.figure
        ? html`<alyx-qc-figure-thumbnail .src=${this.figure.src} .caption=${this.figure.caption} label="The figure you judged" attachable .value=${this.attachFigure} ?disabled=${busy || written} @input=${this.#onAttach}></alyx-qc-figure-thumbnail>`
        : nothing}
      ${written ? nothing : html`${renderNotes('sign-off note', notes)} ${this.#renderFigures(context, entries)}`}
      ${sameDay && !written ? html`<p class="notice">You already signed off today; this replaces today\u2019s entry.</p>` : nothing}
      ${this.#blocked()
        ? html`<p class="notice error">
            There are ${notes.length} sign-off notes for <code>${key}</code>, so this sign-off cannot be merged into one of
            them. Delete the extra notes in Alyx, or untick \u201cWrite a note\u201d to sign off without one.
          </p>`
        : nothing}
      <details ?hidden=${written}>
        <summary>Preview of what will be written</summary>
        ${this.#renderNotePreview(context, dateKey)}
        <p class="muted">Entry in the session\u2019s <code>sign_off_checklist</code>:</p>
        <pre>${pythonJsonDumps(new Map([[key, new Map([['date', date], ['user', context.user]])]]))}</pre>
        ${this.figure && this.attachFigure ? html`<p class="muted">The figure (${this.figure.caption}), as a note of its own naming this sign-off.</p>` : nothing}
      </details>
      ${this.renderActions('Sign off', 'primary', 'Signing off in Alyx\u2026', 'Sign-off failed')}`;
  }

  /** The figures of the entries of this key's sign-off note, newest first, each opened full size on click. */
  #renderFigures(context: SignOffContext, entries: ReadonlySet<string>): unknown {
    const { loadFigure: load } = this;
    const figures = (context.figureNotes ?? []).flatMap((note) => {
      const verdict = parseFigureNote(note.text)?.verdict;
      return verdict && 'entry' in verdict && verdict.signOffKey === context.signOffKey && entries.has(verdict.entry) && note.image ? [{ note, entry: verdict.entry }] : [];
    }).reverse();
    if (!load || figures.length === 0) return nothing;
    return html`<div class="figures"><h3>Figures of these sign-offs (${figures.length})</h3>
      ${figures.map(({ note, entry }) => html`<alyx-qc-figure-thumbnail .loadFull=${(signal: AbortSignal) => load(note, signal)} label=${`Figure of ${entry}`} caption=${entry}></alyx-qc-figure-thumbnail>`)}</div>`;
  }

  /** Several sign-off notes for one key: ibllib refuses to merge, so do we (a sign-off without a note still works). */
  #blocked(): boolean {
    return this.withNote && (this.context?.existingNotes.length ?? 0) > 1;
  }

  protected override canSubmit(): boolean {
    return super.canSubmit() && !this.#blocked();
  }

  /** The exact note text, merged into the existing note when there is one. */
  #renderNotePreview(context: SignOffContext, dateKey: string): TemplateResult {
    if (!this.withNote || this.#blocked()) return html`<p class="muted">No note is written.</p>`;
    try {
      const [existing] = context.existingNotes;
      const text = existing
        ? mergeSignOffNoteText(existing.text, dateKey, this.value, existing.id)
        : signOffNoteText(context.signOffKey, dateKey, this.value);
      return html`<p class="muted">Note text${existing ? ', merged into the existing note' : ''}:</p>
        <pre>${text}</pre>`;
    } catch (error) {
      return html`<p class="notice error">${errorMessage(error)}</p>`;
    }
  }

  protected override describe(result: Extract<SignOffResult, { status: 'written' }>): [unknown, unknown] {
    const { note, checklistEntry: { user, date } } = result;
    const day = result.replacedSameDay ? ', replacing today\u2019s entry' : '';
    const figure = result.figure ? ` Figure note ${result.figure.id} attached.` : '';
    return [html`Signed off as <bdi>${user}</bdi> on ${date}${day}.${figure}${note ? ` Note ${note.id} written:` : ' No note written.'}`, note ? renderNote(note) : nothing];
  }

  #onAttach(event: CustomEvent<boolean>): void {
    // The thumbnail's own input event is not the panel's value changing.
    stop(event);
    this.attachFigure = event.detail;
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
    if (this.context) this.context = signOffContextAfter(this.context, result);
  }

  protected override onSubmit(): void {
    if (!this.canSubmit() || (this.withNote && !this.checkChoice())) return;
    void this.run({ choice: this.withNote ? this.value : NO_CHOICE, withNote: this.withNote, ...(this.figure ? { attachFigure: this.attachFigure } : {}) });
  }
}

defineElement('alyx-qc-signoff', SignOffPanel);

declare global {
  interface HTMLElementTagNameMap {
    'alyx-qc-signoff': SignOffPanel;
  }
}
