/**
 * How existing Alyx notes look in every element. Everything from Alyx (user names, note text,
 * reasons) goes through Lit text bindings, which never parse HTML: a note holding
 * `<img onerror=...>` shows those characters and runs nothing.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { AlyxNote } from '../core/alyx-types.ts';
import { OTHER } from '../core/note-kind.ts';
import { summariseNoteText } from '../core/note-text.ts';

/** `2024-03-05T14:22:10.123456` as `2024-03-05 14:22`: Alyx's own clock, no time-zone guessing. */
export function formatDateTime(value: string): string {
  return value.slice(0, 16).replace('T', ' ');
}

/** The reasons of a note's text (the "Other" text beside "Other"), or the text itself when it is not a QC note in JSON. */
export function renderNoteText(text: string): TemplateResult {
  const summary = summariseNoteText(text);
  if (summary.plainText !== null) return html`<p class="plain">${summary.plainText}</p>`;
  if (summary.entries.length === 0) return html`<p class="muted">No reasons recorded.</p>`;
  return html`${summary.entries.map(({ key, reasons, other }) => {
    const items = reasons.map((reason) => (reason === OTHER && other ? `${OTHER}: ${other}` : reason));
    if (other && !reasons.includes(OTHER)) items.push(`${OTHER}: ${other}`);
    return html`${key ? html`<p class="muted">${key}</p>` : nothing}
      <ul>
        ${items.length ? items.map((item) => html`<li>${item}</li>`) : html`<li class="muted">no reasons selected</li>`}
      </ul>`;
  })}`;
}

/** One existing note: who wrote it, when, and what it says. */
export function renderNote(note: AlyxNote): TemplateResult {
  return html`<div class="note">
    <p>
      <strong><bdi>${note.user}</bdi></strong>
      <span class="muted">· <time datetime=${note.date_time}>${formatDateTime(note.date_time)}</time></span>
    </p>
    ${renderNoteText(note.text)}
  </div>`;
}

/** The notes Alyx holds already, under a heading that counts them ("Existing critical notes (2)"); nothing without notes. */
export function renderNotes(what: string, notes: readonly AlyxNote[], after?: unknown): TemplateResult | typeof nothing {
  const count = notes.length;
  return count
    ? html`<section class="notes" aria-labelledby="existing">
        <h3 id="existing">Existing ${what}${count === 1 ? '' : 's'} (${count})</h3>
        ${notes.map(renderNote)} ${after}
      </section>`
    : nothing;
}
