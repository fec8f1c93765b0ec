/**
 * What a note kind of `ibllib.qc.critical_reasons` is, as data a UI or a prompt can render, and
 * where the kinds a program has loaded are found by id. The kinds themselves live in
 * `critical-kinds.ts` and `sign-off-kinds.ts` and register here when loaded: a bundle that
 * imports only the sign-off kinds (the sign-off widget) carries none of the critical kinds' data,
 * and the other way round. `note-kinds.ts` loads both (the core, the CLI, the npm elements).
 */

/** Alyx model names a note can be attached to (the `content_type` written to `/notes`). */
export type ContentType = 'session' | 'probeinsertion' | 'subject' | (string & {});

export type CriticalKindId = 'critical-session' | 'critical-insertion';
export type SignOffKindId =
  | 'signoff-task'
  | 'signoff-passive'
  | 'signoff-video'
  | 'signoff-raw-ephys'
  | 'signoff-spike-sorting'
  | 'signoff-alignment';
export type NoteKindId = CriticalKindId | SignOffKindId;

/** The reason every kind lists last; choosing it asks for free text. */
export const OTHER = 'Other';

interface NoteKindBase {
  readonly id: NoteKindId;
  /** A short human name, e.g. "Task sign-off". */
  readonly label: string;
  readonly contentType: 'session' | 'probeinsertion';
  /** The reasons in order, `Other` last. Index `i` is what a user types at the prompt (0-based, as ibllib). */
  readonly reasons: readonly string[];
  /** The question ibllib's terminal prompt asks above the numbered reasons. */
  readonly promptHeader: string;
}

export interface CriticalKind extends NoteKindBase {
  readonly id: CriticalKindId;
  readonly family: 'critical';
  readonly title: string;
  /** The subset the alignment GUI offers (insertions only). */
  readonly guiReasons?: readonly string[];
}

export interface SignOffKind extends NoteKindBase {
  readonly id: SignOffKindId;
  readonly family: 'signoff';
  readonly contentType: 'session';
}

export type NoteKind = CriticalKind | SignOffKind;

/**
 * The kinds loaded so far, by id and by every alias (`task` for `signoff-task`), shared by every
 * alyx-qc bundle in the page: a custom element is defined once per page, by whichever bundle
 * loads first, so the sign-off widget's `<alyx-qc-reason-checklist>` may render the critical
 * widget's reasons, and its look-up must see the kinds both loaded.
 */
const loaded = ((globalThis as { [key: symbol]: unknown })[Symbol.for('alyx-qc.note-kinds')] ??= new Map()) as Map<string, NoteKind>;

/** Makes `kinds` (and their `aliases`) known to {@link loadedKind}; returns them keyed by id. */
export function registerKinds<K extends NoteKind>(kinds: readonly K[], aliases: Readonly<Record<string, string>> = {}): Readonly<Record<K['id'], K>> {
  for (const kind of kinds) loaded.set(kind.id, kind);
  for (const [alias, id] of Object.entries(aliases)) loaded.set(alias, loaded.get(id)!);
  return Object.fromEntries(kinds.map((kind) => [kind.id, kind])) as Record<K['id'], K>;
}

/** The loaded kind of this id or alias. */
export function loadedKind(name: string): NoteKind | undefined {
  return loaded.get(name);
}

/** Every id and alias loaded, for a message that lists them. */
export function loadedKindNames(): string[] {
  return [...loaded.keys()];
}
