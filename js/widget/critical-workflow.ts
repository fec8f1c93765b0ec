/** The critical-note widget's workflow: `<alyx-qc-critical-note>` over the core's critical-note writes. */
import { loadCriticalContext, writeCriticalNote } from '../core/critical-note.ts';
import { choiceFor } from '../core/reasons.ts';
import { criticalFigure, FigureNotAttachedError, formatBytes, heldFigure } from '../core/figure-note.ts';
import { CRITICAL_KINDS } from '../core/critical-kinds.ts';
import { OTHER, type CriticalKind } from '../core/note-kind.ts';
import type { CriticalContext, CriticalResult, CriticalSubmission } from '../core/workflow-types.ts';
import { criticalContextAfter } from '../elements/context-after.ts';
import '../elements/critical-note-panel.ts';
import type { WidgetWorkflow } from './widget-workflow.ts';

/** The alignment GUI's reasons, Other left out (it has no free text), as in ibllib's `main_gui`. */
const guiReasons = (): string[] | undefined => (CRITICAL_KINDS['critical-insertion'] as CriticalKind).guiReasons?.filter((reason) => reason !== OTHER);

/** Per object: a critical note written whose figure was not (issue 16). Retry attaches only the figure. */
const unattached = new Map<string, FigureNotAttachedError>();

export const criticalWorkflow: WidgetWorkflow<CriticalContext, CriticalSubmission, CriticalResult> = {
  label: ({ target }) => `the critical notes of ${target}`,
  createPanel({ guiOnly, figure }) {
    const panel = document.createElement('alyx-qc-critical-note');
    panel.guiOnly = guiOnly;
    if (figure) panel.figure = { src: figure.thumbnail, caption: `${figure.contentType === 'image/png' ? 'PNG' : 'JPEG'}, ${formatBytes(figure.size)}` };
    return panel;
  },
  // The object's figure notes too (issue 16): the panel shows the figures of the notes it lists.
  load: (client, { target, contentType }, signal) => loadCriticalContext(client, target, { contentType, signal, figures: true }),
  async write(client, { target, contentType, guiOnly, figure }, { choice, overwrite, attachFigure }, signal, context) {
    const image = figure && attachFigure ? criticalFigure(heldFigure(figure)) : undefined;
    const pending = unattached.get(target);
    if (pending && image) {
      // The note was written; Retry completes the pair with the figure only (looked up first).
      const attached = await image.attach(client, pending.target, signal);
      unattached.delete(target);
      return { status: 'written', note: pending.note, text: pending.note.text, deletedNoteIds: [], figure: attached };
    }
    try {
      // The GUI path as `writeCriticalNoteFromGui` (ibllib's `main_gui`) writes it, but from the
      // context shown: its reasons only, no Other, an insertion, always overwriting.
      if (guiOnly) choiceFor(CRITICAL_KINDS['critical-insertion'], { reasons: choice.reasons }, guiReasons());
      const model = guiOnly ? 'probeinsertion' : contentType;
      return await writeCriticalNote(client, {
        uuid: target,
        reasons: choice.reasons,
        other: guiOnly ? null : choice.other,
        overwrite: guiOnly || overwrite,
        ...(context ? { context, confirmedNotes: context.existingNotes } : model ? { contentType: model } : {}),
        ...(image ? { image } : {}),
        signal,
      });
    } catch (error) {
      if (error instanceof FigureNotAttachedError) unattached.set(target, error);
      throw error;
    }
  },
  // From Python, the figure given with figure= is attached unless attach_figure=False.
  fromKernel: (message, choice) => ({ choice, overwrite: message.overwrite ?? false, attachFigure: message.attach_figure ?? true }),
  report(result, { target }) {
    switch (result.status) {
      case 'written': {
        // Worded as the panel's own status line, from Python.
        const deleted = result.deletedNoteIds.length ? `, ${result.deletedNoteIds.length} older note(s) deleted` : '';
        return { written: true, message: `Marked as critical from Python: note ${result.note.id} written${deleted}.` };
      }
      case 'superseded':
        // Marked critical all the same; the panel lists the note that stands.
        return { written: true, message: 'Another reviewer\u2019s critical note landed first and stands; yours was withdrawn.' };
      case 'needs-confirmation':
        return {
          written: false,
          message: `Nothing was written: ${target} already has ${result.existingNotes.length} critical note(s). Call submit(..., overwrite=True) to replace them, or confirm in the widget.`,
        };
      default:
        // Python's submit() never asks for one: the panel's words, for completeness.
        return { written: false, message: 'Dry run, nothing written.' };
    }
  },
  after: criticalContextAfter,
  numberedReasons: ({ guiOnly }) => (guiOnly ? (CRITICAL_KINDS['critical-insertion'] as CriticalKind).guiReasons : undefined),
};
