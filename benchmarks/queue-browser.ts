/**
 * Review queue measures in Chromium (issue #15), with the real `ReviewQueue` widget: its bundle
 * as shipped, alyx_qc's Python class with a `plot(eid)` (a matplotlib figure made in the kernel),
 * its relay, and the Alyx of `bench-alyx.ts` (see `widget-host.ts` for the notebook without Jupyter).
 *
 * - **Enter to next session shown**: the reviewer presses Enter (a real key press through
 *   Chromium's input pipeline, focus in the queue); the clock runs from the keydown event's
 *   timestamp until the next session is on screen: the queue and its sign-off panel rendered for
 *   the new session (no update pending), and its plot's image decoded. Between presses the page
 *   waits as a reviewer reading the plot would (the write and the next plot's prefetch run then).
 *   Every third session gets reason 1 (key `1`) before Enter, the others are signed off as fine.
 * - **Saved notebook bytes**: N sessions reviewed in one queue against N `SignOff` widgets each
 *   signed off, for N = 1, 10, 100: the widget state a notebook saves (every model's state, the
 *   module source `_esm` included, as JupyterLab writes it into the notebook's metadata, indent 1)
 *   plus each output's view reference.
 */
import type { FaultProxy } from '../dev/fault-proxy/proxy.ts';
import { startFaultProxy } from '../dev/fault-proxy/proxy.ts';
import { startBenchAlyx, type BenchAlyx } from './bench-alyx.ts';
import { mapLimit, median, p90 } from './stats.ts';
import { WidgetHost } from './widget-host.ts';
import { quiet } from './widget-requests.ts';
import { SIGN_OFF_KEY } from './workflows.ts';

export const ENTER_SESSIONS = 20;
export const SAVED_COUNTS = [1, 10, 100] as const;
/** How long the benchmark's reviewer looks at each plot before pressing Enter. */
const READING_MS = 1000;

export interface EnterResult {
  readonly presses: number;
  /** Median and p90, keydown to the next session rendered (DOM updated, no update pending). */
  readonly renderedMedianMs: number;
  readonly renderedP90Ms: number;
  /** Median and p90, keydown to its plot decoded as well. */
  readonly shownMedianMs: number;
  readonly shownP90Ms: number;
  /**
   * The browser's own figure (Event Timing): presses whose next frame was painted within 16 ms
   * of the keydown (it reports no entry under 16 ms), and the durations of the others.
   */
  readonly paintedWithin16: number;
  readonly paintedSlower: readonly number[];
  /** Presses whose next plot was already there (prefetched) when the session was rendered. */
  readonly prefetched: number;
  /** Requests from the queue's display to the last write (load, writes; plots go to the kernel). */
  readonly requests: number;
  readonly signedOff: number;
  readonly failures: readonly string[];
}

export interface SavedBytesRow {
  readonly sessions: number;
  readonly queueBytes: number;
  readonly signOffBytes: number;
}

export interface QueueBrowserResult {
  readonly enter: EnterResult;
  readonly saved: readonly SavedBytesRow[];
}

function newSessions(alyx: BenchAlyx, count: number): Promise<string[]> {
  return mapLimit(Array.from({ length: count }), 4, () => alyx.newSession());
}

/**
 * In the page: arms a watcher (`window.__enterTimes`) that waits for the next Enter, then for the
 * queue to show another session; it resolves with the times from the keydown event.
 *
 * The watcher listens in the capture phase (the queue stops its keys from reaching the page) and
 * so runs before the queue has seen the key. It then watches the queue's shadow DOM: a
 * MutationObserver's callback runs as a microtask right after each render, so "rendered" is taken
 * in the task that handled the key, not after whatever tasks the browser had queued meanwhile
 * (until 2026-12-02 it waited for a task of its own first, and so also counted the relay's
 * answers to the previous session's write that came before it). "Painted" is the browser's own
 * figure for the same key press (Event Timing: the keydown to the next frame painted after its
 * handlers, in steps of 8 ms).
 */
const WATCH_ENTER = String.raw`void (window.__enterTimes = (() => {
  const queue = document.querySelector('alyx-qc-review-queue');
  const before = queue.current;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the queue did not move within 10 s of Enter')), 10000);
    window.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter') return;
      const t0 = event.timeStamp;
      const painted = new Promise((done) => {
        const seen = new PerformanceObserver((list) => {
          const entry = list.getEntries().find((e) => e.name === 'keydown' && Math.abs(e.startTime - t0) < 1);
          if (entry) { seen.disconnect(); done(entry.duration); }
        });
        seen.observe({ type: 'event', durationThreshold: 16, buffered: true });
        // Under 16 ms the browser reports no entry: the frame was painted within 16 ms.
        setTimeout(() => { seen.disconnect(); done(null); }, 2000);
      });
      let rendered = 0;
      const check = async () => {
        if (rendered) return;
        const panel = queue.renderRoot.querySelector('alyx-qc-signoff');
        const eid = queue.state?.items[queue.current]?.session.eid;
        if (queue.current === before || queue.isUpdatePending || !panel || panel.context?.eid !== eid) return;
        if (panel.isUpdatePending) await panel.updateComplete;
        if (rendered || panel.isUpdatePending) return;
        rendered = performance.now() - t0;
        observer.disconnect();
        const prefetched = !!queue.renderRoot.querySelector('figure.plot img');
        for (;;) {
          const img = queue.renderRoot.querySelector('figure.plot img');
          if (img) {
            await img.decode().catch(() => undefined);
            clearTimeout(timer);
            return resolve({ rendered, shown: performance.now() - t0, prefetched, painted: await painted });
          }
          await new Promise((r) => setTimeout(r, 5));
        }
      };
      const observer = new MutationObserver(() => void check());
      observer.observe(queue.renderRoot, { subtree: true, childList: true, attributes: true, characterData: true });
    }, { capture: true, once: true });
  });
})())`;

async function measureEnter(host: WidgetHost, alyx: BenchAlyx, proxy: FaultProxy): Promise<EnterResult> {
  const eids = await newSessions(alyx, ENTER_SESSIONS);
  const failures: string[] = [];
  const start = proxy.log.length;
  const id = await host.display('ReviewQueue', 'queue', [eids], { key: SIGN_OFF_KEY, kind: 'task' }, 'matplotlib');
  if ((await host.waitForStatus(id, ['idle', 'failed'])) === 'failed') throw new Error(`the queue did not load: ${String(await host.stateOf(id, 'error'))}`);
  const { page } = host;
  // Focus in the queue, as after a click on it: its keys act only then.
  await page.evaluate(() => (document.querySelector('alyx-qc-review-queue')?.shadowRoot?.querySelector('.queue') as HTMLElement | null)?.focus());
  const rendered: number[] = [];
  const shown: number[] = [];
  const paintedSlower: number[] = [];
  let paintedWithin16 = 0;
  let prefetched = 0;
  // The first plot is made on display, not prefetched: wait for it as the reviewer would.
  await page.waitForFunction(() => !!document.querySelector('alyx-qc-review-queue')?.shadowRoot?.querySelector('figure.plot img'), undefined, { timeout: 60_000 });
  for (let press = 0; press < ENTER_SESSIONS - 1; press++) {
    await new Promise((resolve) => setTimeout(resolve, READING_MS));
    if (press % 3 === 0) await page.keyboard.press('1');
    // Armed before the key press, so the keydown cannot come first.
    await page.evaluate(WATCH_ENTER);
    await page.keyboard.press('Enter');
    try {
      const times = (await page.evaluate('window.__enterTimes')) as { rendered: number; shown: number; prefetched: boolean; painted: number | null };
      rendered.push(times.rendered);
      shown.push(times.shown);
      if (times.painted === null) paintedWithin16++;
      else paintedSlower.push(times.painted);
      if (times.prefetched) prefetched++;
    } catch (error) {
      failures.push((error as Error).message);
    }
  }
  // The last session: signed off too, then every write answered.
  await new Promise((resolve) => setTimeout(resolve, READING_MS));
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => (document.querySelector('alyx-qc-review-queue') as unknown as { state?: { writing: number } } | null)?.state?.writing === 0, undefined, { timeout: 60_000 });
  await quiet(proxy);
  const summary = (await page.evaluate(() => (document.querySelector('alyx-qc-review-queue') as unknown as { state: { summary(): { signedOff: number; failed: number } } }).state.summary())) as { signedOff: number; failed: number };
  if (summary.failed > 0) failures.push(`${summary.failed} sign-off(s) failed`);
  failures.push(...host.errors.splice(0));
  await host.remove(id);
  return {
    presses: rendered.length,
    renderedMedianMs: median(rendered),
    renderedP90Ms: p90(rendered),
    shownMedianMs: median(shown),
    shownP90Ms: p90(shown),
    paintedWithin16,
    paintedSlower,
    prefetched,
    requests: proxy.log.length - start,
    signedOff: summary.signedOff,
    failures,
  };
}

/** The notebook's bytes for these widgets: their models in the metadata, one view output each. */
function notebookBytes(models: readonly Record<string, unknown>[]): number {
  const state: Record<string, unknown> = {};
  const outputs: unknown[] = [];
  models.forEach((model, index) => {
    const id = `${index.toString(16).padStart(32, '0')}`;
    const { _model_module: module, _model_module_version: version, _model_name: name, ...rest } = model;
    state[id] = { model_module: module, model_module_version: version, model_name: name, state: { _model_module: module, _model_module_version: version, _model_name: name, ...rest } };
    outputs.push({ output_type: 'display_data', data: { 'application/vnd.jupyter.widget-view+json': { model_id: id, version_major: 2, version_minor: 1 }, 'text/plain': `${String(name)}()` }, metadata: {} });
  });
  const metadata = { widgets: { 'application/vnd.jupyter.widget-state+json': { state, version_major: 2, version_minor: 0 } } };
  return Buffer.byteLength(JSON.stringify({ metadata, outputs }, null, 1));
}

async function savedQueue(host: WidgetHost, alyx: BenchAlyx, count: number): Promise<number> {
  const eids = await newSessions(alyx, count);
  const id = await host.display('ReviewQueue', 'queue', [eids], { key: SIGN_OFF_KEY, kind: 'task' });
  await host.waitForStatus(id, ['idle']);
  // Every session reviewed: "all remaining as fine", then all answered.
  await host.page.evaluate(() => (document.querySelector('alyx-qc-review-queue') as unknown as { state: { signOffRemaining(): Promise<unknown> } }).state.signOffRemaining());
  const state = await host.savedState(id);
  await host.remove(id);
  return notebookBytes([state]);
}

async function savedSignOffs(host: WidgetHost, alyx: BenchAlyx, count: number): Promise<number> {
  const eids = await newSessions(alyx, count);
  const states = await mapLimit(eids, 4, async (eid) => {
    const id = await host.display('SignOff', 'signoff', [eid], { key: SIGN_OFF_KEY, kind: 'task' });
    await host.waitForStatus(id, ['idle', 'failed']);
    host.call(id, 'submit', { with_note: false });
    await host.waitForStatus(id, ['written', 'failed']);
    const state = await host.savedState(id);
    await host.remove(id);
    return state;
  });
  return notebookBytes(states);
}

export async function measureQueueBrowser(options: { log?: (line: string) => void; savedCounts?: readonly number[] } = {}): Promise<QueueBrowserResult> {
  const log = options.log ?? (() => {});
  const alyx = await startBenchAlyx();
  const proxy = await startFaultProxy({ target: alyx.baseUrl });
  let host: WidgetHost | undefined;
  try {
    host = await WidgetHost.start(['queue', 'signoff'], { baseUrl: proxy.baseUrl, username: alyx.username, token: await alyx.token() });
    log(`queue: Enter to next session, ${ENTER_SESSIONS} sessions`);
    const enter = await measureEnter(host, alyx, proxy);
    const saved: SavedBytesRow[] = [];
    for (const count of options.savedCounts ?? SAVED_COUNTS) {
      log(`queue: saved notebook bytes, ${count} session(s)`);
      saved.push({ sessions: count, queueBytes: await savedQueue(host, alyx, count), signOffBytes: await savedSignOffs(host, alyx, count) });
    }
    return { enter, saved };
  } finally {
    await host?.stop();
    await proxy.stop();
    await alyx.stop();
  }
}
