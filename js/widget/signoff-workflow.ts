/** The sign-off widget's workflow: `<alyx-qc-signoff>` over the core's `signOff`. */
import { loadSignOffContext, signOff } from '../core/sign-off.ts';
import type { SignOffContext, SignOffResult, SignOffSubmission } from '../core/workflow-types.ts';
import '../elements/signoff-panel.ts';
import type { WidgetWorkflow } from './widget-workflow.ts';

export const signOffWorkflow: WidgetWorkflow<SignOffContext, SignOffSubmission, SignOffResult> = {
  label: ({ target, signOffKey }) => `the sign-off of ${signOffKey} for session ${target}`,
  createPanel: () => document.createElement('alyx-qc-signoff'),
  load: (client, { target, signOffKey, kind }, signal) => loadSignOffContext(client, { eid: target, signOffKey, kind, signal }),
  write: (client, { target, signOffKey, kind }, { choice, withNote }, signal) =>
    signOff(client, { eid: target, signOffKey, kind, reasons: choice.reasons, other: choice.other, withNote, signal }),
  fromKernel: (message, choice) => ({ choice, withNote: message.with_note ?? true }),
  report(result) {
    if (result.status !== 'written') return { written: false, message: 'Nothing was written (dry run).' };
    const note = result.note ? `note ${result.note.id} ${result.noteAction === 'merged' ? 'updated' : 'saved'}` : 'no note';
    return { written: true, message: `Signed off from Python: ${note}; checklist entry ${result.checklistEntry.date} by ${result.checklistEntry.user}.` };
  },
};
