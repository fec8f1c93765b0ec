/**
 * The contract between the workflows and whoever drives them (elements, widget, CLI, Observable):
 * what is known before a write (context), what the reviewer submits, and what was written.
 */
import type { AlyxNote, SignOffEntry } from './alyx-types.ts';
import type { CriticalKindId, SignOffKindId } from './note-kind.ts';
import type { ReasonChoice } from './reasons.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A request a workflow sends (or, in a dry run, would send). Paths are relative to the base URL. */
export interface PlannedRequest {
  readonly method: HttpMethod;
  /** e.g. `/notes` or `/sessions/<eid>`; query strings included. */
  readonly path: string;
  readonly body?: unknown;
}

/** What the critical-note panel shows before the reviewer submits. */
export interface CriticalContext {
  readonly uuid: string;
  readonly kind: CriticalKindId;
  readonly contentType: string;
  /** Logged-in Alyx user, the author of the note. */
  readonly user: string;
  /** The critical notes of this object (all pages; JSON title exactly the kind's): what an overwrite would replace. */
  readonly existingNotes: readonly AlyxNote[];
  /** Other notes of this object that mention the title (quoting a critical note): shown, never deleted. */
  readonly mentions?: readonly AlyxNote[];
  /** The object's figure notes (issue 16), when the caller loaded them to show. */
  readonly figureNotes?: readonly AlyxNote[];
}

/** What the sign-off panel shows before the reviewer submits. */
export interface SignOffContext {
  readonly eid: string;
  readonly kind: SignOffKindId;
  readonly signOffKey: string;
  readonly user: string;
  /** The existing sign-off note(s) for this key; more than one blocks a sign-off with a note. */
  readonly existingNotes: readonly AlyxNote[];
  /** `json.sign_off_checklist[key]` now: `null` when not signed off, `undefined` when the key is absent. */
  readonly checklistEntry: SignOffEntry | null | undefined;
  /** The session's figure notes (issue 16), when the caller loaded them to show. */
  readonly figureNotes?: readonly AlyxNote[];
}

/** What a reviewer submits from the critical-note panel. */
export interface CriticalSubmission {
  readonly choice: ReasonChoice;
  /** Replace the existing notes of the same title (the reviewer confirmed). */
  readonly overwrite: boolean;
  /** Attach the panel's figure as a note of its own (issue 16); only when the panel has one. */
  readonly attachFigure?: boolean;
}

/** What a reviewer submits from the sign-off panel. */
export interface SignOffSubmission {
  readonly choice: ReasonChoice;
  /** `false` signs off the checklist only, like ibllib's `sign_off()`. */
  readonly withNote: boolean;
  /** Attach the panel's figure as a note of its own (issue 16); only when the panel has one. */
  readonly attachFigure?: boolean;
}

export type CriticalResult =
  /** The note was written and the notes it replaces deleted. */
  | { readonly status: 'written'; readonly note: AlyxNote; readonly text: string; readonly deletedNoteIds: readonly string[]; readonly figure?: AlyxNote }
  /** Similar notes exist and overwrite was not confirmed: nothing was written. */
  | { readonly status: 'needs-confirmation'; readonly existingNotes: readonly AlyxNote[]; readonly text: string }
  /** Another reviewer's note for the same object landed first; ours was withdrawn. */
  | { readonly status: 'superseded'; readonly note: AlyxNote; readonly text: string }
  | { readonly status: 'dry-run'; readonly text: string; readonly requests: readonly PlannedRequest[] };

export type SignOffResult =
  | {
      readonly status: 'written';
      /** The note created or updated; `null` for a sign-off without a note. */
      readonly note: AlyxNote | null;
      /** Whether the note was new or merged into the one that existed; `null` without a note. */
      readonly noteAction: 'created' | 'merged' | null;
      readonly text: string | null;
      readonly checklistEntry: SignOffEntry;
      /** The same reviewer had already signed off this key today; that entry was replaced. */
      readonly replacedSameDay: boolean;
      /** The figure note written (or found written) with the sign-off, when an `image` was given. */
      readonly figure?: AlyxNote;
    }
  | { readonly status: 'dry-run'; readonly text: string | null; readonly checklistEntry: SignOffEntry; readonly requests: readonly PlannedRequest[] };
