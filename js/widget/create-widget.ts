/**
 * An anywidget front end for one workflow (`signoff.ts`, `critical.ts` are the modules anywidget
 * loads). `initialize` runs once per model and front end and owns what all views share (the
 * kernel relay, the Alyx client, the context, the writes); `render` runs once per view (several
 * outputs, re-run cells) and returns its cleanup.
 */
import type { AnyWidget } from '@anywidget/types';
import { KernelRelay } from './kernel-transport.ts';
import { QcController } from './qc-controller.ts';
import { asKernelMessage } from './relay-messages.ts';
import { renderView } from './render-view.ts';
import './widget-frame.ts';
import { instanceKey, type WidgetModel, type WidgetState } from './widget-state.ts';
import type { WidgetContext, WidgetResult, WidgetWorkflow } from './widget-workflow.ts';

/** This page's id: request ids start with it, and Python addresses `submit` to it. */
const FRONTEND_ID = randomId();

function randomId(): string {
  // getRandomValues, unlike randomUUID, also exists on plain-http pages (a remote JupyterHub).
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

interface Entry<C extends WidgetContext, S, R extends WidgetResult> {
  readonly controller: QcController<C, S, R>;
  readonly dispose: () => void;
  /** Views rendered by a host that skipped `initialize`; the last one disposes. */
  views: number;
  readonly fromInitialize: boolean;
}

/** The anywidget module of `workflow`'s widget. */
export function createWidget<C extends WidgetContext, S, R extends WidgetResult>(workflow: WidgetWorkflow<C, S, R>): AnyWidget<WidgetState> {
  /**
   * `initialize` and `render` get different proxies of one model, so the controller is found by
   * the model's `_instance_id` trait (random per Python widget), not by the model object.
   */
  const controllers = new Map<string, Entry<C, S, R>>();

  const createEntry = (model: WidgetModel, fromInitialize: boolean): Entry<C, S, R> => {
    const relay = new KernelRelay(model, { idPrefix: FRONTEND_ID });
    const controller = new QcController(model, relay, FRONTEND_ID, workflow);
    const onMessage = (content: unknown): void => {
      const message = asKernelMessage(content);
      if (!message) return;
      if (message.type === 'submit') void controller.runKernelSubmit(message);
      else relay.receive(message);
    };
    model.on('msg:custom', onMessage);
    const dispose = (): void => {
      model.off('msg:custom', onMessage);
      relay.close();
    };
    return { controller, dispose, views: 0, fromInitialize };
  };

  return {
    initialize({ model }) {
      const key = instanceKey(model);
      const entry = createEntry(model, true);
      controllers.set(key, entry);
      return () => {
        entry.dispose();
        if (controllers.get(key) === entry) controllers.delete(key);
      };
    },
    render({ model, el }) {
      const key = instanceKey(model);
      let entry = controllers.get(key);
      if (!entry) {
        // A host that skips `initialize`: the first view creates the shared controller.
        entry = createEntry(model, false);
        controllers.set(key, entry);
      }
      const owned = entry;
      owned.views++;
      const cleanup = renderView(model, el, owned.controller);
      return () => {
        cleanup();
        if (--owned.views === 0 && !owned.fromInitialize) {
          owned.dispose();
          if (controllers.get(key) === owned) controllers.delete(key);
        }
      };
    },
  };
}
