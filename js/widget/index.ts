/**
 * The anywidget front end of `alyx_qc.SignOff` and `alyx_qc.CriticalNote`: the only module that
 * anywidget loads. `initialize` runs once per model and front end and owns what all views share
 * (the kernel relay, the Alyx client, the context, the writes); `render` runs once per view
 * (several outputs, re-run cells) and returns its cleanup.
 */
import type { AnyWidget } from '@anywidget/types';
import '../elements/index.ts';
import { KernelRelay } from './kernel-transport.ts';
import { QcController } from './qc-controller.ts';
import { asKernelMessage } from './relay-messages.ts';
import { renderView } from './render-view.ts';
import './widget-frame.ts';
import type { WidgetModel, WidgetState } from './widget-state.ts';

/** This page's id: request ids start with it, and Python addresses `submit` to it. */
const FRONTEND_ID = randomId();

/**
 * `initialize` and `render` get different proxies of one model, so the controller is found by
 * the model's `_instance_id` trait (random per Python widget), not by the model object.
 */
const controllers = new Map<string, QcController>();

function randomId(): string {
  // getRandomValues, unlike randomUUID, also exists on plain-http pages (a remote JupyterHub).
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function createController(model: WidgetModel): { controller: QcController; dispose(): void } {
  const relay = new KernelRelay(model, { idPrefix: FRONTEND_ID });
  const controller = new QcController(model, relay, FRONTEND_ID);
  const onMessage = (content: unknown): void => {
    const message = asKernelMessage(content);
    if (!message) return;
    if (message.type === 'submit') void controller.runKernelSubmit(message);
    else relay.receive(message);
  };
  model.on('msg:custom', onMessage);
  return {
    controller,
    dispose() {
      model.off('msg:custom', onMessage);
      relay.close();
    },
  };
}

const widget: AnyWidget<WidgetState> = {
  initialize({ model }) {
    const key = String(model.get('_instance_id'));
    const { controller, dispose } = createController(model);
    controllers.set(key, controller);
    return () => {
      dispose();
      if (controllers.get(key) === controller) controllers.delete(key);
    };
  },
  render({ model, el }) {
    const key = String(model.get('_instance_id'));
    let controller = controllers.get(key);
    let dispose: (() => void) | undefined;
    if (!controller) {
      // A host that skips `initialize`: this view owns a controller of its own.
      ({ controller, dispose } = createController(model));
    }
    const cleanup = renderView(model, el, controller);
    return () => {
      cleanup();
      dispose?.();
    };
  },
};

export default widget;
