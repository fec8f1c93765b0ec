/**
 * Marking a session or insertion as CRITICAL. Unlike ibllib, an overwrite creates the new note
 * first and deletes the old ones after, so a failure in between never loses the reviewer's verdict.
 */
import type { AlyxNote } from './alyx-types.ts';
import type { AlyxRestClient } from './rest-client.ts';
import { resolveNoteTarget } from './content-type.ts';
import { CRITICAL_KINDS } from './critical-kinds.ts';
import { OTHER, type CriticalKind } from './note-kind.ts';
import { figureNotesAmong, type CriticalFigure, type FigureAttachment, type FigureOptions } from './figure-note.ts';
import { criticalNoteText } from './note-text.ts';
import { byAge, createNoteOnce, deleteNotes, findNotes, mentioning, noteBody, titled } from './notes-api.ts';
import { choiceFor } from './reasons.ts';
import { assertContextFor, assertUuid4 } from './validation.ts';
import type { CriticalContext, CriticalResult, PlannedRequest } from './workflow-types.ts';

/**
 * What {@link writeCriticalNote} takes. `image`: the figure the reviewer judged (issue 16,
 * docs/figures.md), from `noteFigure(blob)` (in a widget, `criticalFigure(heldFigure(…))`): a
 * note of its own naming the critical note's id, written once ours stands. If that write fails,
 * a `FigureNotAttachedError` holds the note written; Retry is `error.target`'s `attach`, only.
 * `dryRun`: the requests and text, nothing sent (with a figure `noteFigure` made: see
 * {@link FigureOptions}).
 */
export type CriticalNoteOptions = CriticalNoteFields & FigureOptions<CriticalFigure>;

interface CriticalNoteFields {
  /** A session eid or an insertion pid (version-4 UUID). */
  readonly uuid: string;
  /** The reasons, by text; or give `nums` (ibllib's `'1,3'`, 0-based). */
  readonly reasons?: readonly string[];
  readonly nums?: string;
  /** Free text for "Other"; kept exactly as given. */
  readonly other?: string | null;
  /** Replace existing notes of the same title. Without it, existing notes stop the write and are returned. */
  readonly overwrite?: boolean;
  /** With `overwrite`: the note ids the reviewer saw and confirmed; a note beyond them asks again. */
  readonly confirmedNoteIds?: readonly string[];
  /**
   * With `overwrite`: the notes the reviewer saw and confirmed, as shown (id, text, date); a note
   * beyond them, or one whose text or date differs now (edited since), asks again.
   */
  readonly confirmedNotes?: readonly Pick<AlyxNote, 'id' | 'text' | 'date_time'>[];
  /** Explicit model when the UUID is neither a session nor an insertion's (e.g. `subject`). */
  readonly contentType?: string;
  /**
   * What {@link loadCriticalContext} returned for this UUID (the panel or the prompt showed it):
   * the write then sends no read of its own, only the POST and the DELETEs of an overwrite, as
   * ibllib does.
   */
  readonly context?: CriticalContext;
  /**
   * After writing, list the notes once more for a rival critical note written at the same moment
   * and keep only the earlier of the two (`superseded`). Off by default: one more request, for a
   * race ibllib does not guard either (see docs/robustness.md).
   */
  readonly settleRivals?: boolean;
  readonly signal?: AbortSignal;
}

/**
 * The target and its existing critical notes, read in one round trip: the two content-type
 * look-ups and the object's notes go out together; the notes are sorted here by their JSON title.
 */
export async function loadCriticalContext(client: AlyxRestClient, uuid: string, options: { contentType?: string; signal?: AbortSignal; figures?: boolean } = {}): Promise<CriticalContext> {
  const id = assertUuid4(uuid);
  const [target, notes] = await Promise.all([resolveNoteTarget(client, id, options), findNotes(client, id, options.signal)]);
  const kind = CRITICAL_KINDS[target.contentType === 'probeinsertion' ? 'critical-insertion' : 'critical-session'] as CriticalKind;
  const existingNotes = titled(notes, kind.title);
  return {
    uuid: target.uuid,
    kind: kind.id,
    contentType: target.contentType,
    user: client.user,
    existingNotes,
    // Alyx's own match (`text__icontains`): shown, never replaced.
    mentions: mentioning(notes, kind.title).filter((note) => !existingNotes.includes(note)),
    // `figures`: the object's figure notes too (issue 16), from the same list.
    ...(options.figures ? { figureNotes: figureNotesAmong(notes) } : {}),
  };
}

/** Writes a critical note; see {@link CriticalNoteOptions}. Returns what was written, or why not. */
export async function writeCriticalNote(client: AlyxRestClient, options: CriticalNoteOptions): Promise<CriticalResult> {
  const { context } = options;
  if (context) assertContextFor(`${context.contentType} ${context.uuid}`, `${options.contentType ?? context.contentType} ${assertUuid4(options.uuid)}`);
  return writeCriticalNoteIn(client, context ?? (await loadCriticalContext(client, options.uuid, options)), options);
}

/** The alignment GUI path: an insertion, GUI reasons only, always overwrite (ibllib's `main_gui`). */
export async function writeCriticalNoteFromGui(client: AlyxRestClient, options: { pid: string; reasons: readonly string[]; image?: FigureAttachment; dryRun?: boolean; signal?: AbortSignal }): Promise<CriticalResult> {
  const kind = CRITICAL_KINDS['critical-insertion'] as CriticalKind;
  // The GUI path has no free text, so no "Other" either. Validated before any request, so bad input sends nothing.
  const allowed = kind.guiReasons?.filter((reason) => reason !== OTHER);
  choiceFor(kind, { reasons: options.reasons }, allowed);
  // The model is known, as in ibllib's `main_gui`: no look-up. A pid that is not an insertion's
  // gets Alyx's "ProbeInsertion matching query does not exist" at the POST, as a not-found error.
  const context = await loadCriticalContext(client, options.pid, { contentType: 'probeinsertion', signal: options.signal });
  return writeCriticalNoteIn(client, context, { uuid: options.pid, reasons: options.reasons, overwrite: true, dryRun: options.dryRun, signal: options.signal, ...(options.image ? { image: options.image } : {}) }, allowed);
}

async function writeCriticalNoteIn(client: AlyxRestClient, context: CriticalContext, options: CriticalNoteOptions, allowed?: readonly string[]): Promise<CriticalResult> {
  const kind = CRITICAL_KINDS[context.kind] as CriticalKind;
  const text = criticalNoteText(kind, choiceFor(kind, options, allowed));
  const { existingNotes: existing } = context;
  const { signal } = options;
  const seen = options.confirmedNotes ?? options.confirmedNoteIds?.map((id) => ({ id }));
  // A note the reviewer did not see, or saw with another text or date (edited since), is not deleted unasked.
  const unseen = (note: AlyxNote): boolean => !!seen && !seen.some((shown) => shown.id === note.id && (!('text' in shown) || (shown.text === note.text && shown.date_time === note.date_time)));
  if (existing.length > 0 && (!options.overwrite || existing.some(unseen))) {
    return { status: 'needs-confirmation', existingNotes: existing, text };
  }
  const object = { contentType: context.contentType, objectId: context.uuid };
  const note = { ...object, text };
  if (options.dryRun) {
    const deletes = existing.map((old): PlannedRequest => ({ method: 'DELETE', path: `/notes/${encodeURIComponent(old.id)}` }));
    // '' stands for the id Alyx gives the new note.
    const figure = options.image ? [options.image.plan(client, { ...object, verdict: { criticalNoteId: '' } })] : [];
    return { status: 'dry-run', text, requests: [{ method: 'POST', path: '/notes', body: noteBody(client, note) }, ...deletes, ...figure] };
  }
  const knownIds = new Set(existing.map((old) => old.id));
  const created = await createNoteOnce(client, note, { knownIds, signal });
  // Ours exists now, so the old notes can go (another reviewer overwriting at the same moment may
  // have deleted them first: gone is what we want); at the same time, if asked, look for a rival written meanwhile.
  const [after] = await Promise.all([options.settleRivals ? findNotes(client, context.uuid, signal) : [], deleteNotes(client, existing, signal)]);
  const [winner = created] = [created, ...titled(after, kind.title).filter((candidate) => !knownIds.has(candidate.id))].sort(byAge);
  if (winner.id !== created.id) {
    // Two reviewers wrote at once: the earlier note stands, ours is withdrawn, and we say so.
    await deleteNotes(client, [created], signal);
    return { status: 'superseded', note: winner, text: winner.text };
  }
  const { image } = options;
  const written = { status: 'written', note: created, text, deletedNoteIds: [...knownIds] } as const;
  if (!image) return written;
  // The figure names our note, so it comes after it; the verdict stands whatever happens to it.
  const target = { ...object, verdict: { criticalNoteId: created.id } };
  try {
    return { ...written, figure: await image.attach(client, target, signal) };
  } catch (error) {
    throw image.notAttached(created, target, error);
  }
}
