/**
 * How an existing Alyx note looks in every element. Everything from Alyx (user names, note text,
 * reasons) goes through Lit text bindings, which never parse HTML: a note holding
 * `<img onerror=...>` shows those characters and runs nothing.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { AlyxNote, SignOffEntry } from '../core/alyx-types.ts';
import { OTHER } from '../core/note-kinds.ts';
import { summariseNoteText } from '../core/note-text.ts';

/** `2024-03-05T14:22:10.123456` as `2024-03-05 14:22`: Alyx's own clock, no time-zone guessing. */
export function formatDateTime(value: string): string {
  const match = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)/.exec(value);
  return match ? `${match[1]} ${match[2]}` : value;
}

/** The reasons of a note's text, or the text itself when it is not a QC note in JSON. */
export function renderNoteText(text: string): TemplateResult {
  const summary = summariseNoteText(text);
  if (summary.plainText !== null) return html`<p class="plain">${summary.plainText}</p>`;
  if (summary.entries.length === 0) return html`<p class="muted">No reasons recorded.</p>`;
  return html`${summary.entries.map(
    ({ key, reasons, other }) => html`${key ? html`<p class="muted">${key}</p>` : nothing}
      <ul>
        ${reasons.map((reason) => html`<li>${reason === OTHER && other ? `${OTHER}: ${other}` : reason}</li>`)}
        ${other && !reasons.includes(OTHER) ? html`<li>${OTHER}: ${other}</li>` : nothing}
        ${reasons.length === 0 && !other ? html`<li class="muted">no reasons selected</li>` : nothing}
      </ul>`,
  )}`;
}

/** One existing note: who wrote it, when, and what it says. */
export function renderNote(note: AlyxNote): TemplateResult {
  return html`<div class="note">
    <p>
      <strong>${note.user}</strong>
      <span class="muted">· <time datetime=${note.date_time}>${formatDateTime(note.date_time)}</time></span>
    </p>
    ${renderNoteText(note.text)}
  </div>`;
}

/** The session's `sign_off_checklist` entry for a key, in words. */
export function describeChecklistEntry(entry: SignOffEntry | null | undefined): string {
  if (entry) return `Signed off by ${entry.user} on ${entry.date}.`;
  return entry === null ? 'Not signed off yet.' : 'Not in the session\u2019s sign-off checklist yet.';
}
