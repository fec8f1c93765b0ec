/**
 * Review queue measures that need no browser (issue #15), with the core's queue:
 *
 * - **status of 200 sessions**: `loadReviewQueue` (the records, which are signed off, and their
 *   sign-off notes) and the pending look-up, against the Alyx of `bench-alyx.ts` behind the proxy
 *   adding 50 ms per request: requests and wall time, median of several runs;
 * - **"all remaining" for 200 sessions**: `ReviewQueueState.signOffRemaining()` (every due session
 *   signed off as fine, at the queue's own default concurrency) over the core's `queueWriter`,
 *   directly against the server, throttle off and on, against ibllib's loop of
 *   `TaskSignOffNote(eid, alyx, key).sign_off()` (the same job: the checklist entry, no note).
 *
 * The queue's modules are being built alongside (issue #15): they are imported when the measure
 * runs, so a missing or changed module makes this measure report "not measured", not the others.
 */
import { startFaultProxy } from '../dev/fault-proxy/proxy.ts';
import { runCli } from '../js/cli/testing/cli-process.ts';
import { AlyxClient } from '../js/core/client.ts';
import { fetchTransport, type Transport } from '../js/core/transport.ts';
import { externalAlyxUrl, startBenchAlyx, type BenchAlyx } from './bench-alyx.ts';
import { THROTTLE } from './batch.ts';
import { runIbllib } from './ibllib.ts';
import { LATENCY_MS } from './round-trips.ts';
import { mapLimit, median } from './stats.ts';
import { SIGN_OFF_KEY } from './workflows.ts';

export const QUEUE_SESSIONS = 200;

export interface QueueStatusFigures {
  readonly label: string;
  readonly sessions: number;
  readonly requests: number;
  readonly medianMs: number;
  /** Sessions the load returned (a check that the look-up found them all). */
  readonly found: number;
}

export interface QueueBatchFigures {
  readonly label: string;
  readonly seconds: number;
  readonly sessionsPerSecond: number;
  readonly requests: number;
  readonly throttled: number;
  readonly failures: number;
  readonly firstFailure?: string;
}

export interface QueueCoreResult {
  readonly sessions: number;
  readonly latencyMs: number;
  readonly status: QueueStatusFigures[];
  readonly unthrottled: QueueBatchFigures[];
  readonly throttled: QueueBatchFigures[];
  readonly throttle: string;
}

type QueueCore = typeof import('../js/core/review-queue.ts');
type QueueStateModule = typeof import('../js/core/review-queue-state.ts');

function countingTransport(statuses: Map<number, number>): Transport {
  const inner = fetchTransport();
  return async (request) => {
    const response = await inner(request);
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    return response;
  };
}

/** `count` fresh sessions, each with the key due (`null`), as a queue finds them. */
function newSessions(alyx: BenchAlyx, count: number): Promise<string[]> {
  return mapLimit(Array.from({ length: count }), 4, () => alyx.newSession());
}

async function measureStatus(core: QueueCore, runs: number, log: (line: string) => void): Promise<QueueStatusFigures[]> {
  const alyx = await startBenchAlyx();
  const proxy = await startFaultProxy({ target: alyx.baseUrl, latencyMs: LATENCY_MS });
  try {
    log(`queue: status of ${QUEUE_SESSIONS} sessions`);
    const eids = await newSessions(alyx, QUEUE_SESSIONS);
    const client = await AlyxClient.login(proxy.baseUrl, { username: alyx.username, password: alyx.password });
    const timed = async (label: string, body: () => Promise<number>): Promise<QueueStatusFigures> => {
      const times: number[] = [];
      const requests: number[] = [];
      let found = 0;
      // The first run warms the connections and Django's caches.
      for (let run = 0; run <= runs; run++) {
        const before = proxy.log.length;
        const started = performance.now();
        found = await body();
        const ms = performance.now() - started;
        if (run > 0) {
          times.push(ms);
          requests.push(proxy.log.length - before);
        }
      }
      return { label, sessions: eids.length, requests: median(requests), medianMs: median(times), found };
    };
    // The command line as a user runs it: a fresh process that logs in, the eids on stdin.
    const cli = async (): Promise<number> => {
      const run = await runCli(['status', '--key', SIGN_OFF_KEY, '--kind', 'task', '--eids', '-', '--json'], { env: { ALYX_URL: proxy.baseUrl, ALYX_LOGIN: alyx.username, ALYX_PASSWORD: alyx.password }, input: `${eids.join('\n')}\n` });
      if (run.code !== 0) throw new Error(`alyx-qc status exited ${run.code}: ${run.stderr.trim().split('\n').pop() ?? ''}`);
      return run.stdout.trim().split('\n').filter((line) => line.includes('"eid"')).length;
    };
    return [
      await timed(`alyx-qc status --eids - (a fresh process: Node start-up and its login included)`, cli),
      await timed(`loadReviewQueue: ${QUEUE_SESSIONS} eids given`, async () => (await core.loadReviewQueue(client, { eids, signOffKey: SIGN_OFF_KEY, kind: 'task' })).sessions.filter((s) => s.session).length),
      await timed(`findPendingSessions (the due ones of the whole Alyx, limit ${QUEUE_SESSIONS})`, async () => (await core.findPendingSessions(client, { signOffKey: SIGN_OFF_KEY, limit: QUEUE_SESSIONS })).length),
    ];
  } finally {
    await proxy.stop();
    await alyx.stop();
  }
}

async function queueBatch(core: QueueCore, stateModule: QueueStateModule, alyx: BenchAlyx, label: string): Promise<QueueBatchFigures> {
  const eids = await newSessions(alyx, QUEUE_SESSIONS);
  const statuses = new Map<number, number>();
  const client = await AlyxClient.login(alyx.baseUrl, { username: alyx.username, password: alyx.password }, { transport: countingTransport(statuses) });
  const data = await core.loadReviewQueue(client, { eids, signOffKey: SIGN_OFF_KEY, kind: 'task' });
  const state = new stateModule.ReviewQueueState(data, core.queueWriter(client, data));
  const before = client.requestCount;
  const throttledBefore = statuses.get(429) ?? 0;
  const started = performance.now();
  const summary = await state.signOffRemaining();
  const seconds = (performance.now() - started) / 1000;
  const failed = state.items.find((item) => item.status.status === 'failed');
  return {
    label,
    seconds,
    sessionsPerSecond: QUEUE_SESSIONS / seconds,
    requests: client.requestCount - before,
    throttled: (statuses.get(429) ?? 0) - throttledBefore,
    failures: summary.failed + (QUEUE_SESSIONS - summary.signedOff - summary.failed),
    ...(failed && failed.status.status === 'failed' ? { firstFailure: failed.status.message } : {}),
  };
}

async function ibllibLoop(alyx: BenchAlyx, label: string): Promise<QueueBatchFigures> {
  const eids = await newSessions(alyx, QUEUE_SESSIONS);
  try {
    const result = await runIbllib('batch-sign-off-no-note', { baseUrl: alyx.baseUrl, username: alyx.username, password: alyx.password, uuids: eids, signOffKey: SIGN_OFF_KEY });
    const seconds = result.total_ms / 1000;
    return {
      label,
      seconds,
      sessionsPerSecond: QUEUE_SESSIONS / seconds,
      requests: result.runs.reduce((sum, run) => sum + run.requests, 0),
      throttled: result.statuses['429'] ?? 0,
      failures: result.failures.length,
      ...(result.failures[0] ? { firstFailure: result.failures[0].error } : {}),
    };
  } catch (error) {
    const why = (error as Error).message.split('\n')[0] ?? String(error);
    return { label, seconds: Number.NaN, sessionsPerSecond: Number.NaN, requests: 0, throttled: 0, failures: QUEUE_SESSIONS, firstFailure: why };
  }
}

async function withAlyx<T>(throttle: string | undefined, body: (alyx: BenchAlyx) => Promise<T>): Promise<T> {
  const alyx = await startBenchAlyx(throttle ? { throttle } : {});
  try {
    return await body(alyx);
  } finally {
    await alyx.stop();
  }
}

export async function measureQueueCore(options: { runs?: number; log?: (line: string) => void; batches?: boolean } = {}): Promise<QueueCoreResult> {
  const runs = options.runs ?? 5;
  const log = options.log ?? (() => {});
  const core: QueueCore = await import('../js/core/review-queue.ts');
  const stateModule: QueueStateModule = await import('../js/core/review-queue-state.ts');
  const status = await measureStatus(core, runs, log);
  if (options.batches === false) return { sessions: QUEUE_SESSIONS, latencyMs: LATENCY_MS, status, unthrottled: [], throttled: [], throttle: THROTTLE };
  log(`queue: "all remaining" for ${QUEUE_SESSIONS} sessions, throttle off`);
  const unthrottled = await withAlyx(undefined, async (alyx) => [await queueBatch(core, stateModule, alyx, 'alyx-qc queue, "all remaining"'), await ibllibLoop(alyx, 'ibllib, sign_off() in a loop')]);
  let throttled: QueueBatchFigures[] = [];
  if (!externalAlyxUrl()) {
    log(`queue: "all remaining" for ${QUEUE_SESSIONS} sessions, throttle ${THROTTLE}`);
    throttled = await withAlyx(THROTTLE, async (alyx) => [await queueBatch(core, stateModule, alyx, 'alyx-qc queue, "all remaining"'), await ibllibLoop(alyx, 'ibllib, sign_off() in a loop')]);
  }
  return { sessions: QUEUE_SESSIONS, latencyMs: LATENCY_MS, status, unthrottled, throttled, throttle: THROTTLE };
}
