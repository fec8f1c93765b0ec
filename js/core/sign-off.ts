/**
 * Signing off a part of a session: the sign-off note (created, or merged into the one that
 * exists) and `json.sign_off_checklist[key]`. Reads go out together, then writes together.
 */
import type { AlyxNote, AlyxSession, SignOffEntry } from './alyx-types.ts';
import type { AlyxClient } from './client.ts';
import { AlyxQcError, AlyxServerError, AlyxThrottledError, ConflictError } from './errors.ts';
import { choiceFor } from './critical-note.ts';
import { localIsoDate, mergeSignOffNoteText, signOffDateKey, signOffNoteText, signOffTitle } from './note-text.ts';
import { createNoteOnce, findNotesWithTitle, noteBody } from './notes-api.ts';
import { getSignOffKind } from './reasons.ts';
import { sleep } from './retry-policy.ts';
import { assertSignOffKey, assertUuid4 } from './validation.ts';
import type { PlannedRequest, SignOffContext, SignOffResult } from './workflow-types.ts';

export interface SignOffOptions {
  readonly eid: string;
  /** e.g. `_ephysChoiceWorld_00`: `_` then letters, digits, underscores. */
  readonly signOffKey: string;
  /** `task`, `passive`, `video`, `raw-ephys`, `spike-sorting`, `alignment` (or the `signoff-*` id). */
  readonly kind: string;
  readonly reasons?: readonly string[];
  readonly nums?: string;
  readonly other?: string | null;
  /** `false` only updates the checklist (ibllib's `sign_off()`). Default true. */
  readonly withNote?: boolean;
  /** Read the checklist back and write again if a concurrent sign-off clobbered our key. Default true. */
  readonly verify?: boolean;
  readonly dryRun?: boolean;
  /** The reviewer's "today" (tests); defaults to now. */
  readonly now?: Date;
  readonly signal?: AbortSignal;
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function checklistOf(session: AlyxSession): JsonObject | undefined {
  if (session.json === null || session.json === undefined) return undefined;
  if (!isObject(session.json)) {
    throw new ConflictError(`Session ${session.id} has a "json" field that is not an object (${Array.isArray(session.json) ? 'a list' : typeof session.json}), so the sign-off checklist cannot be added without losing it. Fix the session's JSON in Alyx's admin, then sign off again.`);
  }
  const checklist = session.json['sign_off_checklist'];
  if (checklist === undefined || checklist === null) return undefined;
  if (!isObject(checklist)) {
    throw new ConflictError(`Session ${session.id} has a "sign_off_checklist" that is not an object. Fix it in Alyx's admin, then sign off again.`);
  }
  return checklist;
}

/** `json` with `sign_off_checklist[key] = entry`, every other key kept. */
export function withChecklistEntry(session: AlyxSession, signOffKey: string, entry: SignOffEntry): JsonObject {
  const checklist = checklistOf(session) ?? {};
  const json = isObject(session.json) ? session.json : {};
  return { ...json, sign_off_checklist: { ...checklist, [signOffKey]: entry } };
}

/** No answer, a 5xx or a 429: the PATCH may be tried again, from a fresh read. */
function isTransient(error: unknown): boolean {
  if (error instanceof AlyxServerError || error instanceof AlyxThrottledError) return true;
  return error instanceof AlyxQcError && (error.code === 'network' || error.code === 'timeout');
}

function sameEntry(a: unknown, b: SignOffEntry): boolean {
  return isObject(a) && a['date'] === b.date && a['user'] === b.user;
}

/** The session and its sign-off notes for the key, read together. */
export async function loadSignOffContext(client: AlyxClient, options: { eid: string; signOffKey: string; kind: string; signal?: AbortSignal }): Promise<SignOffContext & { session: AlyxSession }> {
  const kind = getSignOffKind(options.kind);
  const eid = assertUuid4(options.eid, 'session eid');
  const title = signOffTitle(assertSignOffKey(options.signOffKey));
  const [session, notes] = await Promise.all([
    client.request<AlyxSession>('GET', `/sessions/${eid}`, { signal: options.signal }),
    findNotesWithTitle(client, eid, title, options.signal),
  ]);
  const checklist = checklistOf(session);
  const entry = checklist?.[options.signOffKey];
  return {
    eid,
    kind: kind.id,
    signOffKey: options.signOffKey,
    user: client.user,
    existingNotes: notes,
    checklistEntry: entry === undefined ? undefined : isObject(entry) ? (entry as unknown as SignOffEntry) : null,
    session,
  };
}

/** Signs off: see {@link SignOffOptions}. Validates everything before the first request. */
export async function signOff(client: AlyxClient, options: SignOffOptions): Promise<SignOffResult> {
  const kind = getSignOffKind(options.kind);
  const withNote = options.withNote ?? true;
  const choice = withNote ? choiceFor(kind, options) : null;
  assertSignOffKey(options.signOffKey);
  assertUuid4(options.eid, 'session eid');
  const now = options.now ?? new Date();
  const entry: SignOffEntry = { date: localIsoDate(now), user: client.user };
  const dateKey = signOffDateKey(client.user, now);

  const context = withNote
    ? await loadSignOffContext(client, { ...options, signal: options.signal })
    : { ...(await loadSessionOnly(client, options)), existingNotes: [] as AlyxNote[] };
  const { session, existingNotes } = context;
  if (existingNotes.length > 1) {
    throw new ConflictError(
      `Found ${existingNotes.length} sign-off notes for ${options.signOffKey} on session ${context.eid} (${existingNotes.map((note) => `${note.id} by ${note.user} on ${note.date_time}`).join('; ')}); at most one is expected. Merge or delete the extra notes in Alyx, then sign off again. Nothing was written.`,
      existingNotes.map((note) => note.id),
    );
  }
  const json = withChecklistEntry(session, options.signOffKey, entry);
  const existing = existingNotes[0];
  const text = choice === null ? null : existing ? mergeSignOffNoteText(existing.text, dateKey, choice, existing.id) : signOffNoteText(options.signOffKey, dateKey, choice);
  const previous = checklistOf(session)?.[options.signOffKey];
  const replacedSameDay = sameEntry(previous, entry) || (existing !== undefined && existing.text.includes(`"${dateKey}"`));
  const target = { contentType: 'session', objectId: context.eid };

  if (options.dryRun) {
    const requests: PlannedRequest[] = [];
    if (text !== null) {
      requests.push(existing
        ? { method: 'PATCH', path: `/notes/${existing.id}`, body: noteBody(client, { ...target, text }) }
        : { method: 'POST', path: '/notes', body: noteBody(client, { ...target, text }) });
    }
    requests.push({ method: 'PATCH', path: `/sessions/${context.eid}`, body: { json } });
    return { status: 'dry-run', text, checklistEntry: entry, requests };
  }

  const writeNote = async (): Promise<AlyxNote | null> => {
    if (text === null) return null;
    if (existing) return client.request<AlyxNote>('PATCH', `/notes/${existing.id}`, { body: noteBody(client, { ...target, text }), signal: options.signal });
    return createNoteOnce(client, { ...target, text }, { knownIds: new Set(), signal: options.signal });
  };
  const [note] = await Promise.all([
    writeNote(),
    writeChecklist(client, context.eid, options.signOffKey, entry, json, options.verify ?? true, options.signal),
  ]);
  const noteAction = text === null ? null : existing ? 'merged' : 'created';
  return { status: 'written', note, noteAction, text, checklistEntry: entry, replacedSameDay };
}

async function loadSessionOnly(client: AlyxClient, options: SignOffOptions): Promise<{ eid: string; session: AlyxSession }> {
  const eid = assertUuid4(options.eid, 'session eid');
  return { eid, session: await client.request<AlyxSession>('GET', `/sessions/${eid}`, { signal: options.signal }) };
}

/**
 * PATCHes `json` (Alyx replaces the whole field), then reads it back after about one round trip
 * so that a sign-off of another key sent at the same moment has landed; if it removed our entry,
 * merge into what is there now and write again.
 */
async function writeChecklist(client: AlyxClient, eid: string, key: string, entry: SignOffEntry, json: JsonObject, verify: boolean, signal?: AbortSignal): Promise<void> {
  let next = json;
  let failures = 0;
  for (let attempt = 0; ; attempt++) {
    const started = Date.now();
    try {
      // Never re-sent as is: `json` is replaced whole, so the same body sent again after a timeout
      // or a Retry-After wait would undo a sign-off of another key made meanwhile, after that
      // reviewer's read-back had passed. After a failure, read again and merge into what is there.
      await client.request('PATCH', `/sessions/${eid}`, { body: { json: next }, signal, idempotent: false, retryThrottled: false });
    } catch (error) {
      if (!isTransient(error) || ++failures > 3) throw error;
      await sleep(error instanceof AlyxThrottledError ? Math.min(60_000, (error.retryAfterSeconds ?? 1) * 1000) : 100 * 2 ** failures, signal);
      const fresh = await client.request<AlyxSession>('GET', `/sessions/${eid}`, { signal });
      // The failed PATCH may have been applied (only its answer was lost): then this read is the read-back.
      if (sameEntry(checklistOf(fresh)?.[key], entry)) return;
      next = withChecklistEntry(fresh, key, entry);
      continue;
    }
    if (!verify) return;
    const roundTrip = Date.now() - started;
    await sleep(Math.min(500, Math.max(20, roundTrip)) + Math.random() * 20, signal);
    const fresh = await client.request<AlyxSession>('GET', `/sessions/${eid}`, { signal });
    if (sameEntry(checklistOf(fresh)?.[key], entry)) return;
    if (attempt >= 5) {
      throw new ConflictError(`Session ${eid}'s sign-off checklist kept changing while we wrote "${key}" (another sign-off at the same time?). Nothing is lost; sign off again.`);
    }
    next = withChecklistEntry(fresh, key, entry);
  }
}
