/**
 * One view of the review queue widget: `<alyx-qc-review-queue>` in the widget frame, its data
 * loaded through the kernel relay, its writes the core's `signOff`, its plots made in the kernel.
 * Statuses go to Python as messages (`q.statuses`); `q.submit(eid, ...)` comes back as one.
 */
import { getSignOffKind, reasonsFromNumbers, type ReasonChoice } from '../core/reasons.ts';
import { formatBytes, heldFigure } from '../core/figure-note.ts';
import { loadReviewQueue } from '../core/review-queue.ts';
import { signOff } from '../core/sign-off.ts';
import '../elements/review-queue.ts';
import { errorMessage } from '../elements/submission.ts';
import { asKernelMessage } from './relay-messages.ts';
import { isPlotMessage, isQueueSubmit, type QueueModel, type QueueSubmitMessage } from './review-queue-messages.ts';
import { KernelPlots } from './review-queue-plots.ts';
import { randomViewId, relayedClient } from './view-client.ts';
import './widget-frame.ts';
import { registerSentKind } from './widget-state.ts';

/** Renders a view of the queue into `el`; returns its cleanup. */
export function renderQueueView(model: QueueModel, el: HTMLElement): () => void {
  const viewId = randomViewId();
  const signOffKey = model.get('sign_off_key') ?? '';
  const kind = model.get('kind') ?? '';
  registerSentKind(model.get('note_kind'), kind);
  const { relay, client } = relayedClient(model, viewId, model.get('base_url'), model.get('user'));
  const plots = new KernelPlots((message) => model.send(message));

  const frame = document.createElement('alyx-qc-widget-frame');
  frame.label = `the review queue of ${signOffKey} (${model.get('eids').length} sessions)`;
  const queue = document.createElement('alyx-qc-review-queue');
  frame.append(queue);
  el.append(frame);

  const report = (status: string, error = ''): void => {
    model.set('status', status);
    model.set('error', error);
    model.save_changes();
  };
  let loading: Promise<void> | undefined;
  const load = (): Promise<void> =>
    (loading ??= (async () => {
      frame.phase = { phase: 'loading' };
      report('loading');
      try {
        const data = await loadReviewQueue(client, { eids: model.get('eids'), signOffKey, kind });
        // The core's queueWriter, plus the session's plot as its figure (issue 16): held in the
        // kernel, which posts it; the page names it by its SHA-256 (docs/figures.md).
        queue.submit = async (eid, { choice, withNote, attachFigure }, signal, written) => {
          const held = attachFigure === false ? undefined : await plots.figureFor(eid);
          return signOff(client, { eid, signOffKey: data.signOffKey, kind: data.kind, reasons: choice.reasons, other: choice.other, withNote, signal, ...(held ? { image: heldFigure(held) } : {}), ...(written ? { onWritten: written } : {}) });
        };
        queue.plot = model.get('has_plot') ? plots.plot : undefined;
        queue.figureOf = (eid) => {
          const held = plots.held(eid);
          return held && `${held.contentType === 'image/png' ? 'PNG' : 'JPEG'}, ${formatBytes(held.size)}`;
        };
        queue.data = data;
        frame.phase = { phase: 'ready' };
        report('idle');
        sendStatuses();
      } catch (error) {
        console.error('[alyx-qc] loading the review queue failed:', error);
        loading = undefined; // Retry loads again
        frame.phase = { phase: 'load-failed', message: errorMessage(error) };
        report('failed', errorMessage(error));
      }
    })());

  let statusesQueued = false;
  /** Every session's status to Python, once per burst of changes, once the session shown is on screen. */
  const sendStatuses = (): void => {
    if (statusesQueued) return;
    statusesQueued = true;
    void queue.whenShown().then(() => {
      statusesQueued = false;
      try {
        model.send({ type: 'queue-statuses', frontend: viewId, statuses: queue.value });
      } catch {
        // No kernel (saved state shown without one): nobody to tell.
      }
    });
  };

  const choiceOf = ({ reasons, nums, other = null }: QueueSubmitMessage['choice']): ReasonChoice =>
    nums === undefined || nums === null ? { reasons: [...(reasons ?? [])], other } : { reasons: reasonsFromNumbers(getSignOffKind(kind), nums), other };

  const runKernelSubmit = async (message: QueueSubmitMessage): Promise<void> => {
    if (message.id !== undefined) model.send({ type: 'submit-started', id: message.id });
    frame.kernelSubmit = { status: 'pending' };
    try {
      await load();
      const state = queue.state;
      if (!state) throw new Error('The queue could not load from Alyx, so nothing was signed off.');
      const choice = choiceOf(message.choice);
      const withNote = (message.with_note ?? true) && choice.reasons.length > 0;
      const result = await state.submit(message.eid, { choice, withNote });
      const status = state.item(message.eid)?.status;
      if (!result) throw new Error(status?.status === 'failed' || status?.status === 'invalid' ? status.message : `${message.eid} is not a session of this queue.`);
      frame.kernelSubmit = { status: 'written', message: `Signed off ${message.eid} from Python.` };
    } catch (error) {
      frame.kernelSubmit = { status: 'failed', message: errorMessage(error) };
      sendStatuses();
    }
  };

  const onMessage = (content: unknown, buffers?: DataView[]): void => {
    if (isPlotMessage(content)) return plots.receive(content, buffers);
    if (isQueueSubmit(content)) {
      if (content.frontend === viewId) void runKernelSubmit(content);
      return;
    }
    const message = asKernelMessage(content);
    if (message && message.type !== 'submit') relay.receive(message);
  };
  const announce = (count: number): void => {
    try {
      model.send({ type: 'views', frontend: viewId, count });
    } catch {
      // No kernel: nobody to tell.
    }
  };
  const onRetry = (): void => void load();

  model.on('msg:custom', onMessage);
  queue.addEventListener('input', sendStatuses);
  frame.addEventListener('alyx-qc-retry', onRetry);
  announce(1);
  void load();

  return () => {
    announce(0);
    model.off('msg:custom', onMessage);
    relay.close();
    frame.remove();
  };
}
