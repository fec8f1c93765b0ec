/**
 * Figure notes (issue 16, docs/figures.md): each figure is a note of its own on the verdict's
 * object, whose image is the plot and whose text names the verdict, under a title that contains
 * none of ibllib's, so no sign-off, merge or overwrite (alyx-qc's or ibllib's) ever sees, replaces
 * or deletes it. alyx-qc never PATCHes or deletes a figure note.
 */
import type { AlyxNote } from './alyx-types.ts';
import type { AlyxRestClient } from './rest-client.ts';
import { AlyxQcError, InputError } from './errors.ts';
import { parseNoteJson } from './note-text.ts';
import { byDateTime, findNotes, mentioning, noteBody } from './notes-api.ts';
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
  if (!SHA256.test(sha256)) throw new InputError(`"${sha256}" is not a SHA-256 (64 lower-case hex digits): pass the figure through noteFigure().`);
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
export function findFigureNotes(client: AlyxRestClient, objectId: string, signal?: AbortSignal): Promise<AlyxNote[]> {
  return findNotes(client, objectId, signal, FIGURE_TITLE);
}

/** The figure notes among `notes` (the object's, listed once for all it shows), as {@link findFigureNotes} finds them. */
export function figureNotesAmong(notes: readonly AlyxNote[]): AlyxNote[] {
  return mentioning(notes, FIGURE_TITLE);
}

/** The figure notes of one verdict, newest first, one per image (a twin of the same bytes is left out). */
export function figuresOf(notes: readonly AlyxNote[], verdict: FigureVerdict): AlyxNote[] {
  const seen = new Set<string>();
  return notes
    .filter((note) => {
      const figure = parseFigureNote(note.text);
      return figure !== null && sameVerdict(figure.verdict, verdict) && !!note.image;
    })
    .sort((a, b) => byDateTime(b.date_time, a.date_time) || a.id.localeCompare(b.id))
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

/** A figure as its note names it: the type, size and SHA-256 of its bytes. */
export interface FigureImage {
  readonly contentType: 'image/png' | 'image/jpeg';
  /** Size in bytes. */
  readonly size: number;
  /** SHA-256 of the bytes, 64 lower-case hex digits. */
  readonly sha256: string;
}

/**
 * What `signOff` takes as `image`: a validated figure that writes its own note, so the core
 * imports none of this unless a figure is given.
 */
export interface VerdictFigure extends FigureImage {
  attach(client: AlyxRestClient, target: FigureTarget, signal?: AbortSignal): Promise<AlyxNote>;
}

/**
 * What `writeCriticalNote` takes as `image`: a {@link VerdictFigure} that also makes the error for
 * a critical note written whose figure was not. Only the critical note's callers make one
 * ({@link criticalFigure}), so the sign-off bundles hold no such error.
 */
export interface CriticalFigure extends VerdictFigure {
  /** The error for a verdict written whose figure was not: Retry is `attach(client, error.target)`. */
  notAttached(note: AlyxNote, target: FigureTarget, cause: unknown): FigureNotAttachedError;
}

/**
 * What `noteFigure` makes of bytes in hand (the CLI, Observable): a {@link CriticalFigure} that a
 * dry run can also plan. The widgets' figures, held in the kernel, are never planned (a widget
 * never dry-runs), so their bundles hold none of the planning.
 */
export interface FigureAttachment extends CriticalFigure {
  /** What a preview says of it, e.g. "a PNG image of 41.3 KB (SHA-256 0123456789ab…)". */
  readonly description: string;
  plan(client: AlyxRestClient, target: FigureTarget): PlannedRequest;
}

/**
 * A workflow's `image` and `dryRun`: a figure that writes its own note (`Written`: the widgets'
 * figures) goes with a write; a dry run takes one it can also plan (`noteFigure`'s).
 */
export type FigureOptions<Written extends VerdictFigure> =
  | { readonly image?: Written; readonly dryRun?: false }
  | { readonly image?: FigureAttachment; readonly dryRun?: boolean };

/** `812 bytes`, `41.3 KB`, `10.0 MB` (1 KB = 1024 bytes), for messages and previews. */
export function formatBytes(size: number): string {
  if (size < 1024) return `${size} bytes`;
  return size < 1024 * 1024 ? `${(size / 1024).toFixed(1)} KB` : `${(size / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * What a figure note's `POST /notes` sends, made from the note's fields: `noteFigure`'s the
 * multipart body with the file; `heldFigure`'s the fields alone, as JSON (the kernel adds the file).
 */
export type FigureNoteBody = (fields: Readonly<Record<string, string>>) => FormData | Readonly<Record<string, string>>;

/** The attachment of `image`, whose note's request body `body` makes from the note's fields. */
export function figureAttachment(image: FigureImage, body: FigureNoteBody): FigureAttachment {
  const description = `a ${image.contentType === 'image/png' ? 'PNG' : 'JPEG'} image of ${formatBytes(image.size)} (SHA-256 ${image.sha256.slice(0, 12)}…)`;
  return {
    ...criticalFigure(verdictFigure(image, body)),
    description,
    plan(client, { contentType, objectId, verdict }) {
      // A critical note's id '' (or NEW_NOTE_ID) is the note not created yet.
      const text = 'criticalNoteId' in verdict && (verdict.criticalNoteId === NEW_NOTE_ID || verdict.criticalNoteId === '')
        ? pythonJsonDumps(new Map([['title', FIGURE_TITLE], ['critical_note', NEW_NOTE_ID], ['sha256', image.sha256]]))
        : figureNoteText(verdict, image.sha256);
      return { method: 'POST', path: '/notes', body: { ...noteBody(client, { contentType, objectId, text }), width: 'orig', image: description } };
    },
  };
}

/** `figure` as a critical note takes it: with the error for a note written whose figure was not. */
export function criticalFigure(figure: VerdictFigure): CriticalFigure {
  return { ...figure, notAttached: (note, target, cause) => new FigureNotAttachedError(note, target, cause) };
}

/** The figure that writes the note of `image` (no planning, no critical note's error). */
function verdictFigure(image: FigureImage, body: FigureNoteBody): VerdictFigure {
  return {
    contentType: image.contentType,
    size: image.size,
    sha256: image.sha256,
    /**
     * Writes the figure note once: a note by us with exactly this text (same verdict, same bytes)
     * is the figure already written and is returned as it is; otherwise it is POSTed. After a lost
     * answer it is looked up again, never re-sent blindly (the caller's Retry does that, through
     * this same look-up).
     */
    async attach(client, target, signal) {
      const text = figureNoteText(target.verdict, image.sha256);
      const ours = async (): Promise<AlyxNote | undefined> => (await findFigureNotes(client, target.objectId, signal)).find((note) => note.text === text && note.user === client.user && !!note.image);
      const existing = await ours();
      if (existing) return existing;
      try {
        // A POST, so the client never re-sends it itself (idempotent defaults to false).
        return await client.request<AlyxNote>('POST', '/notes', { body: body(noteBody(client, { ...target, text })), signal });
      } catch (error) {
        const landed = hasCode(error, 'network', 'timeout', 'server') ? await ours() : undefined;
        if (landed) return landed;
        throw error;
      }
    },
  };
}

/**
 * A figure whose bytes the Jupyter kernel holds (the widget): the page knows only its type, size
 * and SHA-256 (from Python). Its note is asked for as any note is, `POST /notes` with the four
 * fields as JSON and no file: the kernel's relay recognises a figure note by its title, checks
 * that its text names a verdict of the widget and the figure the kernel holds (by that SHA-256),
 * and posts it to Alyx as multipart with those bytes and `width=orig` (docs/figures.md). A
 * critical note takes it through {@link criticalFigure}.
 */
export function heldFigure(info: { readonly contentType: string; readonly size: number; readonly sha256: string }): VerdictFigure {
  const { contentType, size, sha256 } = info;
  if ((contentType !== 'image/png' && contentType !== 'image/jpeg') || !SHA256.test(sha256) || !Number.isSafeInteger(size)) {
    throw new InputError('The figure the kernel holds is described wrongly (type, size, SHA-256): re-run the cell that creates the widget.');
  }
  return verdictFigure({ contentType, size, sha256 }, (fields) => fields);
}

/** Writes the figure note of a verdict once: {@link VerdictFigure.attach}. */
export function attachFigure(client: AlyxRestClient, target: FigureTarget, image: VerdictFigure, signal?: AbortSignal): Promise<AlyxNote> {
  return image.attach(client, target, signal);
}
