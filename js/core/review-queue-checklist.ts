/** What a queue reads off a session's sign-off notes: the latest entry, and the reasons of an entry. */
import type { AlyxNote, SignOffEntry } from './alyx-types.ts';
import { summariseNoteText } from './note-text.ts';

const DATE_KEY = /^(\d{4}-\d{2}-\d{2})_(.+)$/;

/** The latest `YYYY-MM-DD_user` entry of the notes, as a checklist entry; `null` when there is none. */
export function latestEntry(notes: readonly AlyxNote[]): SignOffEntry | null {
  let latest: SignOffEntry | null = null;
  for (const note of notes) {
    for (const { key } of summariseNoteText(note.text).entries) {
      const match = DATE_KEY.exec(key);
      // Entries are appended in time order: the last of a day wins over earlier ones.
      if (match && (!latest || match[1]! >= latest.date)) latest = { date: match[1]!, user: match[2]! };
    }
  }
  return latest;
}

/** The reasons the sign-off note holds for the entry's `YYYY-MM-DD_user`. */
export function entryReasons(notes: readonly AlyxNote[], entry: SignOffEntry | null): readonly string[] {
  if (!entry) return [];
  const key = `${entry.date}_${entry.user}`;
  for (const note of notes) {
    const found = summariseNoteText(note.text).entries.find((candidate) => candidate.key === key);
    if (found) return found.reasons;
  }
  return [];
}
