/**
 * What Alyx holds after a write, from the write's own answer: the panel's context for the next
 * write without reading Alyx again (issue 12: no request whose answer the workflow already has).
 * A later write from a stale context would post a second note beside ours, so the context must
 * follow every write.
 */
import type { AlyxNote } from '../core/alyx-types.ts';
import type { CriticalContext, CriticalResult, SignOffContext, SignOffResult } from '../core/workflow-types.ts';

function withFigure(figures: readonly AlyxNote[] | undefined, figure: AlyxNote | undefined): readonly AlyxNote[] | undefined {
  // Idempotent: the panel and the widget around it may both apply the same result.
  return figure && !figures?.some((note) => note.id === figure.id) ? [...(figures ?? []), figure] : figures;
}

/**
 * A critical write replaced every note of the context with one: ours, or the rival's that stood.
 * Refused for a note not shown, the notes Alyx holds now are the ones to confirm.
 */
export function criticalContextAfter(context: CriticalContext, result: CriticalResult): CriticalContext {
  if (result.status === 'needs-confirmation') return { ...context, existingNotes: result.existingNotes };
  if (result.status === 'dry-run') return context;
  const figureNotes = withFigure(context.figureNotes, 'figure' in result ? result.figure : undefined);
  return { ...context, existingNotes: [result.note], ...(figureNotes ? { figureNotes } : {}) };
}

/** A sign-off: its note (created or merged) and its checklist entry. */
export function signOffContextAfter(context: SignOffContext, result: SignOffResult): SignOffContext {
  if (result.status !== 'written') return context;
  const figureNotes = withFigure(context.figureNotes, result.figure);
  return { ...context, existingNotes: result.note ? [result.note] : context.existingNotes, checklistEntry: result.checklistEntry, ...(figureNotes ? { figureNotes } : {}) };
}
