/** The sign-off widget's workflow: `<alyx-qc-signoff>` over the core's `signOff`. */
import { formatBytes, heldFigure } from '../core/figure-note.ts';
import { loadSignOffContext, signOff } from '../core/sign-off.ts';
import type { SignOffContext, SignOffResult, SignOffSubmission } from '../core/workflow-types.ts';
import { signOffContextAfter } from '../elements/context-after.ts';
import '../elements/signoff-panel.ts';
import type { WidgetWorkflow } from './widget-workflow.ts';

export const signOffWorkflow: WidgetWorkflow<SignOffContext, SignOffSubmission, SignOffResult> = {
  label: ({ target, signOffKey }) => `the sign-off of ${signOffKey} for session ${target}`,
  createPanel({ figure }) {
    const panel = document.createElement('alyx-qc-signoff');
    if (figure) panel.figure = { src: figure.thumbnail, caption: `${figure.contentType === 'image/png' ? 'PNG' : 'JPEG'}, ${formatBytes(figure.size)}` };
    return panel;
  },
  // The session's figure notes too (issue 16), in the same list: the panel shows the figures of the entries it lists.
  load: (client, { target, signOffKey, kind }, signal) => loadSignOffContext(client, { eid: target, signOffKey, kind, signal, figures: true }),
  // `onWritten`: the panel says "written" once both writes are answered, while the read-back runs on.
  write: (client, { target, signOffKey, kind, figure }, { choice, withNote, attachFigure }, signal, context, onWritten) =>
    signOff(client, {
      ...(context ? { context } : {}),
      eid: target,
      signOffKey,
      kind,
      reasons: choice.reasons,
      other: choice.other,
      withNote,
      signal,
      ...(figure && attachFigure ? { image: heldFigure(figure) } : {}),
      ...(onWritten ? { onWritten } : {}),
    }),
  after: signOffContextAfter,
  // From Python, the figure given with figure= is attached unless attach_figure=False.
  fromKernel: (message, choice) => ({ choice, withNote: message.with_note ?? true, attachFigure: message.attach_figure ?? true }),
  report(result) {
    // Python's submit() never asks for a dry run: the panel's words, for completeness.
    if (result.status !== 'written') return { written: false, message: 'Dry run, nothing written.' };
    // The panel's header shows the new checklist entry; this says what happened to the note.
    const note = result.note ? `note ${result.note.id} ${result.noteAction === 'merged' ? 'updated' : 'saved'}` : 'no note';
    return { written: true, message: `Signed off from Python: ${note}.` };
  },
};
