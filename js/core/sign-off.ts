/**
 * Signing off a part of a session: the sign-off note (created, or merged into the one that
 * exists) and `json.sign_off_checklist[key]`. Reads go out together, then writes together.
 */
import type { AlyxNote, AlyxSession, SignOffEntry } from './alyx-types.ts';
import type { AlyxClient } from './client.ts';
import { AlyxNotFoundError, AlyxQcError, AlyxServerError, AlyxThrottledError, ConflictError } from './errors.ts';
import { choiceFor } from './critical-note.ts';
import { localIsoDate, mergeSignOffNoteText, parseNoteJson, signOffDateKey, signOffNoteText, signOffTitle } from './note-text.ts';
import { createNoteOnce, findNotesWithTitle, noteBody } from './notes-api.ts';
import { pythonJsonDumps, type PyJson } from './python-json.ts';
import { getSignOffKind, type ReasonChoice } from './reasons.ts';
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

  const verify = options.verify ?? true;
  const writeNote = async (): Promise<AlyxNote | null> => {
    if (text === null || choice === null) return null;
    let written: AlyxNote | null = null;
    if (!existing) written = await createNoteOnce(client, { ...target, text }, { knownIds: new Set(), signal: options.signal });
    else {
      try {
        // Sent once, like the checklist: the same merged text re-sent later would drop an entry added meanwhile.
        written = await client.request<AlyxNote>('PATCH', `/notes/${existing.id}`, { body: noteBody(client, { ...target, text }), signal: options.signal, idempotent: false, retryThrottled: false });
      } catch (error) {
        if (!verify || !isTransient(error)) throw error;
      }
    }
    return verify ? settleSignOffNote(client, context.eid, options.signOffKey, dateKey, choice, written, options.signal) : written;
  };
  const [note] = await Promise.all([
    writeNote(),
    writeChecklist(client, context.eid, options.signOffKey, entry, previous, json, verify, options.signal),
  ]);
  const noteAction = text === null ? null : existing ? 'merged' : 'created';
  return { status: 'written', note, noteAction, text: note?.text ?? text, checklistEntry: entry, replacedSameDay };
}

/**
 * The sign-off note's read-back. Two reviewers signing off the same key at once may both create a
 * note, or both merge into the one there, the later PATCH dropping the earlier entry. So, after
 * writing, read the key's notes again: fold every note into the earliest (entries it lacks are
 * added, ours is set), write it if that changed anything, delete the others, and read again until
 * one note holds our entry. Each reviewer only ever adds entries, so the two converge.
 */
async function settleSignOffNote(client: AlyxClient, eid: string, signOffKey: string, dateKey: string, choice: ReasonChoice, written: AlyxNote | null, signal?: AbortSignal): Promise<AlyxNote | null> {
  const ours = pythonJsonDumps(entryOf(signOffNoteText(signOffKey, dateKey, choice), dateKey) ?? null);
  let current = written;
  let failures = 0;
  let throttles = 0;
  for (let attempt = 0; ; attempt++) {
    // Let a write sent at the same moment as ours land first.
    await sleep(40 + Math.random() * 40, signal);
    const notes = [...(await findNotesWithTitle(client, eid, signOffTitle(signOffKey), signal))]
      .sort((a, b) => a.date_time.localeCompare(b.date_time) || a.id.localeCompare(b.id));
    const [keeper, ...rest] = notes;
    if (!keeper) return current;
    const others = rest.filter((note) => parseNoteJson(note.text) instanceof Map);
    const keeperEntry = entryOf(keeper.text, dateKey);
    if (others.length === 0 && keeperEntry !== undefined && pythonJsonDumps(keeperEntry) === ours) return keeper;
    if (attempt >= 5) {
      throw new ConflictError(`The sign-off note for ${signOffKey} on session ${eid} kept changing while we wrote our entry (another sign-off of the same key at the same time?). Sign off again.`);
    }
    let text = keeper.text;
    for (const other of others) text = foldSignOffNoteText(text, other.text);
    text = mergeSignOffNoteText(text, dateKey, choice, keeper.id);
    try {
      if (text !== keeper.text) {
        current = await client.request<AlyxNote>('PATCH', `/notes/${keeper.id}`, { body: noteBody(client, { contentType: 'session', objectId: eid, text }), signal, idempotent: false, retryThrottled: false });
      }
      // Their entries are in the keeper now; a note already deleted by the other reviewer is fine.
      await Promise.all(others.map((other) => client.request('DELETE', `/notes/${other.id}`, { signal }).catch((error: unknown) => {
        if (!(error instanceof AlyxNotFoundError)) throw error;
      })));
    } catch (error) {
      // As for the checklist: a 429 is only a wait, which the client holds before its next request.
      if (!isTransient(error) || (error instanceof AlyxThrottledError ? ++throttles > 10 : ++failures > 3)) throw error;
    }
  }
}

/** The value of `key` in a note's JSON text, if the text is a JSON object holding it. */
function entryOf(text: string, key: string): PyJson | undefined {
  const parsed = parseNoteJson(text);
  return parsed instanceof Map ? parsed.get(key) : undefined;
}

/** `into` with every entry of `from` it lacks appended (the title and its own entries kept). */
function foldSignOffNoteText(into: string, from: string): string {
  const target = parseNoteJson(into);
  const source = parseNoteJson(from);
  if (!(target instanceof Map) || !(source instanceof Map)) return into;
  const merged = new Map(target);
  for (const [key, value] of source) if (!merged.has(key)) merged.set(key, value);
  return pythonJsonDumps(merged);
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
async function writeChecklist(client: AlyxClient, eid: string, key: string, entry: SignOffEntry, previous: unknown, json: JsonObject, verify: boolean, signal?: AbortSignal): Promise<void> {
  const settled = (fresh: AlyxSession): boolean => {
    const current = checklistOf(fresh)?.[key];
    // Ours is there; or another reviewer signed off this same key meanwhile, and the last sign-off
    // stands, as in ibllib. Only the value from before our write means ours was undone.
    return sameEntry(current, entry) || (isObject(current) && JSON.stringify(current) !== JSON.stringify(previous ?? null));
  };
  let next = json;
  let failures = 0;
  let throttles = 0;
  for (let attempt = 0; ; attempt++) {
    const started = Date.now();
    try {
      // Never re-sent as is: `json` is replaced whole, so the same body sent again after a timeout
      // or a Retry-After wait would undo a sign-off of another key made meanwhile, after that
      // reviewer's read-back had passed. After a failure, read again and merge into what is there.
      await client.request('PATCH', `/sessions/${eid}`, { body: { json: next }, signal, idempotent: false, retryThrottled: false });
    } catch (error) {
      // A 429 means Alyx did nothing and the client holds its next request for the Retry-After;
      // only other failures use up the few attempts.
      const throttled = error instanceof AlyxThrottledError;
      if (!isTransient(error) || (throttled ? ++throttles > 10 : ++failures > 3)) throw error;
      if (!throttled) await sleep(100 * 2 ** failures, signal);
      const fresh = await client.request<AlyxSession>('GET', `/sessions/${eid}`, { signal });
      // The failed PATCH may have been applied (only its answer was lost): then this read is the read-back.
      if (settled(fresh)) return;
      next = withChecklistEntry(fresh, key, entry);
      continue;
    }
    if (!verify) return;
    const roundTrip = Date.now() - started;
    await sleep(Math.min(500, Math.max(20, roundTrip)) + Math.random() * 20, signal);
    const fresh = await client.request<AlyxSession>('GET', `/sessions/${eid}`, { signal });
    if (settled(fresh)) return;
    if (attempt >= 5) {
      throw new ConflictError(`Session ${eid}'s sign-off checklist kept changing while we wrote "${key}" (another sign-off at the same time?). Nothing is lost; sign off again.`);
    }
    next = withChecklistEntry(fresh, key, entry);
  }
}
