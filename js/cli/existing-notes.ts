/** The notes an overwrite would replace, shown before the y/n question. */
import type { AlyxNote } from '../core/index.ts';
import { summariseNoteText } from '../core/note-text.ts';

function describeNote(note: AlyxNote): string {
  const summary = summariseNoteText(note.text);
  const day = note.date_time.slice(0, 10);
  const entry = summary.entries[0];
  const what = entry
    ? `${entry.reasons.length > 0 ? entry.reasons.join(', ') : '(no reasons)'}${entry.other !== null ? ` (other: ${entry.other})` : ''}`
    : (summary.plainText ?? '').slice(0, 80);
  return `  - ${note.id}, ${day} by ${note.user}: ${what}`;
}

export function existingNoteLines(notes: readonly AlyxNote[], what: string): string[] {
  return [`Existing ${what} (${notes.length}):`, ...notes.map(describeNote)];
}

/** Notes that only mention the title (quoting a critical note): listed, and said to be kept. */
export function mentionLines(notes: readonly AlyxNote[]): string[] {
  return notes.length === 0 ? [] : [`Other notes that mention the title (${notes.length}), kept:`, ...notes.map(describeNote)];
}
