/**
 * Signing off a part of a session: the sign-off note (created, or merged into the one that
 * exists) and `json.sign_off_checklist[key]`. Reads go out together, then writes together.
 */
import type { AlyxNote, AlyxSession, SignOffEntry } from './alyx-types.ts';
import type { AlyxRestClient } from './rest-client.ts';
import { asNote, asSession, isRecord } from './answer-shapes.ts';
import { AlyxServerError, AlyxThrottledError, ConflictError } from './errors.ts';
import { figureNotesAmong, type FigureOptions, type FigureTarget, type VerdictFigure } from './figure-note.ts';
import { localIsoDate, mergeSignOffNoteText, parseNoteJson, signOffDateKey, signOffNoteText, signOffTitle } from './note-text.ts';
import { byAge, createNoteOnce, deleteNotes, findNotes, noteBody, titled } from './notes-api.ts';
import { pythonJsonDumps } from './python-json.ts';
import { choiceFor, getSignOffKind, type ReasonChoice } from './reasons.ts';
import { hasCode, sleep } from './retry-policy.ts';
import { assertContextFor, assertSignOffKey, assertUuid4, MAX_BODY_LENGTH } from './validation.ts';
import type { PlannedRequest, SignOffContext, SignOffResult } from './workflow-types.ts';

/**
 * What {@link signOff} takes. `image`: the figure the reviewer judged (issue 16, docs/figures.md),
 * from `noteFigure(blob)` (in a widget, `heldFigure`): a note of its own naming this sign-off's
 * key and entry, written after the reads and checks and before the verdict; a Retry after a
 * failure finds it and does not write it again. `dryRun`: the requests and text, nothing sent
 * (with a figure `noteFigure` made: see {@link FigureOptions}).
 */
export type SignOffOptions = SignOffFields & FigureOptions<VerdictFigure>;

interface SignOffFields {
  readonly eid: string;
  /** e.g. `_ephysChoiceWorld_00`: `_` then letters, digits, underscores, at most 64 characters. */
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
  /**
   * What {@link loadSignOffContext} returned for this session and key (the panel or the prompt
   * showed it). Its notes are used when there was no sign-off note (a rival created meanwhile is
   * folded in by the read-back); a merge lists them again, so that it starts from the note as it
   * is now. The session is always read again: its `json` is written whole, and a stale copy
   * would undo what others wrote since (ibllib reads it again too).
   */
  readonly context?: SignOffContext;
  /**
   * Called once, as soon as the note and the checklist writes are both answered, with the result
   * as written; the read-back (`verify`) runs on, writes again if it finds our entry undone, and
   * the returned promise resolves only after it. A panel says "written" here; a script or a CLI
   * waits for the promise.
   */
  readonly onWritten?: (result: SignOffWritten) => void;
  /** The reviewer's "today" (tests); defaults to now. */
  readonly now?: Date;
  readonly signal?: AbortSignal;
}

/** A sign-off written: what {@link SignOffOptions.onWritten} receives, and `signOff` resolves with once verified. */
export type SignOffWritten = Extract<SignOffResult, { status: 'written' }>;

type JsonObject = Record<string, unknown>;

/** `json.sign_off_checklist`, `undefined` when there is none; refuses a shape a sign-off would clobber. */
function checklistOf(session: AlyxSession): JsonObject | undefined {
  const objectOrNone = (field: string, value: unknown): JsonObject | undefined => {
    if (value === null || value === undefined) return undefined;
    if (isRecord(value)) return value;
    throw new ConflictError(`Session ${session.id}'s "${field}" is not an object (${Array.isArray(value) ? 'a list' : `a ${typeof value}`}). Fix it in Alyx's admin, then sign off again.`);
  };
  return objectOrNone('sign_off_checklist', objectOrNone('json', session.json)?.['sign_off_checklist']);
}

/** The checklist's own entry for `key` (never one inherited: `__proto__` is a valid key). */
function entryOf(session: AlyxSession, key: string): unknown {
  const checklist = checklistOf(session);
  return checklist && Object.hasOwn(checklist, key) ? checklist[key] : undefined;
}

/** `json` with `sign_off_checklist[key] = entry`, every other key kept. */
export function withChecklistEntry(session: AlyxSession, signOffKey: string, entry: SignOffEntry): JsonObject {
  const checklist = checklistOf(session);
  // checklistOf has refused a `json` that is not an object, none, or null (which spreads as nothing).
  return { ...(session.json as JsonObject | null | undefined), sign_off_checklist: { ...checklist, [signOffKey]: entry } };
}

/** The session record, as it is now. */
async function readSession(client: AlyxRestClient, eid: string, signal?: AbortSignal): Promise<AlyxSession> {
  return asSession(await client.request('GET', `/sessions/${eid}`, { signal }), eid, `GET ${client.baseUrl}/sessions/${eid}`);
}

/** The key's sign-off notes: Alyx narrows by `text__icontains`, the exact JSON title decides. */
async function signOffNotes(client: AlyxRestClient, eid: string, key: string, signal?: AbortSignal): Promise<AlyxNote[]> {
  const title = signOffTitle(key);
  return titled(await findNotes(client, eid, signal, title), title);
}

function sameEntry(a: unknown, b: SignOffEntry): boolean {
  return isRecord(a) && a['date'] === b.date && a['user'] === b.user;
}

/** `json.sign_off_checklist[key]` now: `null` when not signed off, `undefined` when the key is absent. */
function checklistEntryOf(session: AlyxSession, key: string): SignOffEntry | null | undefined {
  const entry = entryOf(session, key);
  return entry === undefined ? undefined : isRecord(entry) ? (entry as unknown as SignOffEntry) : null;
}

/**
 * The checklist entry of `key` alone, in one request (what a prompt says before asking, as
 * ibllib reads the session before its questions): `null` when not signed off, `undefined` when
 * the key is absent.
 */
export async function readChecklistEntry(client: AlyxRestClient, eid: string, signOffKey: string, signal?: AbortSignal): Promise<SignOffEntry | null | undefined> {
  return checklistEntryOf(await readSession(client, assertUuid4(eid, 'session eid'), signal), assertSignOffKey(signOffKey));
}

/** The session and its sign-off notes for the key, read together. */
export async function loadSignOffContext(client: AlyxRestClient, options: { eid: string; signOffKey: string; kind: string; signal?: AbortSignal; figures?: boolean }): Promise<SignOffContext & { session: AlyxSession }> {
  const kind = getSignOffKind(options.kind);
  const eid = assertUuid4(options.eid, 'session eid');
  const key = assertSignOffKey(options.signOffKey);
  const title = signOffTitle(key);
  // `figures`: the session's figure notes too (issue 16), from one list of all its notes rather than a second look-up.
  const [session, notes] = await Promise.all([readSession(client, eid, options.signal), findNotes(client, eid, options.signal, options.figures ? undefined : title)]);
  return { eid, kind: kind.id, signOffKey: key, user: client.user, existingNotes: titled(notes, title), checklistEntry: checklistEntryOf(session, key), session, ...(options.figures ? { figureNotes: figureNotesAmong(notes) } : {}) };
}

/** Signs off: see {@link SignOffOptions}. Validates everything before the first request. */
export async function signOff(client: AlyxRestClient, options: SignOffOptions): Promise<SignOffResult> {
  const kind = getSignOffKind(options.kind);
  const withNote = options.withNote ?? true;
  const choice = withNote ? choiceFor(kind, options) : null;
  const key = assertSignOffKey(options.signOffKey);
  const eid = assertUuid4(options.eid, 'session eid');
  const { signal, context } = options;
  if (context) assertContextFor(`${context.signOffKey} of ${context.eid}`, `${key} of ${eid}`);
  const now = options.now ?? new Date();
  const entry: SignOffEntry = { date: localIsoDate(now), user: client.user };
  const dateKey = signOffDateKey(client.user, now);

  // When our read went out: a rival's read-to-write window is about as long as ours (see writeChecklist).
  const readAt = Date.now();
  const [session, existingNotes] = await Promise.all([
    readSession(client, eid, signal),
    !withNote || context?.existingNotes.length === 0 ? [] : signOffNotes(client, eid, key, signal),
  ]);
  if (existingNotes.length > 1) {
    throw new ConflictError(
      `Found ${existingNotes.length} sign-off notes for ${key} on session ${eid} (${existingNotes.map((note) => note.id).join(', ')}). Merge or delete the extra notes in Alyx, then sign off again.`,
      existingNotes.map((note) => note.id),
    );
  }
  const json = withChecklistEntry(session, key, entry);
  // One check before any write: a note written without its checklist would split the sign-off.
  if (JSON.stringify({ json }).length > MAX_BODY_LENGTH) {
    throw new ConflictError(`Session ${eid}'s json is over ${MAX_BODY_LENGTH} characters: nothing was written. Ask an Alyx administrator to trim it.`);
  }
  const [existing] = existingNotes;
  const text = choice && (existing ? mergeSignOffNoteText(existing.text, dateKey, choice, existing.id) : signOffNoteText(key, dateKey, choice));
  const previous = entryOf(session, key);
  const replacedSameDay = sameEntry(previous, entry) || !!existing?.text.includes(`"${dateKey}"`);

  const { image } = options;
  const figureTarget: FigureTarget = { contentType: 'session', objectId: eid, verdict: { signOffKey: key, entry: dateKey } };
  if (options.dryRun) {
    const requests: PlannedRequest[] = [
      ...(options.image ? [options.image.plan(client, figureTarget)] : []),
      ...(text === null ? [] : [{ method: existing ? 'PATCH' : 'POST', path: existing ? `/notes/${encodeURIComponent(existing.id)}` : '/notes', body: noteBody(client, { contentType: 'session', objectId: eid, text }) } as const]),
      { method: 'PATCH', path: `/sessions/${eid}`, body: { json } },
    ];
    return { status: 'dry-run', text, checklistEntry: entry, requests };
  }
  // The figure first: if the verdict then fails, a Retry finds the figure and writes only the verdict.
  const figure = image ? await image.attach(client, figureTarget, signal) : undefined;

  const verify = options.verify ?? true;
  const noteAction = text === null ? null : existing ? 'merged' : 'created';
  const resultWith = (note: AlyxNote | null): SignOffWritten => ({ status: 'written', note, noteAction, text: note?.text ?? text, checklistEntry: entry, replacedSameDay, ...(figure ? { figure } : {}) });
  // "Written" once both writes are answered: the note's (or its settling, when a merge failed) and the checklist's first PATCH.
  let onWritten = options.onWritten;
  let noteSoFar: AlyxNote | null | undefined;
  let checklistSent = false;
  const answered = (note?: AlyxNote | null): void => {
    if (noteSoFar === undefined) noteSoFar = note;
    if (noteSoFar === undefined || !checklistSent) return;
    onWritten?.(resultWith(noteSoFar));
    onWritten = undefined;
  };
  const writeNote = async (): Promise<AlyxNote | null> => {
    let written: AlyxNote | null = null;
    if (choice && text !== null) {
      try {
        // A merge is sent once, like the checklist: the same merged text re-sent later would drop an entry added meanwhile.
        written = existing ? await patchNote(client, eid, existing.id, text, signal) : await createNoteOnce(client, { contentType: 'session', objectId: eid, text }, { signal });
        answered(written);
      } catch (error) {
        if (!existing || !verify || !isTransient(error)) throw error;
      }
      if (verify) written = await settleSignOffNote(client, eid, key, dateKey, choice, written, readAt, signal);
    }
    answered(written);
    return written;
  };
  const checklistAnswered = (): void => {
    checklistSent = true;
    answered();
  };
  const [note] = await Promise.all([writeNote(), writeChecklist(client, eid, key, entry, previous, json, verify, readAt, checklistAnswered, signal)]);
  return resultWith(note);
}

async function patchNote(client: AlyxRestClient, eid: string, noteId: string, text: string, signal?: AbortSignal): Promise<AlyxNote> {
  const body = noteBody(client, { contentType: 'session', objectId: eid, text });
  const path = `/notes/${encodeURIComponent(noteId)}`;
  return asNote(await client.request('PATCH', path, { body, signal, idempotent: false, retryThrottled: false }), `PATCH ${client.baseUrl}${path}`);
}

/** No answer, a 5xx or a 429: the PATCH may be tried again, from a fresh read. */
function isTransient(error: unknown): boolean {
  return error instanceof AlyxServerError || hasCode(error, 'throttled', 'network', 'timeout');
}

/**
 * The failures a write that is retried from a fresh read may meet: an error that is not transient
 * is thrown at once, and so is one beyond three (with a backoff between them). A 429 means Alyx
 * did nothing and the client holds its next request until the Retry-After, so it is only a wait,
 * with a budget of its own.
 */
function transientFailures(signal?: AbortSignal): (error: unknown) => Promise<void> {
  let failures = 0;
  let throttles = 0;
  return async (error) => {
    const throttled = error instanceof AlyxThrottledError;
    if (!isTransient(error) || (throttled ? ++throttles > 10 : ++failures > 3)) throw error;
    if (!throttled) await sleep(100 * 2 ** failures, signal);
  };
}

function keptChanging(what: string): ConflictError {
  return new ConflictError(`${what} kept changing while we wrote (another sign-off): sign off again.`);
}

/**
 * The sign-off note's read-back. Two reviewers signing off the same key at once may both create a
 * note, or both merge into the one there, the later PATCH dropping the earlier entry. So, after
 * writing, read the key's notes again: fold every note into the earliest (entries it lacks are
 * added, ours is set), write it if that changed anything, delete the others, and read again until
 * one note holds our entry. Each reviewer only ever adds entries, so the two converge.
 */
async function settleSignOffNote(client: AlyxRestClient, eid: string, signOffKey: string, dateKey: string, choice: ReasonChoice, written: AlyxNote | null, readAt: number, signal?: AbortSignal): Promise<AlyxNote | null> {
  const tolerate = transientFailures(signal);
  // A rival's merge built on the text before ours may land after ours, dropping our entry.
  const waitForRival = rivalWindow(readAt);
  for (let attempt = 0; ; attempt++) {
    await waitForRival(signal);
    const [keeper, ...rest] = (await signOffNotes(client, eid, signOffKey, signal)).sort(byAge);
    if (!keeper) return written;
    const others = rest.filter((note) => parseNoteJson(note.text) instanceof Map);
    const text = mergeSignOffNoteText(others.reduce((into, other) => foldSignOffNoteText(into, other.text), keeper.text), dateKey, choice, keeper.id);
    if (others.length === 0 && text === keeper.text) return keeper;
    if (attempt >= 5) throw keptChanging(`The sign-off note for ${signOffKey} on session ${eid}`);
    try {
      if (text !== keeper.text) written = await patchNote(client, eid, keeper.id, text, signal);
      // Their entries are in the keeper now.
      await deleteNotes(client, others, signal);
    } catch (error) {
      await tolerate(error);
    }
  }
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

/**
 * Waits out a rival's read-to-write window before a read-back. A rival who read before our write
 * landed may write its older copy any time until its own window has passed: our own window (from
 * our read going out to our write's answer, the longest seen), which a rival running the same
 * workflow on the same Alyx matches, times 1.5 to 2 (load varies); at least 200 ms, for a slower
 * rival on a fast Alyx (ibllib, a kernel relay, a figure upload), at most 1.5 s. The reviewer does
 * not wait for it (`onWritten`); a script or the CLI does.
 */
function rivalWindow(readAt: number): (signal?: AbortSignal) => Promise<void> {
  let longest = 0;
  return async (signal) => {
    longest = Math.max(longest, Date.now() - readAt);
    await sleep(Math.min(1500, Math.max(200, longest * (1.5 + Math.random() / 2))), signal);
    // The read-back follows at once: the next write is built on it.
    readAt = Date.now();
  };
}

/**
 * PATCHes `json` (Alyx replaces the whole field), then reads it back after the rival window; if a
 * sign-off of another key removed our entry, merges into what is there now and writes again.
 */
async function writeChecklist(client: AlyxRestClient, eid: string, key: string, entry: SignOffEntry, previous: unknown, json: JsonObject, verify: boolean, readAt: number, onWritten: () => void, signal?: AbortSignal): Promise<void> {
  const before = JSON.stringify(previous ?? null);
  const tolerate = transientFailures(signal);
  let next = json;
  const waitForRival = rivalWindow(readAt);
  for (let attempt = 0; ; attempt++) {
    let sent = false;
    try {
      // Never re-sent as is: `json` is replaced whole, so the same body sent again after a timeout
      // or a Retry-After wait would undo a sign-off of another key made meanwhile, after that
      // reviewer's read-back had passed. After a failure, read again and merge into what is there.
      await client.request('PATCH', `/sessions/${eid}`, { body: { json: next }, signal, idempotent: false, retryThrottled: false });
      sent = true;
      onWritten();
      if (!verify) return;
    } catch (error) {
      await tolerate(error);
    }
    // Also after a failure: the PATCH may have been applied (only its answer lost), and then this read is the read-back.
    await waitForRival(signal);
    const fresh = await readSession(client, eid, signal);
    const current = entryOf(fresh, key);
    // Ours is there; or another reviewer signed off this same key meanwhile, and the last sign-off
    // stands, as in ibllib. Only the value from before our write means ours was undone.
    if (sameEntry(current, entry) || (isRecord(current) && JSON.stringify(current) !== before)) return;
    if (sent && attempt >= 5) throw keptChanging(`Session ${eid}'s sign-off checklist`);
    next = withChecklistEntry(fresh, key, entry);
  }
}
