/**
 * A view whose model has no state from a kernel, as marimo shows the stale outputs of a reopened
 * notebook until its cells run again: the widget says it is not connected, instead of an empty
 * box or a 30 s wait for an answer that cannot come. The model is a stand-in (a mock, named so):
 * a host that shows an output without its widget is the fault, and no test host produces it on
 * demand. Runs with the elements' browser tests (web-test-runner.config.mjs).
 */
import type { WidgetModel } from './widget-state.ts';
import { signOffWorkflow } from './signoff-workflow.ts';
import { renderView } from './widget-view.ts';
import { afterEach, describe, expect, it, settle, visibleText } from '../elements/test-support.ts';

/** A model as a host hands over an output it shows without its widget: no traits, no kernel. */
function modelWithoutKernel(sent: unknown[]): WidgetModel {
  return {
    get: () => undefined,
    set: () => undefined,
    save_changes: () => undefined,
    on: () => undefined,
    off: () => undefined,
    send: (message: unknown) => void sent.push(message),
  } as unknown as WidgetModel;
}

describe('a widget view without its kernel', () => {
  const mounted: HTMLElement[] = [];
  afterEach(() => mounted.splice(0).forEach((el) => el.remove()));

  it('says "Not connected: run the cell", and sends nothing', async () => {
    const el = document.createElement('div');
    document.body.append(el);
    mounted.push(el);
    const sent: unknown[] = [];
    const cleanup = renderView(modelWithoutKernel(sent), el, signOffWorkflow);
    const frame = el.querySelector('alyx-qc-widget-frame');
    expect(frame, 'the frame is shown');
    await settle(frame);
    expect(visibleText(frame).includes('Not connected: run the cell to show this alyx-qc widget.'), visibleText(frame));
    expect(sent.length === 0, 'no request to a kernel that is not there');
    cleanup();
    expect(!el.querySelector('alyx-qc-widget-frame'), 'the cleanup removes it');
  });
});
