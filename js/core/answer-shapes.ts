/**
 * Alyx's answers checked for the shape the workflows build on, before anything is written from
 * them: a session that is a string, an HTML page, or a note without an id would otherwise end
 * as a wrong write or an "unexpected error".
 */
import type { AlyxNote, AlyxSession } from './alyx-types.ts';
import { AlyxBadResponseError } from './errors.ts';
import { UUID_ANY_VERSION as UUID } from './validation.ts';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `value` as `check` says, or the error naming the request, what was expected and what came. */
function expect<T>(value: unknown, check: boolean, request: string, expected: string): T {
  if (check) return value as T;
  const [method, url] = request.split(' ');
  throw new AlyxBadResponseError({ method, url, status: 200, detail: `expected ${expected}, got ${Array.isArray(value) ? 'a list' : value === null ? 'null' : `a${isRecord(value) ? 'nother' : ''} ${typeof value}`}` });
}

/** A note as the workflows use it: a UUID id (it goes into URL paths), the author, the date and the text. */
export function asNote(value: unknown, request: string): AlyxNote {
  const note = isRecord(value) ? value : {};
  return expect(value, UUID.test(String(note['id'])) && [note['text'], note['user'], note['date_time']].every((field) => typeof field === 'string'), request, 'a note (UUID id, user, date_time, text)');
}

/** The session record of `eid`: an object, with that id when it names one. */
export function asSession(value: unknown, eid: string, request: string): AlyxSession {
  return expect(value, isRecord(value) && (value['id'] === undefined || String(value['id']).toLowerCase() === eid), request, `session ${eid}`);
}
