/**
 * The note requests the workflows share. Creating a note is the one non-idempotent write: when
 * its response is lost we look for it before sending it again, so a retry never duplicates it.
 */
import type { AlyxNote } from './alyx-types.ts';
import type { AlyxClient } from './client.ts';
import { AlyxHttpError, AlyxQcError } from './errors.ts';
import { sleep } from './retry-policy.ts';

/** Notes on `objectId` whose text contains `title`, case-insensitively (Alyx's `text__icontains`). */
export async function findNotesWithTitle(client: AlyxClient, objectId: string, title: string, signal?: AbortSignal): Promise<AlyxNote[]> {
  // The title is fixed text or holds a validated sign-off key: no user text enters the filter.
  return client.list<AlyxNote>('notes', { django: `text__icontains,${title},object_id,${objectId}`, signal });
}

export interface NewNote {
  readonly contentType: string;
  readonly objectId: string;
  readonly text: string;
}

/** The body ibllib sends: `user`, `content_type`, `object_id`, `text`. */
export function noteBody(client: AlyxClient, note: NewNote): Record<string, string> {
  return { user: client.user, content_type: note.contentType, object_id: note.objectId, text: note.text };
}

function isRetryable(error: unknown): boolean {
  return error instanceof AlyxQcError && (error.code === 'network' || error.code === 'timeout' || error.code === 'server');
}

/**
 * POST a note; after a network error, timeout or 5xx, look for a note with our exact text by us
 * that was not there before, and only if there is none send it again.
 */
export async function createNoteOnce(
  client: AlyxClient,
  note: NewNote,
  options: { knownIds?: ReadonlySet<string>; signal?: AbortSignal; attempts?: number } = {},
): Promise<AlyxNote> {
  const attempts = options.attempts ?? 3;
  const knownIds = options.knownIds ?? new Set<string>();
  // Set once an attempt may still reach Alyx after we stopped waiting for it.
  let inDoubt = false;
  for (let attempt = 1; ; attempt++) {
    try {
      const created = await client.request<AlyxNote>('POST', '/notes', { body: noteBody(client, note), signal: options.signal });
      if (inDoubt) await removeLateTwins(client, note, created, knownIds, options.signal);
      return created;
    } catch (error) {
      if (!isRetryable(error) || attempt >= attempts) throw error;
      await sleep(200 * attempt, options.signal);
      const found = await findOwnNote(client, note, knownIds, options.signal);
      if (found) {
        if (inDoubt) await removeLateTwins(client, note, found, knownIds, options.signal);
        return found;
      }
      inDoubt ||= mayStillLand(error);
    }
  }
}

/** No answer, or a gateway's (502, 504) that may have given up while Alyx still works on it. */
function mayStillLand(error: unknown): boolean {
  if (!(error instanceof AlyxQcError)) return false;
  if (error.code === 'network' || error.code === 'timeout') return true;
  return error instanceof AlyxHttpError && (error.status === 502 || error.status === 504);
}

/**
 * A POST we gave up on may not be lost but queued (an overloaded server acts on it after our
 * timeout and after we looked): once we have sent the note again, give the earlier attempts as
 * long again as the client's timeout to land, then delete any twin of the note we return (same
 * text, by us, not there before), so that a stalled request cannot leave a duplicate.
 */
async function removeLateTwins(client: AlyxClient, note: NewNote, kept: AlyxNote, knownIds: ReadonlySet<string>, signal?: AbortSignal): Promise<void> {
  await sleep(client.timeoutMs, signal);
  const candidates = await client.list<AlyxNote>('notes', { django: `object_id,${note.objectId}`, signal });
  const twins = candidates.filter((candidate) => candidate.id !== kept.id && !knownIds.has(candidate.id) && candidate.text === note.text && candidate.user === client.user);
  await Promise.all(twins.map((twin) => client.request('DELETE', `/notes/${twin.id}`, { signal })));
}

async function findOwnNote(client: AlyxClient, note: NewNote, knownIds: ReadonlySet<string>, signal?: AbortSignal): Promise<AlyxNote | undefined> {
  const candidates = await client.list<AlyxNote>('notes', { django: `object_id,${note.objectId}`, signal });
  return candidates.find((candidate) => !knownIds.has(candidate.id) && candidate.text === note.text && candidate.user === client.user);
}
