/**
 * The widget's synced state: the one contract with the Python traits (`python/alyx_qc/_widget.py`),
 * snake_case as on the wire. This file is the only place that converts it to and from the
 * camelCase the core and the elements use.
 *
 * There is no token here, and there must never be: the state is saved into the notebook file.
 */
import type { AnyModel } from '@anywidget/types';
import type { AlyxNote, SignOffEntry } from '../core/alyx-types.ts';
import { registerKinds, type SignOffKind } from '../core/note-kind.ts';
import type { ReasonChoice } from '../core/reasons.ts';
import type { CriticalResult, SignOffResult } from '../core/workflow-types.ts';

export type WidgetMode = 'signoff' | 'critical';

/** `loading` the context, `idle` ready, `pending` a write, then `written` or `failed`. */
export type WidgetStatus = 'loading' | 'idle' | 'pending' | 'written' | 'failed';

/** What the last write stored, as Python sees it in `widget.last_written`. */
export interface WrittenState {
  /** `superseded`: another reviewer's critical note landed first and stands; ours was withdrawn. */
  readonly status: 'written' | 'superseded';
  /** `null` for a sign-off without a note. */
  readonly note_id: string | null;
  /** The note's exact text, as stored. */
  readonly text: string | null;
  /** Sign-off: the session's `json.sign_off_checklist[key]` now. */
  readonly checklist_entry: SignOffEntry | null;
  /** Critical: the notes the overwrite replaced. */
  readonly deleted_note_ids: readonly string[];
  /** The figure note written with the verdict (issue 16); absent without one. */
  readonly figure_note_id?: string;
}

/** An existing note, as Alyx sends it (already snake_case). */
export type NoteState = Pick<AlyxNote, 'id' | 'user' | 'date_time' | 'text'>;

export interface WidgetState {
  readonly [key: string]: unknown;
  mode: WidgetMode;
  /** The session eid (sign-off) or the session eid / insertion pid (critical). */
  target: string;
  sign_off_key: string | null;
  kind: string | null;
  /** Sign-off: the kind's definition, from Python's `kinds.json` (see {@link registerSentKind}). */
  note_kind: SignOffKind | null;
  /** Critical: the model given explicitly, or `null` to infer session or insertion. */
  content_type: string | null;
  gui_only: boolean;
  base_url: string;
  /** The Alyx username (not a secret). */
  user: string;
  selected: string[];
  other: string | null;
  status: WidgetStatus;
  error: string;
  last_written: WrittenState | null;
  existing_notes: NoteState[];
  /** The figure Python holds (`figure=`, issue 16): not its bytes, which stay in the kernel. */
  figure: FigureState | null;
  /** A small PNG of it (empty without one), as anywidget delivers bytes. */
  figure_thumbnail: DataView | null;
}

/** The figure a widget attaches to its note, as Python describes it. */
export interface FigureState {
  readonly content_type: string;
  readonly size: number;
  readonly sha256: string;
}

export type WidgetModel = AnyModel<WidgetState>;

/** What the widget is about, in the core's terms. Fixed for the widget's life. */
export interface WidgetConfig {
  readonly mode: WidgetMode;
  readonly target: string;
  readonly signOffKey: string;
  readonly kind: string;
  readonly contentType: string | undefined;
  readonly guiOnly: boolean;
  readonly baseUrl: string;
  readonly user: string;
  /** The figure to attach (issue 16), with its thumbnail as a `data:` URL (`''` when none). */
  readonly figure: { readonly contentType: string; readonly size: number; readonly sha256: string; readonly thumbnail: string } | null;
}

/** The thumbnail's bytes as a `data:` URL: it lives as long as the page, with nothing to revoke. */
function thumbnailUrl(view: DataView | null | undefined): string {
  if (!view || view.byteLength === 0) return '';
  let binary = '';
  for (const byte of new Uint8Array(view.buffer as ArrayBuffer, view.byteOffset, view.byteLength)) binary += String.fromCharCode(byte);
  return `data:image/png;base64,${btoa(binary)}`;
}

/**
 * Makes the sign-off kind Python sent (`note_kind`, read from the `kinds.json` the widget build
 * writes) known to the core's look-up, also under the name the widget was given (`kind="task"`):
 * the page's bundle carries no table of every kind's reasons.
 */
export function registerSentKind(kind: SignOffKind | null | undefined, name: string | null | undefined): void {
  if (kind) registerKinds([kind], name ? { [name]: kind.id } : {});
}

/** The widget's fixed traits in the core's terms; the kind they name is made known (see {@link registerSentKind}). */
export function readConfig(model: WidgetModel): WidgetConfig {
  const figure = model.get('figure');
  registerSentKind(model.get('note_kind'), model.get('kind'));
  return {
    mode: model.get('mode'),
    target: model.get('target'),
    signOffKey: model.get('sign_off_key') ?? '',
    kind: model.get('kind') ?? '',
    contentType: model.get('content_type') ?? undefined,
    guiOnly: Boolean(model.get('gui_only')),
    baseUrl: model.get('base_url'),
    user: model.get('user'),
    figure: figure ? { contentType: figure.content_type, size: figure.size, sha256: figure.sha256, thumbnail: thumbnailUrl(model.get('figure_thumbnail')) } : null,
  };
}

export function readChoice(model: WidgetModel): ReasonChoice {
  return { reasons: [...(model.get('selected') ?? [])], other: model.get('other') ?? null };
}

export function writeChoice(model: WidgetModel, choice: ReasonChoice): void {
  model.set('selected', [...choice.reasons]);
  model.set('other', choice.other === '' ? null : choice.other);
  model.save_changes();
}

/** The outcome of loading or writing, as the traits `status`, `error`, `last_written`, `existing_notes`. */
export interface Outcome {
  readonly status: WidgetStatus;
  readonly error?: string;
  readonly written?: SignOffResult | CriticalResult;
  readonly existingNotes?: readonly AlyxNote[];
}

export function writeOutcome(model: WidgetModel, outcome: Outcome): void {
  model.set('status', outcome.status);
  model.set('error', outcome.error ?? '');
  if (outcome.written) {
    const written = writtenState(outcome.written);
    if (written) model.set('last_written', written);
  }
  if (outcome.existingNotes) {
    model.set('existing_notes', outcome.existingNotes.map(({ id, user, date_time, text }) => ({ id, user, date_time, text })));
  }
  model.save_changes();
}

function writtenState(result: SignOffResult | CriticalResult): WrittenState | null {
  if (result.status !== 'written' && result.status !== 'superseded') return null;
  const checklistEntry = 'checklistEntry' in result ? result.checklistEntry : null;
  return {
    status: result.status,
    note_id: result.note?.id ?? null,
    text: result.note?.text ?? result.text,
    checklist_entry: checklistEntry,
    deleted_note_ids: 'deletedNoteIds' in result ? [...result.deletedNoteIds] : [],
    ...('figure' in result && result.figure ? { figure_note_id: result.figure.id } : {}),
  };
}
