/**
 * Figure notes (issue 16, docs/figures.md): each figure is a note of its own on the verdict's
 * object, whose image is the plot and whose text names the verdict, under a title that contains
 * none of ibllib's, so no sign-off, merge or overwrite (alyx-qc's or ibllib's) ever sees, replaces
 * or deletes it. alyx-qc never PATCHes or deletes a figure note.
 */
import type { AlyxNote } from './alyx-types.ts';
import type { AlyxClient } from './client.ts';
import { AlyxQcError, InputError } from './errors.ts';
import { formatBytes, noteImage, noteImageFormData, type NoteImage } from './note-image.ts';
import { parseNoteJson } from './note-text.ts';
import { findNotes, noteBody } from './notes-api.ts';
import { pythonJsonDumps } from './python-json.ts';
import { hasCode } from './retry-policy.ts';
import { assertSignOffKey, assertUuid4 } from './validation.ts';
import type { PlannedRequest } from './workflow-types.ts';

/** The figure notes' title; also what finds them (`text__icontains`). Contains none of ibllib's titles. */
export const FIGURE_TITLE = '=== QC FIGURE ===';

/** The verdict a figure belongs to: a sign-off entry, or a critical note. */
export type FigureVerdict =
  | { readonly signOffKey: string; readonly entry: string }
  | { readonly criticalNoteId: string };

const ENTRY = /^\d{4}-\d{2}-\d{2}_\S+$/;
const SHA256 = /^[0-9a-f]{64}$/;

/**
 * The figure note's text, serialised as Python's `json.dumps`:
 * `{"title": T, "sign_off_key": K, "entry": "<date>_<user>", "sha256": H}` or
 * `{"title": T, "critical_note": <id>, "sha256": H}`.
 */
export function figureNoteText(verdict: FigureVerdict, sha256: string): string {
  if (!SHA256.test(sha256)) throw new InputError(`"${sha256}" is not a SHA-256 (64 lower-case hex digits): pass the figure through noteImage().`);
  if ('criticalNoteId' in verdict) {
    return pythonJsonDumps(new Map([['title', FIGURE_TITLE], ['critical_note', assertUuid4(verdict.criticalNoteId, 'critical note id')], ['sha256', sha256]]));
  }
  if (!ENTRY.test(verdict.entry)) throw new InputError(`"${verdict.entry}" is not a sign-off entry: it must be "YYYY-MM-DD_<username>", as signOffDateKey() makes it.`);
  return pythonJsonDumps(new Map([['title', FIGURE_TITLE], ['sign_off_key', assertSignOffKey(verdict.signOffKey)], ['entry', verdict.entry], ['sha256', sha256]]));
}

/** A figure note read back: the verdict it names and the SHA-256 of its image; `null` if the text is not one. */
export function parseFigureNote(text: string): { readonly verdict: FigureVerdict; readonly sha256: string } | null {
  const parsed = parseNoteJson(text);
  if (!(parsed instanceof Map) || parsed.get('title') !== FIGURE_TITLE) return null;
  const field = (name: string): string | null => {
    const value = parsed.get(name);
    return typeof value === 'string' ? value : null;
  };
  const sha256 = field('sha256') ?? '';
  const critical = field('critical_note');
  const key = field('sign_off_key');
  const entry = field('entry');
  if (critical !== null) return { verdict: { criticalNoteId: critical }, sha256 };
  return key !== null && entry !== null ? { verdict: { signOffKey: key, entry }, sha256 } : null;
}

function sameVerdict(a: FigureVerdict, b: FigureVerdict): boolean {
  if ('criticalNoteId' in a) return 'criticalNoteId' in b && a.criticalNoteId.toLowerCase() === b.criticalNoteId.toLowerCase();
  return 'signOffKey' in b && a.signOffKey === b.signOffKey && a.entry === b.entry;
}

/** Every figure note on the object (all pages). */
export function findFigureNotes(client: AlyxClient, objectId: string, signal?: AbortSignal): Promise<AlyxNote[]> {
  return findNotes(client, objectId, signal, FIGURE_TITLE);
}

/** The figure notes of one verdict, newest first, one per image (a twin of the same bytes is left out). */
export function figuresOf(notes: readonly AlyxNote[], verdict: FigureVerdict): AlyxNote[] {
  const seen = new Set<string>();
  return notes
    .filter((note) => {
      const figure = parseFigureNote(note.text);
      return figure !== null && sameVerdict(figure.verdict, verdict) && !!note.image;
    })
    .sort((a, b) => b.date_time.localeCompare(a.date_time) || a.id.localeCompare(b.id))
    .filter((note) => !seen.has(note.text) && !!seen.add(note.text));
}

/** Where the figure goes: the verdict's object, and its Alyx model. */
export interface FigureTarget {
  readonly contentType: string;
  readonly objectId: string;
  readonly verdict: FigureVerdict;
}

/** The verdict was written and its figure not; {@link attachFigure} with `target` completes the pair. */
export class FigureNotAttachedError extends AlyxQcError {
  constructor(readonly note: AlyxNote, readonly target: FigureTarget, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super('figure-not-attached', `The critical note was written (${note.id}), but its figure was not attached: ${why} Retry attaches the figure to that note (the note is not written again).`, { cause });
    this.name = 'FigureNotAttachedError';
  }
}

/** Stands for the critical note's id in a dry run: Alyx assigns it when the note is created. */
export const NEW_NOTE_ID = '<id of the new critical note>';

/** The figure's request in a dry run: what would be sent, the image named by type, size and digest. */
export function plannedFigureRequest(client: AlyxClient, target: FigureTarget, image: NoteImage): PlannedRequest {
  const { verdict } = target;
  const text = 'criticalNoteId' in verdict && verdict.criticalNoteId === NEW_NOTE_ID
    ? pythonJsonDumps(new Map([['title', FIGURE_TITLE], ['critical_note', NEW_NOTE_ID], ['sha256', image.sha256]]))
    : figureNoteText(verdict, image.sha256);
  return {
    method: 'POST',
    path: '/notes',
    body: { ...noteBody(client, { contentType: target.contentType, objectId: target.objectId, text }), width: 'orig', image: describeImage(image) },
  };
}

/** e.g. "a PNG image of 41.3 KB (SHA-256 0123456789ab…)": what a preview says of the figure. */
export function describeImage(image: NoteImage): string {
  return `a ${image.contentType === 'image/png' ? 'PNG' : 'JPEG'} image of ${formatBytes(image.size)} (SHA-256 ${image.sha256.slice(0, 12)}…)`;
}

/**
 * Writes the figure note of a verdict, once: a note by us with exactly this text (same verdict,
 * same bytes) is the figure already written and is returned as it is; otherwise the note is
 * POSTed as multipart. After a lost answer it is looked up again, never re-sent blindly: the
 * caller's Retry does that, through this same look-up.
 */
export async function attachFigure(client: AlyxClient, target: FigureTarget, image: NoteImage, signal?: AbortSignal): Promise<AlyxNote> {
  const text = figureNoteText(target.verdict, image.sha256);
  const ours = async (): Promise<AlyxNote | undefined> => (await findFigureNotes(client, target.objectId, signal)).find((note) => note.text === text && note.user === client.user && !!note.image);
  const existing = await ours();
  if (existing) return existing;
  const fields = noteBody(client, { contentType: target.contentType, objectId: target.objectId, text });
  const body = image.bytes ? noteImageFormData(fields, image) : heldImageFormData(fields, image);
  try {
    return await client.request<AlyxNote>('POST', '/notes', { body, signal, idempotent: false });
  } catch (error) {
    if (!hasCode(error, 'network', 'timeout', 'server')) throw error;
    const landed = await ours();
    if (landed) return landed;
    throw error;
  }
}

/**
 * A figure whose bytes another part holds (the kernel, for the widget): the note's fields,
 * `width=orig` and `figure_sha256`, no file. Only a transport that attaches the bytes it holds
 * for that digest may carry it (the kernel relay does, and refuses any other digest).
 */
function heldImageFormData(fields: Readonly<Record<string, string>>, image: NoteImage): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('width', 'orig');
  form.append('figure_sha256', image.sha256);
  return form;
}

/**
 * What the workflows take as `image` (`signOff`, `writeCriticalNote`): a validated figure that
 * writes and plans its own note, so the core imports none of this unless a figure is given.
 */
export interface FigureAttachment extends NoteImage {
  /** What a preview says of it, e.g. "a PNG image of 41.3 KB (SHA-256 0123456789ab…)". */
  readonly description: string;
  attach(client: AlyxClient, target: FigureTarget, signal?: AbortSignal): Promise<AlyxNote>;
  plan(client: AlyxClient, target: FigureTarget): PlannedRequest;
  /** The error for a verdict written whose figure was not: Retry is `attach(client, error.target)`. */
  notAttached(note: AlyxNote, target: FigureTarget, cause: unknown): FigureNotAttachedError;
}

/** `image` as the workflows take it. */
export function figureAttachment(image: NoteImage): FigureAttachment {
  return {
    ...image,
    description: describeImage(image),
    attach: (client, target, signal) => attachFigure(client, target, image, signal),
    plan: (client, target) => plannedFigureRequest(client, target, image),
    notAttached: (note, target, cause) => new FigureNotAttachedError(note, target, cause),
  };
}

/**
 * Validates PNG or JPEG bytes (a `Blob` from a canvas, a file's bytes) and returns them as the
 * workflows' `image`: `signOff(client, { ..., image: await noteFigure(blob) })`.
 */
export async function noteFigure(input: Uint8Array | ArrayBuffer | Blob, contentType?: string): Promise<FigureAttachment> {
  return figureAttachment(await noteImage(input, contentType));
}

/**
 * A figure whose bytes the Jupyter kernel holds (the widget): the page knows only its type, size
 * and SHA-256 (from Python), and its note goes to the kernel as a figure request that the kernel
 * completes with those bytes. Only the kernel transport can carry it.
 */
export function heldFigure(info: { readonly contentType: string; readonly size: number; readonly sha256: string }): FigureAttachment {
  if ((info.contentType !== 'image/png' && info.contentType !== 'image/jpeg') || !SHA256.test(info.sha256) || !Number.isSafeInteger(info.size)) {
    throw new InputError('The figure the kernel holds is described wrongly (type, size, SHA-256): re-run the cell that creates the widget.');
  }
  return figureAttachment({ contentType: info.contentType, size: info.size, sha256: info.sha256 });
}
