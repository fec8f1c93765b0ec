/**
 * The note requests the workflows share. Creating a note is the one non-idempotent write: when
 * its response is lost we look for it before sending it again, so a retry never duplicates it.
 */
import type { AlyxNote } from './alyx-types.ts';
import { asNote } from './answer-shapes.ts';
import type { AlyxRestClient } from './rest-client.ts';
import { AlyxNotFoundError, type AlyxHttpError } from './errors.ts';
import { noteTitle } from './note-text.ts';
import { hasCode, sleep } from './retry-policy.ts';

/**
 * Every note on `objectId`; with a title, only those whose text contains it, case-insensitively
 * (Alyx's `text__icontains`: it narrows on the server; {@link parseNoteJson}'s title decides here).
 * Each is checked to be a note before a workflow acts on it.
 */
export async function findNotes(client: AlyxRestClient, objectId: string, signal?: AbortSignal, title?: string): Promise<AlyxNote[]> {
  // The title is fixed text or holds a validated sign-off key: no user text enters the filter.
  const notes = await client.list<unknown>('notes', { django: `${title ? `text__icontains,${title},` : ''}object_id,${objectId}`, signal });
  return notes.map((note) => asNote(note, `GET ${client.baseUrl}/notes`));
}

/** The notes whose JSON title is exactly `title`: a workflow's own, not notes that only quote it. */
export function titled(notes: readonly AlyxNote[], title: string): AlyxNote[] {
  return notes.filter((note) => noteTitle(note.text) === title);
}

/** The notes whose text contains `title`, case-insensitively: Alyx's `text__icontains`, done here on a list of the object's notes. */
export function mentioning(notes: readonly AlyxNote[], title: string): AlyxNote[] {
  return notes.filter((note) => note.text.toLowerCase().includes(title.toLowerCase()));
}

/** Deletes the notes together. One already gone is fine: whoever deleted it wanted it gone too. */
export async function deleteNotes(client: AlyxRestClient, notes: readonly AlyxNote[], signal?: AbortSignal): Promise<void> {
  // Ids were checked to be UUIDs (asNote); encoded all the same, as every path segment should be.
  await Promise.all(notes.map((note) => client.request('DELETE', `/notes/${encodeURIComponent(note.id)}`, { signal }).catch((error: unknown) => {
    if (!(error instanceof AlyxNotFoundError)) throw error;
  })));
}

/**
 * A note's `date_time` as a key that sorts as the time does, in both forms Alyx answers with:
 * naive (`2026-12-01T21:14:40.140197`, Alyx) and UTC (`…140197Z`, alyx-local). Python drops a
 * zero fraction (`…:40Z`), and `Z` sorts after `.`, so the fraction is put back.
 */
function dateKey(date: string): string {
  const [time, fraction = ''] = date.replace(/(Z|[+-]\d\d:\d\d)$/i, '').split('.');
  return `${time}.${fraction.padEnd(6, '0')}`;
}

/** Earlier `date_time` first (see dateKey). */
export function byDateTime(a: string, b: string): number {
  const x = dateKey(a);
  const y = dateKey(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Oldest first, ties broken by id, so that rival reviewers agree on which note stands. */
export function byAge(a: AlyxNote, b: AlyxNote): number {
  return byDateTime(a.date_time, b.date_time) || a.id.localeCompare(b.id);
}

export interface NewNote {
  readonly contentType: string;
  readonly objectId: string;
  readonly text: string;
}

/** The body ibllib sends: `user`, `content_type`, `object_id`, `text`. */
export function noteBody(client: AlyxRestClient, note: NewNote): Record<string, string> {
  return { user: client.user, content_type: note.contentType, object_id: note.objectId, text: note.text };
}

/**
 * POST a note; after a network error, timeout or 5xx, look for a note with our exact text by us
 * that was not there before, and only if there is none send it again (three attempts in all).
 *
 * A POST we gave up on may not be lost but queued (an overloaded server acts on it after our
 * timeout and after we looked): once we have sent the note again, give the earlier attempts as
 * long again as the client's timeout to land, then delete any twin of the note we return, so
 * that a stalled request cannot leave a duplicate.
 */
export async function createNoteOnce(client: AlyxRestClient, note: NewNote, options: { knownIds?: ReadonlySet<string>; signal?: AbortSignal } = {}): Promise<AlyxNote> {
  const { knownIds, signal } = options;
  const isOurs = (candidate: AlyxNote): boolean => !knownIds?.has(candidate.id) && candidate.text === note.text && candidate.user === client.user;
  // Set once an attempt may still reach Alyx after we stopped waiting for it.
  let inDoubt = false;
  for (let attempt = 1; ; attempt++) {
    let created: AlyxNote | undefined;
    try {
      created = asNote(await client.request('POST', '/notes', { body: noteBody(client, note), signal }), `POST ${client.baseUrl}/notes`);
    } catch (error) {
      if (!hasCode(error, 'network', 'timeout', 'server') || attempt >= 3) throw error;
      await sleep(200 * attempt, signal);
      created = (await findNotes(client, note.objectId, signal)).find(isOurs);
      if (!created) {
        // No answer, or a gateway's (502, 504) that may have given up while Alyx still works on it.
        inDoubt ||= hasCode(error, 'network', 'timeout') || [502, 504].includes((error as Partial<AlyxHttpError>).status ?? 0);
        continue;
      }
    }
    if (inDoubt) {
      await sleep(client.timeoutMs, signal);
      const kept = created;
      await deleteNotes(client, (await findNotes(client, note.objectId, signal)).filter((candidate) => candidate.id !== kept.id && isOurs(candidate)), signal);
    }
    return created;
  }
}
