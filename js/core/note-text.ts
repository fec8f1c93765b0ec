/** The exact `text` of the notes ibllib writes: JSON serialised as Python's `json.dumps`. */
import { ConflictError } from './errors.ts';
import type { CriticalKind } from './note-kind.ts';
import { pythonJsonDumps, pythonJsonLoads, type PyJson } from './python-json.ts';
import type { ReasonChoice } from './reasons.ts';
import { assertNoteTextLength, assertSignOffKey } from './validation.ts';

/** The title of a sign-off note, also what finds it again (`text__icontains`). */
export function signOffTitle(signOffKey: string): string {
  return `=== SIGN-OFF NOTE FOR ${assertSignOffKey(signOffKey)} ===`;
}

/** `YYYY-MM-DD_<username>` with the reviewer's local calendar date, as ibllib's `datetime.now().date()`. */
export function signOffDateKey(username: string, now: Date = new Date()): string {
  return `${localIsoDate(now)}_${username}`;
}

/** The local calendar date as `YYYY-MM-DD`. */
export function localIsoDate(now: Date): string {
  // The instant moved by the local offset there: its UTC calendar date is the local one.
  return new Date(now.getTime() - now.getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
}

/** ibllib stores "no free text" as an empty list, not `""` or `null`. */
function reasonEntries(choice: ReasonChoice): [string, PyJson][] {
  const other = choice.other || [];
  return [
    ['reasons_selected', [...choice.reasons]],
    ['reason_for_other', other],
  ];
}

function finish(value: PyJson): string {
  const text = pythonJsonDumps(value);
  assertNoteTextLength(text);
  return text;
}

/** `{"title": T, "reasons_selected": [...], "reason_for_other": X}` */
export function criticalNoteText(kind: CriticalKind, choice: ReasonChoice): string {
  return finish(new Map<string, PyJson>([['title', kind.title], ...reasonEntries(choice)]));
}

/** `{"title": T, "<date>_<user>": {"reasons_selected": [...], "reason_for_other": X}}` */
export function signOffNoteText(signOffKey: string, dateKey: string, choice: ReasonChoice): string {
  return finish(new Map<string, PyJson>([
    ['title', signOffTitle(signOffKey)],
    [dateKey, new Map(reasonEntries(choice))],
  ]));
}

/**
 * Merges a sign-off into an existing note's text the way ibllib's `dict.update` does: the date
 * key's value is replaced in place if present, appended otherwise; every other key is kept.
 */
export function mergeSignOffNoteText(existingText: string, dateKey: string, choice: ReasonChoice, noteId = ''): string {
  const existing = parseNoteJson(existingText);
  if (!(existing instanceof Map)) {
    throw new ConflictError(`The sign-off note${noteId ? ` ${noteId}` : ''} is not a JSON object. Fix or delete it in Alyx's admin, then sign off again.`);
  }
  const merged = new Map(existing);
  merged.set(dateKey, new Map(reasonEntries(choice)));
  return finish(merged);
}

/** Parses note text as Python would; `undefined` when it is not JSON (notes may hold free text). */
export function parseNoteJson(text: string): PyJson | undefined {
  try {
    return pythonJsonLoads(text);
  } catch (error) {
    // A stack overflow (a note nested too deep) is a RangeError, and is not hidden.
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}

/**
 * The `title` of a note's JSON, `undefined` when it has none. A QC note is one whose title is
 * exactly its kind's (case-sensitive): a note that only quotes a title is not one.
 */
export function noteTitle(text: string): string | undefined {
  const parsed = parseNoteJson(text);
  const title = parsed instanceof Map ? parsed.get('title') : undefined;
  return typeof title === 'string' ? title : undefined;
}

/** What a UI shows of an existing QC note. */
export interface NoteSummary {
  readonly title: string | null;
  /** Each reviewer entry: for critical notes one entry keyed `''`, for sign-off notes one per date key. */
  readonly entries: readonly { readonly key: string; readonly reasons: readonly string[]; readonly other: string | null }[];
  /** The raw text when it is not a QC note in JSON. */
  readonly plainText: string | null;
}

/** Summarises a note's text for display; text that is not JSON comes back as `plainText`. */
export function summariseNoteText(text: string): NoteSummary {
  const parsed = parseNoteJson(text);
  if (!(parsed instanceof Map)) return { title: null, entries: [], plainText: text };
  const title = parsed.get('title');
  // A critical note is itself the one entry (keyed ''); a sign-off note holds one per date key.
  const candidates: [string, PyJson | undefined][] = [...(parsed.has('reasons_selected') ? [['', parsed] as [string, PyJson]] : []), ...parsed];
  const entries = candidates.flatMap(([key, value]) => {
    if (!(value instanceof Map)) return [];
    const reasons = value.get('reasons_selected');
    const other = value.get('reason_for_other');
    return [{
      key,
      reasons: Array.isArray(reasons) ? reasons.filter((reason): reason is string => typeof reason === 'string') : [],
      other: typeof other === 'string' && other !== '' ? other : null,
    }];
  });
  return { title: typeof title === 'string' ? title : null, entries, plainText: null };
}
