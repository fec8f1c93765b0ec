/**
 * Loading a review queue: many sessions and their sign-off notes for one key, in few requests
 * (`pk__in` for the records, `object_id__in` with the title for the notes), and the pending
 * look-ups by Alyx's JSON lookups on `json.sign_off_checklist`. Moving through the queue then
 * sends nothing: each session's record, checklist entry and notes are here.
 */
import type { AlyxNote, AlyxSession, SignOffEntry } from './alyx-types.ts';
import type { AlyxRestClient } from './rest-client.ts';
import { InputError } from './errors.ts';
import { signOffTitle } from './note-text.ts';
import { getSignOffKind } from './reasons.ts';
import { assertSignOffKey, assertUuid4 } from './validation.ts';
import type { SignOffKindId } from './note-kind.ts';
import { signOff } from './sign-off.ts';
import type { SignOffResult, SignOffSubmission } from './workflow-types.ts';
import { latestEntry } from './review-queue-checklist.ts';

/**
 * Sessions per `__in` request. Apache, nginx and gunicorn refuse a request line over 8190 bytes
 * by default (alyx-local's gunicorn dropped a batch of 250 quoted ids). Each id goes as a hex
 * integer ({@link pyList}): 37 bytes once encoded, against 45 quoted. The longest request is the
 * notes' with a 64-character key: 7,579 bytes for 200 ids (`GET /notes?django=…&limit=250
 * HTTP/1.1`, no base path, as at alyx.internationalbrainlab.org), 611 under the limit, so a base
 * path of up to 460 characters still leaves 150 to spare. A queue of up to 200 loads in 3
 * requests, sent together; 250 in 6, still one round trip.
 */
export const QUEUE_BATCH = 200;

/** One session of a queue, as the list and the sign-off panel show it. */
export interface QueueSession {
  readonly eid: string;
  /** The record as Alyx lists it (no `json`); `null` when Alyx has no session with this eid. */
  readonly session: AlyxSession | null;
  /** Whether `json.sign_off_checklist[key]` holds a sign-off (an object with a user). */
  readonly signedOff: boolean;
  /**
   * Who signed off on which day, from the sign-off note's latest entry (or a write of this
   * queue); `null` when not known: Alyx's session list holds no `json`, and a sign-off without a
   * note leaves no entry in a note.
   */
  readonly entry: SignOffEntry | null;
  /** The session's sign-off notes for the key. */
  readonly existingNotes: readonly AlyxNote[];
  /** Why this session cannot be signed off here (no such session). */
  readonly problem: string | null;
}

/** What a queue is about, and its sessions in the order given. */
export interface ReviewQueueData {
  readonly kind: SignOffKindId;
  readonly signOffKey: string;
  /** Who signs off (the client's user). */
  readonly user: string;
  readonly sessions: readonly QueueSession[];
}

export interface LoadQueueOptions {
  readonly eids: readonly string[];
  readonly signOffKey: string;
  readonly kind: string;
  readonly signal?: AbortSignal;
}

/**
 * The eids as `[0x<32 hex>,0x<32 hex>]`: Alyx's `django` parser evaluates a bracketed value as a
 * Python literal (alyx/base.py `_custom_filter_parser`), and Django's `UUIDField.to_python` takes
 * an int as `uuid.UUID(int=…)`, so a hex integer names the same row as the quoted UUID in 34
 * characters rather than 38, with no quotes to encode. Commas, no spaces: the relay
 * (`python/alyx_qc/_scope.py`) accepts exactly this form.
 */
function pyList(ids: readonly string[]): string {
  return `[${ids.map((id) => `0x${id.replace(/-/g, '')}`).join(',')}]`;
}

function batches<T>(items: readonly T[], size = QUEUE_BATCH): T[][] {
  const out: T[][] = [];
  for (let index = 0; index < items.length; index += size) out.push(items.slice(index, index + size));
  return out;
}

/** The eids, checked and lower-cased, each once, in the order given. Refuses an empty queue. */
export function queueEids(eids: readonly unknown[]): string[] {
  if (!Array.isArray(eids) || eids.length === 0) {
    throw new InputError('The review queue is empty: pass the eids of the sessions to review, or use the pending look-up.');
  }
  return [...new Set(eids.map((eid) => assertUuid4(eid, 'session eid')))];
}

/**
 * The `django` values a queue's loading sends, per batch of eids: the records, the ones signed
 * off, and the sign-off notes. The relay allows exactly these (Python builds the same strings).
 */
export function queueFilters(signOffKey: string, eids: readonly string[]): { records: string; signedOff: string; notes: string }[] {
  const key = assertSignOffKey(signOffKey);
  return batches(eids).map((ids) => ({
    records: `pk__in,${pyList(ids)}`,
    // The list serializer has no \`json\`: ask Alyx which entries are objects holding a user.
    signedOff: `pk__in,${pyList(ids)},json__sign_off_checklist__${key}__user__isnull,False`,
    notes: `text__icontains,${signOffTitle(key)},object_id__in,${pyList(ids)}`,
  }));
}

/** The queue's sessions, which are signed off, and their notes: 3 requests together per {@link QUEUE_BATCH} eids. */
export async function loadReviewQueue(client: AlyxRestClient, options: LoadQueueOptions): Promise<ReviewQueueData> {
  const kind = getSignOffKind(options.kind);
  const signOffKey = assertSignOffKey(options.signOffKey);
  const eids = queueEids(options.eids);
  const { signal } = options;
  const pages = await Promise.all(queueFilters(signOffKey, eids).map(({ records, signedOff, notes }) => Promise.all([
    client.list<AlyxSession>('sessions', { django: records, signal }),
    client.list<AlyxSession>('sessions', { django: signedOff, signal }),
    client.list<AlyxNote>('notes', { django: notes, signal }),
  ])));
  const signed = new Set(pages.flatMap(([, done]) => done.map((record) => String(record.id).toLowerCase())));
  return {
    kind: kind.id,
    signOffKey,
    user: client.user,
    sessions: queueSessions(eids, pages.flatMap(([records]) => records), signed, pages.flatMap(([, , notes]) => notes)),
  };
}

/** Joins records, sign-offs and notes to the eids, in the order given. */
export function queueSessions(eids: readonly string[], records: readonly AlyxSession[], signed: ReadonlySet<string>, notes: readonly AlyxNote[]): QueueSession[] {
  const byId = new Map(records.map((record) => [String(record.id).toLowerCase(), record]));
  const notesOf = new Map<string, AlyxNote[]>();
  for (const note of notes) {
    const id = String(note.object_id).toLowerCase();
    notesOf.set(id, [...(notesOf.get(id) ?? []), note]);
  }
  return eids.map((eid) => {
    const session = byId.get(eid) ?? null;
    const existingNotes = notesOf.get(eid) ?? [];
    const signedOff = session !== null && signed.has(eid);
    return {
      eid,
      session,
      signedOff,
      entry: signedOff ? latestEntry(existingNotes) : null,
      existingNotes,
      problem: session ? null : `Alyx has no session ${eid}: check the eid (and that this is the right Alyx), or take it out of the queue.`,
    };
  });
}

export interface PendingOptions {
  readonly signOffKey: string;
  /** The notebook user's own extra filter, e.g. `projects__name,ibl_neuropixel_brainwide_01`. */
  readonly django?: string;
  /** At most this many sessions (the oldest first as Alyx lists them). */
  readonly limit?: number;
  readonly signal?: AbortSignal;
}

/**
 * The two `django` values of the pending look-up: the key holding null (due) and the key absent.
 * The relay allows exactly these (built in Python from the same parts).
 */
export function pendingFilters(signOffKey: string, django = ''): [string, string] {
  const key = assertSignOffKey(signOffKey);
  const extra = django.trim() === '' ? '' : `,${django.trim()}`;
  return [`json__sign_off_checklist__${key},None${extra}`, `json__sign_off_checklist__${key}__isnull,True${extra}`];
}

/** The sessions whose sign-off for the key is due (null) or absent: 2 requests for up to 1000. */
export async function findPendingSessions(client: AlyxRestClient, options: PendingOptions): Promise<AlyxSession[]> {
  const limit = options.limit ?? 1000;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new InputError(`limit must be an integer from 1 to 1000, not ${String(limit)}.`);
  const lists = await Promise.all(pendingFilters(options.signOffKey, options.django).map((django) =>
    // One page of `limit`: a queue is reviewed a few hundred at a time.
    client.request<{ results: AlyxSession[] } | AlyxSession[]>('GET', '/sessions', { query: { django, limit }, signal: options.signal }),
  ));
  const seen = new Set<string>();
  const out: AlyxSession[] = [];
  for (const list of lists) {
    for (const session of Array.isArray(list) ? list : list.results) {
      if (!seen.has(session.id) && out.length < limit) out.push(session);
      seen.add(session.id);
    }
  }
  return out;
}

/** The queue's write over a client: the core's `signOff` for one session of the queue. */
export function queueWriter(client: AlyxRestClient, data: Pick<ReviewQueueData, 'kind' | 'signOffKey'>): (eid: string, submission: SignOffSubmission, signal: AbortSignal, written?: () => void) => Promise<SignOffResult> {
  return (eid, { choice, withNote }, signal, written) =>
    signOff(client, { eid, signOffKey: data.signOffKey, kind: data.kind, reasons: choice.reasons, other: choice.other, withNote, signal, ...(written ? { onWritten: written } : {}) });
}
