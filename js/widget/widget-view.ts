/**
 * One view of a widget (anywidget calls `render` once per output showing it): the frame, the
 * workflow's panel inside it, and the Alyx client over the kernel relay. Each view loads what
 * Alyx holds and writes on its own; their outcome goes to the traits (`status`, `error`,
 * `last_written`, `existing_notes`) so Python reads what happened, and the other views re-read
 * Alyx when `last_written` changes. The reviewer's choice goes both ways through
 * `selected`/`other`. A view announces itself to Python, which sends
 * `widget.submit(...)` to the view shown last.
 */
import { InputError } from '../core/errors.ts';
import { getNoteKind, reasonsFromNumbers, type ReasonChoice } from '../core/reasons.ts';
import { errorMessage } from '../elements/submission.ts';
import { asKernelMessage, type SubmitMessage } from './relay-messages.ts';
import './widget-frame.ts';
import { readChoice, readConfig, writeChoice, writeOutcome, type WidgetModel } from './widget-state.ts';
import type { WidgetContext, WidgetResult, WidgetWorkflow } from './widget-workflow.ts';
import { randomViewId, relayedClient } from './view-client.ts';

function sameChoice(a: ReasonChoice, b: ReasonChoice): boolean {
  return (a.other ?? null) === (b.other || null) && a.reasons.join('\n') === b.reasons.join('\n');
}

/** Renders a view of `workflow`'s widget into `el`; returns its cleanup. */
export function renderView<C extends WidgetContext, S, R extends WidgetResult>(model: WidgetModel, el: HTMLElement, workflow: WidgetWorkflow<C, S, R>): () => void {
  const config = readConfig(model);
  const frame = el.appendChild(document.createElement('alyx-qc-widget-frame'));
  // No state from a kernel: an output shown again without its widget (marimo shows a reopened
  // notebook's stale outputs until its cells run). Say so rather than show an empty box.
  if (!config.target || !config.baseUrl) {
    frame.phase = { phase: 'not-connected' };
    return () => frame.remove();
  }
  const viewId = randomViewId();
  const { relay, client } = relayedClient(model, viewId, config.baseUrl, config.user);

  frame.label = workflow.label(config);
  const panel = workflow.createPanel(config);
  panel.value = readChoice(model);
  // Figures already in Alyx (issue 16): their images come through the kernel, which holds the token.
  panel.loadFigure = (note, signal) => relay.image(note.id, signal);
  frame.append(panel);

  let context: C | undefined;
  let loading: Promise<void> | undefined;
  const load = (): Promise<void> =>
    (loading ??= (async () => {
      frame.phase = { phase: 'loading' };
      writeOutcome(model, { status: 'loading' });
      try {
        panel.context = context = await workflow.load(client, config);
        frame.phase = { phase: 'ready' };
        writeOutcome(model, { status: 'idle', existingNotes: context.existingNotes });
      } catch (error) {
        console.error('[alyx-qc] loading the widget failed:', error);
        loading = undefined; // Retry loads again
        frame.phase = { phase: 'load-failed', message: errorMessage(error) };
        writeOutcome(model, { status: 'failed', error: errorMessage(error) });
      }
    })());

  /** After another view of the widget wrote, what the panel shows (existing notes, checklist entry) is read again. */
  const refresh = async (): Promise<void> => {
    try {
      panel.context = context = await workflow.load(client, config);
    } catch (error) {
      // The write itself succeeded; a stale list is not worth failing it for.
      console.warn('[alyx-qc] re-reading the notes after the write failed:', error);
    }
  };

  /** Writes one submission (one at a time: the panel runs one, and Python's wait for it). */
  let writes: Promise<unknown> = Promise.resolve();
  let writing = false;
  let failed = false;
  const write = (submission: S, signal: AbortSignal, onWritten?: (result: R) => void): Promise<R> => {
    const next = writes.then(async () => {
      writeOutcome(model, { status: 'pending' });
      try {
        // From the context shown: the write reads no notes again (issue 12), and an overwrite
        // replaces only the notes the reviewer (or Python, in `existing_notes`) was shown.
        // The traits say `written` only once the workflow is done (Python's submit() waits for the read-back).
        const result = await workflow.write(client, config, submission, signal, failed ? undefined : context, onWritten);
        const written = result.status === 'written' || result.status === 'superseded';
        failed = false;
        // What Alyx holds now is in the write's answer: this view reads nothing again.
        if (context) panel.context = context = workflow.after(context, result);
        // `last_written` changes here: the other views re-read (see onWritten), this one does not.
        writing = true;
        writeOutcome(model, written ? { status: 'written', written: result, ...(context ? { existingNotes: context.existingNotes } : {}) } : { status: 'idle', ...('existingNotes' in result ? { existingNotes: result.existingNotes } : {}) });
        writing = false;
        return result;
      } catch (error) {
        writing = false;
        // Part of it may have landed (a note posted, its old ones not yet deleted): the next
        // write reads Alyx again rather than trust the context, so it cannot post a second note.
        failed = true;
        writeOutcome(model, { status: 'failed', error: errorMessage(error) });
        throw error;
      }
    });
    writes = next.catch(() => undefined);
    return next;
  };
  panel.submit = write;

  /** Python's choice as reasons: `nums` are turned into reasons here, so the panel can show them. */
  const choiceFrom = ({ reasons, nums, other = null }: SubmitMessage['choice']): ReasonChoice => {
    if (nums === undefined || nums === null) return { reasons: [...(reasons ?? [])], other };
    if (!context) throw new InputError('The widget could not load its context from Alyx, so the reason numbers cannot be read.');
    return { reasons: reasonsFromNumbers(getNoteKind(context.kind), nums, workflow.numberedReasons?.(config)), other };
  };

  const runKernelSubmit = async (message: SubmitMessage): Promise<void> => {
    frame.kernelSubmit = { status: 'pending' };
    try {
      await load();
      const choice = choiceFrom(message.choice);
      // Show what Python submitted, in the panel and in `widget.selected`.
      writeChoice(model, choice);
      const result = await write(workflow.fromKernel(message, choice), new AbortController().signal);
      const report = workflow.report(result, config);
      // Refused for want of a confirmation: failed for Python (the existing notes are in the traits).
      if (!report.written) writeOutcome(model, { status: 'failed', error: report.message });
      frame.kernelSubmit = { status: report.written ? 'written' : 'failed', message: report.message };
    } catch (error) {
      // A choice refused before any request never reached `write`: report it the same way.
      if (model.get('status') !== 'failed') writeOutcome(model, { status: 'failed', error: errorMessage(error) });
      frame.kernelSubmit = { status: 'failed', message: errorMessage(error) };
    }
  };

  const onMessage = (content: unknown, buffers?: readonly DataView[]): void => {
    const message = asKernelMessage(content);
    if (message?.type === 'submit') {
      if (message.frontend === viewId) {
        // Python gives up on a submission no view takes up (a page may announce views it lacks).
        if (message.id !== undefined) model.send({ type: 'submit-started', id: message.id });
        void runKernelSubmit(message);
      }
    } else if (message) {
      relay.receive(message, buffers);
    }
  };
  const onChoiceChanged = (): void => {
    const choice = readChoice(model);
    // Our own input comes back as a change too: leave the panel alone while the reviewer types.
    if (!sameChoice(choice, panel.value)) panel.value = choice;
  };
  // Another view of this widget wrote: show what Alyx holds now.
  const onWritten = (): void => {
    if (!writing && context) void refresh();
  };
  const announce = (count: number): void => {
    try {
      model.send({ type: 'views', frontend: viewId, count });
    } catch {
      // No kernel (saved widget state shown without one): nobody to tell.
    }
  };

  model.on('msg:custom', onMessage);
  model.on('change:selected', onChoiceChanged);
  model.on('change:other', onChoiceChanged);
  model.on('change:last_written', onWritten);
  // The panel's value is the choice, whichever inner control the event came from.
  panel.addEventListener('input', () => writeChoice(model, panel.value));
  frame.addEventListener('alyx-qc-retry', () => void load());
  announce(1);
  void load();

  return () => {
    announce(0);
    model.off('msg:custom', onMessage);
    model.off('change:selected', onChoiceChanged);
    model.off('change:other', onChoiceChanged);
    model.off('change:last_written', onWritten);
    relay.close();
    frame.remove();
  };
}
