/** The critical-note widget's workflow: `<alyx-qc-critical-note>` over the core's critical-note writes. */
import { loadCriticalContext, writeCriticalNote, writeCriticalNoteFromGui } from '../core/critical-note.ts';
import { NOTE_KINDS, type CriticalKind } from '../core/note-kinds.ts';
import type { CriticalContext, CriticalResult, CriticalSubmission } from '../core/workflow-types.ts';
import '../elements/critical-note-panel.ts';
import type { WidgetWorkflow } from './widget-workflow.ts';

export const criticalWorkflow: WidgetWorkflow<CriticalContext, CriticalSubmission, CriticalResult> = {
  label: ({ target }) => `the critical notes of ${target}`,
  createPanel({ guiOnly }) {
    const panel = document.createElement('alyx-qc-critical-note');
    panel.guiOnly = guiOnly;
    return panel;
  },
  load: (client, { target, contentType }, signal) => loadCriticalContext(client, target, { contentType, signal }),
  write(client, { target, contentType, guiOnly }, { choice, overwrite }, signal, seenNoteIds) {
    if (guiOnly) return writeCriticalNoteFromGui(client, { pid: target, reasons: choice.reasons, signal });
    return writeCriticalNote(client, {
      uuid: target,
      reasons: choice.reasons,
      other: choice.other,
      overwrite,
      ...(overwrite && seenNoteIds ? { confirmedNoteIds: seenNoteIds } : {}),
      ...(contentType ? { contentType } : {}),
      signal,
    });
  },
  fromKernel: (message, choice) => ({ choice, overwrite: message.overwrite ?? false }),
  report(result, { target }) {
    switch (result.status) {
      case 'written': {
        const replaced = result.deletedNoteIds.length ? `, replacing ${result.deletedNoteIds.length} older note(s)` : '';
        return { written: true, message: `Critical note ${result.note.id} written from Python${replaced}.` };
      }
      case 'superseded':
        return { written: true, message: `Another reviewer's critical note (${result.note.id}) landed first and stands; ours was withdrawn.` };
      case 'needs-confirmation':
        return {
          written: false,
          message: `Nothing was written: ${target} already has ${result.existingNotes.length} critical note(s). Call submit(..., overwrite=True) to replace them, or confirm in the widget.`,
        };
      default:
        return { written: false, message: 'Nothing was written (dry run).' };
    }
  },
  numberedReasons: ({ guiOnly }) => (guiOnly ? (NOTE_KINDS['critical-insertion'] as CriticalKind).guiReasons : undefined),
};
