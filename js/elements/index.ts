/**
 * The alyx-qc custom elements. Importing this module registers every tag (once: see define.ts).
 * They take data and a submit function as properties and never talk to Alyx themselves.
 */
export { CriticalNotePanel } from './critical-note-panel.ts';
export { defineElement } from './define.ts';
export type { FailedDetail, ReasonChoiceEvent } from './events.ts';
export { OverwriteDialog } from './overwrite-dialog.ts';
export { ReasonChecklist } from './reason-checklist.ts';
export { ReviewQueueElement } from './review-queue.ts';
export { SignOffPanel } from './signoff-panel.ts';
export type { SubmitFunction } from './submission.ts';
