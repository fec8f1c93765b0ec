/** Which Alyx model a UUID belongs to: the two look-ups ibllib makes, sent together. */
import type { AlyxRestClient } from './rest-client.ts';
import { ConflictError, InputError } from './errors.ts';
import { assertUuid4, clip } from './validation.ts';

export interface NoteTarget {
  readonly uuid: string;
  /** `session`, `probeinsertion`, or the explicit model given (e.g. `subject`). */
  readonly contentType: string;
}

/** A lower-case model name of at most 64 characters (as Python's check; Alyx's are short). */
const MODEL_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/** Looks the UUID up as a session and as an insertion at once; exactly one must match. */
export async function resolveNoteTarget(
  client: AlyxRestClient,
  uuid: string,
  options: { contentType?: string; signal?: AbortSignal } = {},
): Promise<NoteTarget> {
  const id = assertUuid4(uuid);
  if (options.contentType !== undefined) {
    if (!MODEL_NAME.test(options.contentType)) {
      throw new InputError(`"${clip(String(options.contentType))}" is not an Alyx model name: use a lower-case one such as "session".`);
    }
    return { uuid: id, contentType: options.contentType };
  }
  const [sessions, insertions] = await Promise.all([
    client.list('sessions', { django: `pk,${id}`, signal: options.signal }),
    client.list('insertions', { django: `pk,${id}`, signal: options.signal }),
  ]);
  if (sessions.length === 1 && insertions.length === 0) return { uuid: id, contentType: 'session' };
  if (insertions.length === 1 && sessions.length === 0) return { uuid: id, contentType: 'probeinsertion' };
  throw new ConflictError(
    `${id} matches ${sessions.length} session(s) and ${insertions.length} insertion(s), not one: check the UUID, or pass the content type.`,
  );
}
