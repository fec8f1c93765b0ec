/**
 * One view of the widget: the frame, and inside it the QC panel for the widget's mode. The panel
 * follows the Observable value contract, so the glue stays generic: its `input` events go to the
 * `selected`/`other` traits, and those traits (set from Python or another view) go to its `value`.
 */
import type { ReasonChoice } from '../core/reasons.ts';
import type { QcController } from './qc-controller.ts';
import { readChoice, writeChoice, type WidgetModel } from './widget-state.ts';
import type { WidgetContext, WidgetResult } from './widget-workflow.ts';
import './widget-frame.ts';

function sameChoice(a: ReasonChoice, b: ReasonChoice | undefined): boolean {
  return b !== undefined && (a.other ?? null) === (b.other || null) && a.reasons.length === b.reasons.length && a.reasons.every((reason, index) => reason === b.reasons[index]);
}

/** Renders a view into `el`; returns its cleanup (listeners off, elements removed). */
export function renderView<C extends WidgetContext, S, R extends WidgetResult>(model: WidgetModel, el: HTMLElement, controller: QcController<C, S, R>): () => void {
  const { workflow, config } = controller;
  const frame = document.createElement('alyx-qc-widget-frame');
  frame.label = workflow.label(config);
  const panel = workflow.createPanel(config);
  panel.submit = (submission, signal) => controller.submitFromPanel(submission, signal);
  panel.value = readChoice(model);
  frame.append(panel);
  el.append(frame);

  const update = (): void => {
    const { phase, kernelSubmit } = controller;
    frame.phase = phase;
    frame.kernelSubmit = kernelSubmit;
    if (phase.phase === 'ready') panel.context = phase.context;
  };
  // The panel's value is the choice, whichever inner control the event came from.
  const onInput = (): void => writeChoice(model, panel.value);
  const onChoiceChanged = (): void => {
    const choice = readChoice(model);
    // Our own input comes back as a change too: leave the panel alone while the reviewer types.
    if (!sameChoice(choice, panel.value)) panel.value = choice;
  };
  const onRetry = (): void => void controller.load();

  panel.addEventListener('input', onInput);
  frame.addEventListener('alyx-qc-retry', onRetry);
  model.on('change:selected', onChoiceChanged);
  model.on('change:other', onChoiceChanged);
  const unsubscribe = controller.subscribe(update);
  update();
  const detach = controller.attachView();

  return () => {
    detach();
    unsubscribe();
    model.off('change:selected', onChoiceChanged);
    model.off('change:other', onChoiceChanged);
    panel.removeEventListener('input', onInput);
    frame.removeEventListener('alyx-qc-retry', onRetry);
    frame.remove();
  };
}
