/**
 * One view of the widget: the frame, and inside it the QC panel for the widget's mode. The panel
 * follows the Observable value contract, so the glue stays generic: its `input` events go to the
 * `selected`/`other` traits, and those traits (set from Python or another view) go to its `value`.
 */
import type { ReasonChoice } from '../core/reasons.ts';
import type { CriticalContext, SignOffContext } from '../core/workflow-types.ts';
import { SignOffPanel as SignOffPanelClass } from '../elements/signoff-panel.ts';
import type { QcController } from './qc-controller.ts';
import { readChoice, writeChoice, type WidgetModel } from './widget-state.ts';
import './widget-frame.ts';

type SignOffPanel = HTMLElementTagNameMap['alyx-qc-signoff'];
type CriticalPanel = HTMLElementTagNameMap['alyx-qc-critical-note'];

function createPanel(controller: QcController): SignOffPanel | CriticalPanel {
  if (controller.config.mode === 'signoff') {
    const panel = document.createElement('alyx-qc-signoff');
    panel.submit = (submission, signal) => controller.submitSignOff(submission, signal);
    return panel;
  }
  const panel = document.createElement('alyx-qc-critical-note');
  panel.guiOnly = controller.config.guiOnly;
  panel.submit = (submission, signal) => controller.submitCritical(submission, signal);
  return panel;
}

function describe(controller: QcController): string {
  const { mode, target, signOffKey } = controller.config;
  return mode === 'signoff' ? `the sign-off of ${signOffKey} for session ${target}` : `the critical notes of ${target}`;
}

function sameChoice(a: ReasonChoice, b: ReasonChoice | undefined): boolean {
  return b !== undefined && (a.other ?? null) === (b.other || null) && a.reasons.length === b.reasons.length && a.reasons.every((reason, index) => reason === b.reasons[index]);
}

/** Renders a view into `el`; returns its cleanup (listeners off, elements removed). */
export function renderView(model: WidgetModel, el: HTMLElement, controller: QcController): () => void {
  const frame = document.createElement('alyx-qc-widget-frame');
  frame.label = describe(controller);
  const panel = createPanel(controller);
  panel.value = readChoice(model);
  frame.append(panel);
  el.append(frame);

  const update = (): void => {
    const { phase, kernelSubmit } = controller;
    frame.phase = phase;
    frame.kernelSubmit = kernelSubmit;
    if (phase.phase !== 'ready') return;
    if (panel instanceof SignOffPanelClass) panel.context = phase.context as SignOffContext;
    else panel.context = phase.context as CriticalContext;
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
