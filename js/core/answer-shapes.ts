/**
 * Alyx's answers checked for the shape the workflows build on, before anything is written from
 * them: a session that is a string, an HTML page, or a note without an id would otherwise end
 * as a wrong write or an "unexpected error".
 */
import type { AlyxNote, AlyxSession } from './alyx-types.ts';
import { AlyxQcError } from './errors.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The error for an answer of the wrong shape: which request, what came, what was expected. */
function unexpected(request: string, expected: string, value: unknown): AlyxQcError {
  const got = value === null ? 'null' : Array.isArray(value) ? 'a list' : isRecord(value) ? 'an object without them' : `a ${typeof value}`;
  return new AlyxQcError('bad-response', `${request} answered ${got}, where ${expected} was expected; nothing more was written. Check that the base URL is the Alyx API, or tell the Alyx administrator.`);
}

/** A note as the workflows use it: a UUID id (it goes into URL paths), the author, the date and the text. */
export function asNote(value: unknown, request: string): AlyxNote {
  if (!isRecord(value) || typeof value['id'] !== 'string' || !UUID.test(value['id']) || typeof value['text'] !== 'string' || typeof value['user'] !== 'string' || typeof value['date_time'] !== 'string') {
    throw unexpected(request, 'a note (a UUID id, user, date_time and text)', value);
  }
  return value as unknown as AlyxNote;
}

/** The session record of `eid`: an object, with that id when it names one. */
export function asSession(value: unknown, eid: string, request: string): AlyxSession {
  if (!isRecord(value) || (value['id'] !== undefined && String(value['id']).toLowerCase() !== eid)) {
    throw unexpected(request, `the record of session ${eid}`, value);
  }
  return value as AlyxSession;
}
