/**
 * What a queue reads off a session without writing: its checklist entry for a key (or why the
 * checklist cannot take one), and the reasons of the sign-off that entry records.
 */
import type { AlyxNote, AlyxSession, SignOffEntry } from './alyx-types.ts';
import { summariseNoteText } from './note-text.ts';

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function shape(value: unknown): string {
  return Array.isArray(value) ? 'a list' : `a ${typeof value}`;
}

/**
 * `json.sign_off_checklist[key]` (`null` due, `undefined` absent), or the problem that stops a
 * sign-off: `json` or the checklist is not an object (the sign-off would clobber it).
 */
export function checklistState(session: AlyxSession, signOffKey: string): { entry: SignOffEntry | null | undefined; problem: string | null } {
  const { json } = session;
  if (json !== null && json !== undefined && !isObject(json)) {
    return { entry: undefined, problem: `Session ${session.id}'s "json" is ${shape(json)}, not an object. Fix it in Alyx's admin; nothing is written to it from here.` };
  }
  const checklist = isObject(json) ? json['sign_off_checklist'] : undefined;
  if (checklist !== null && checklist !== undefined && !isObject(checklist)) {
    return { entry: undefined, problem: `Session ${session.id}'s "sign_off_checklist" is ${shape(checklist)}, not an object. Fix it in Alyx's admin; nothing is written to it from here.` };
  }
  const entry = isObject(checklist) ? checklist[signOffKey] : undefined;
  if (entry === undefined || entry === null) return { entry, problem: null };
  if (isObject(entry) && typeof entry['date'] === 'string' && typeof entry['user'] === 'string') {
    return { entry: { date: entry['date'], user: entry['user'] }, problem: null };
  }
  // An entry of another shape counts as signed off by someone unknown: it is not null.
  return { entry: { date: '?', user: '?' }, problem: null };
}

/** The reasons (and "Other" text) the sign-off note holds for the entry's `YYYY-MM-DD_user`. */
export function entryReasons(notes: readonly AlyxNote[], entry: SignOffEntry | null | undefined): readonly string[] {
  if (!entry) return [];
  const key = `${entry.date}_${entry.user}`;
  for (const note of notes) {
    const found = summariseNoteText(note.text).entries.find((candidate) => candidate.key === key);
    if (found) return found.reasons;
  }
  return [];
}
