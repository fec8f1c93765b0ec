/**
 * The alyx-qc custom elements. Importing this module registers every tag (once: see define.ts).
 * They take data and a submit function as properties and never talk to Alyx themselves.
 */
// Every note kind, so that a lone <alyx-qc-reason-checklist kind="…"> knows either family (a
// widget's bundle, which imports its panel alone, carries only its own: see note-kind.ts).
import '../core/note-kinds.ts';
export { CriticalNotePanel } from './critical-note-panel.ts';
export { defineElement } from './define.ts';
export type { FailedDetail, ReasonChoiceEvent } from './events.ts';
export { OverwriteDialog } from './overwrite-dialog.ts';
export { ReasonChecklist } from './reason-checklist.ts';
export { ReviewQueueElement } from './review-queue.ts';
export { SignOffPanel } from './signoff-panel.ts';
export type { SubmitFunction } from './submission.ts';
