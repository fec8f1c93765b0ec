/**
 * Measure 4: batch. A lab signing off 200 sessions (one key each, with a note): the core with
 * bounded concurrency against ibllib's sequential loop, on the development Alyx directly (no added
 * latency) with throttling off; then both again with the server's per-user throttle on, at a rate
 * that forces 429s, to show that they are absorbed (retried after `Retry-After`) with no failures.
 *
 * Sessions are created beforehand by the fixture's admin; the timing covers the sign-offs only.
 * Against an Alyx given by environment (`bench-alyx.ts`) the throttled run is left out: that
 * server is not restarted, its own throttle (if any) shows in the first table.
 */
import { AlyxClient } from '../js/core/client.ts';
import { signOff } from '../js/core/sign-off.ts';
import { fetchTransport, type Transport } from '../js/core/transport.ts';
import { externalAlyxUrl, startBenchAlyx, type BenchAlyx } from './bench-alyx.ts';
import { runIbllib } from './ibllib.ts';
import { mapLimit } from './stats.ts';
import { SIGN_OFF_KEY } from './workflows.ts';

export const SESSIONS = 200;
export const CONCURRENCY = 8;
export const THROTTLE = '20/second';

export interface BatchFigures {
  readonly label: string;
  readonly sessions: number;
  readonly seconds: number;
  readonly sessionsPerSecond: number;
  readonly requests: number;
  /** 429 answers received (and retried). */
  readonly throttled: number;
  readonly failures: number;
  readonly firstFailure?: string;
}

export interface BatchResult {
  readonly sessions: number;
  readonly concurrency: number;
  readonly throttle: string;
  readonly unthrottled: BatchFigures[];
  readonly throttled: BatchFigures[];
  readonly alyx: string;
}

/** A transport that counts the statuses it sees, to report the 429s the client absorbed. */
function countingTransport(statuses: Map<number, number>): Transport {
  const inner = fetchTransport();
  return async (request) => {
    const response = await inner(request);
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    return response;
  };
}

async function newSessions(fixture: BenchAlyx, count: number): Promise<string[]> {
  // The admin's own requests; a few in flight so that preparing 200 sessions stays short.
  return mapLimit(Array.from({ length: count }), 4, () => fixture.newSession());
}

async function alyxQcBatch(fixture: BenchAlyx, label: string, verify: boolean): Promise<BatchFigures> {
  const eids = await newSessions(fixture, SESSIONS);
  const statuses = new Map<number, number>();
  const client = await AlyxClient.login(fixture.baseUrl, { username: fixture.username, password: fixture.password }, { transport: countingTransport(statuses) });
  const before = client.requestCount;
  const errors: string[] = [];
  const started = performance.now();
  await mapLimit(eids, CONCURRENCY, async (eid) => {
    try {
      const result = await signOff(client, { eid, signOffKey: SIGN_OFF_KEY, kind: 'task', nums: '1', other: 'batch sign-off', withNote: true, verify });
      if (result.status !== 'written') errors.push(`${eid}: ${result.status}`);
    } catch (error) {
      errors.push(`${eid}: ${(error as Error).message}`);
    }
  });
  const seconds = (performance.now() - started) / 1000;
  return {
    label,
    sessions: SESSIONS,
    seconds,
    sessionsPerSecond: SESSIONS / seconds,
    requests: client.requestCount - before,
    throttled: statuses.get(429) ?? 0,
    failures: errors.length,
    ...(errors[0] ? { firstFailure: errors[0] } : {}),
  };
}

async function ibllibBatch(fixture: BenchAlyx, label: string): Promise<BatchFigures> {
  const eids = await newSessions(fixture, SESSIONS);
  try {
    const result = await runIbllib('batch-sign-off', { baseUrl: fixture.baseUrl, username: fixture.username, password: fixture.password, uuids: eids, signOffKey: SIGN_OFF_KEY });
    const seconds = result.total_ms / 1000;
    return {
      label,
      sessions: SESSIONS,
      seconds,
      sessionsPerSecond: SESSIONS / seconds,
      requests: result.runs.reduce((sum, run) => sum + run.requests, 0),
      throttled: result.statuses['429'] ?? 0,
      failures: result.failures.length,
      ...(result.failures[0] ? { firstFailure: result.failures[0].error } : {}),
    };
  } catch (error) {
    const why = (error as Error).message.split('\n')[0] ?? String(error);
    return { label, sessions: SESSIONS, seconds: Number.NaN, sessionsPerSecond: Number.NaN, requests: 0, throttled: 0, failures: SESSIONS, firstFailure: why };
  }
}

async function withServer<T>(throttle: string | undefined, body: (fixture: BenchAlyx) => Promise<T>): Promise<T> {
  const fixture = await startBenchAlyx(throttle ? { throttle } : {});
  try {
    return await body(fixture);
  } finally {
    await fixture.stop();
  }
}

export async function measureBatch(options: { log?: (line: string) => void } = {}): Promise<BatchResult> {
  const log = options.log ?? (() => {});
  const concurrent = `alyx-qc core, ${CONCURRENCY} at a time`;
  log('batch: throttle off');
  let alyx = '';
  const unthrottled = await withServer(undefined, async (fixture) => {
    alyx = fixture.description;
    return [
      await alyxQcBatch(fixture, `${concurrent}, verify: true`, true),
      await alyxQcBatch(fixture, `${concurrent}, verify: false`, false),
      await ibllibBatch(fixture, 'ibllib, sequential loop'),
    ];
  });
  if (externalAlyxUrl()) return { sessions: SESSIONS, concurrency: CONCURRENCY, throttle: THROTTLE, unthrottled, throttled: [], alyx };
  log(`batch: throttle ${THROTTLE}`);
  const throttled = await withServer(THROTTLE, async (fixture) => [
    await alyxQcBatch(fixture, `${concurrent}, verify: true`, true),
    await ibllibBatch(fixture, 'ibllib, sequential loop'),
  ]);
  return { sessions: SESSIONS, concurrency: CONCURRENCY, throttle: THROTTLE, unthrottled, throttled, alyx };
}
