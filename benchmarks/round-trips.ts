/**
 * Measure 3: round trips. Each workflow's wall time and request count for alyx-qc and for ibllib,
 * against the development Alyx behind the fault proxy adding 50 ms to every request, so that
 * wall time shows how many round trips a reviewer waits for (≈ wall ÷ 50 ms).
 *
 * Every run works on a session of its own, created directly on the server (not through the proxy)
 * beforehand; "overwrite" sessions get a critical note first, also directly. Logins are outside the
 * timing for both. Both sides log in as `reviewer2` (see ibllib_driver.py for why not `test_user`).
 */
import { AlyxClient } from '../js/core/client.ts';
import { signOff } from '../js/core/sign-off.ts';
import { writeCriticalNote } from '../js/core/critical-note.ts';
import { fetchTransport, type Transport } from '../js/core/transport.ts';
import { startFaultProxy } from '../dev/fault-proxy/proxy.ts';
import { AlyxFixture, PASSWORD } from '../tests/support/alyx-fixture.ts';
import { runIbllib, type IbllibWorkflow } from './ibllib.ts';
import { mapLimit, median, p90 } from './stats.ts';

export const LATENCY_MS = 50;
export const USER = 'reviewer2';
export const SIGN_OFF_KEY = '_ephysChoiceWorld_00';

export type WorkflowId = 'critical-new' | 'critical-overwrite' | 'sign-off-verify' | 'sign-off-no-verify';

export interface WorkflowFigures {
  /** Median and p90 wall time of one workflow, ms. */
  readonly medianMs: number;
  readonly p90Ms: number;
  /** Requests of one run (the median; they do not vary between runs). */
  readonly requests: number;
  /**
   * Sequential round trips: the longest chain of requests each sent after the previous one's
   * answer (requests sent together count once). Unlike wall ÷ latency it does not grow when the
   * machine is busy. ibllib sends one request at a time, so its chain is its request count.
   */
  readonly sequential: number;
  readonly failures: number;
}

export interface RoundTripRow {
  readonly workflow: WorkflowId;
  readonly label: string;
  readonly alyxQc: WorkflowFigures;
  /** The same workflow in ibllib (both sign-off rows compare with ibllib's one sign-off). */
  readonly ibllib: WorkflowFigures | { readonly error: string };
}

export interface RoundTripResult {
  readonly latencyMs: number;
  readonly runs: number;
  readonly rows: RoundTripRow[];
}

const LABELS: Record<WorkflowId, string> = {
  'critical-new': 'critical note, new',
  'critical-overwrite': 'critical note, overwrite 1',
  'sign-off-verify': 'sign-off with note (verify: true)',
  'sign-off-no-verify': 'sign-off with note (verify: false)',
};

interface Sample {
  readonly ms: number;
  readonly requests: number;
  readonly sequential?: number;
}

function figures(samples: readonly Sample[], failures: number): WorkflowFigures {
  return {
    medianMs: median(samples.map((s) => s.ms)),
    p90Ms: p90(samples.map((s) => s.ms)),
    requests: median(samples.map((s) => s.requests)),
    sequential: median(samples.map((s) => s.sequential ?? s.requests)),
    failures,
  };
}

interface Span {
  readonly start: number;
  end: number;
}

/** A transport that records when each request left and when its answer came back. */
function timingTransport(spans: Span[]): Transport {
  const inner = fetchTransport();
  return async (request) => {
    const span: Span = { start: performance.now(), end: Number.POSITIVE_INFINITY };
    spans.push(span);
    try {
      return await inner(request);
    } finally {
      span.end = performance.now();
    }
  };
}

/** The longest chain of requests in which each was sent after the previous one was answered. */
export function sequentialRoundTrips(spans: readonly Span[]): number {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const depth: number[] = [];
  sorted.forEach((span, i) => {
    let best = 0;
    for (let j = 0; j < i; j++) if ((sorted[j] as Span).end <= span.start) best = Math.max(best, depth[j] as number);
    depth.push(best + 1);
  });
  return Math.max(0, ...depth);
}

async function alyxQcRun(workflow: WorkflowId, client: AlyxClient, uuid: string): Promise<void> {
  const other = 'benchmark: other reason';
  if (workflow === 'critical-new' || workflow === 'critical-overwrite') {
    const result = await writeCriticalNote(client, { uuid, nums: '0,2,4', other, overwrite: workflow === 'critical-overwrite' });
    if (result.status !== 'written') throw new Error(`critical note not written: ${result.status}`);
  } else {
    const result = await signOff(client, { eid: uuid, signOffKey: SIGN_OFF_KEY, kind: 'task', nums: '1', other, withNote: true, verify: workflow === 'sign-off-verify' });
    if (result.status !== 'written') throw new Error(`sign-off not written: ${result.status}`);
  }
}

/** Sessions for `count` runs, with a critical note already on them for the overwrite workflow. */
async function prepare(fixture: AlyxFixture, direct: AlyxClient, workflow: WorkflowId, count: number): Promise<string[]> {
  return mapLimit(Array.from({ length: count }), 4, async () => {
    const eid = await fixture.newSession();
    if (workflow === 'critical-overwrite') await writeCriticalNote(direct, { uuid: eid, nums: '1', other: 'the note to overwrite' });
    return eid;
  });
}

export async function measureRoundTrips(options: { runs?: number; log?: (line: string) => void } = {}): Promise<RoundTripResult> {
  const runs = options.runs ?? 15;
  const log = options.log ?? (() => {});
  const fixture = await AlyxFixture.start();
  const proxy = await startFaultProxy({ target: fixture.baseUrl, latencyMs: LATENCY_MS });
  try {
    const direct = await fixture.login(USER);
    const spans: Span[] = [];
    const client = await AlyxClient.login(proxy.baseUrl, { username: USER, password: PASSWORD }, { transport: timingTransport(spans) });
    const rows: RoundTripRow[] = [];
    const workflows: WorkflowId[] = ['critical-new', 'critical-overwrite', 'sign-off-verify', 'sign-off-no-verify'];
    let ibllibSignOff: RoundTripRow['ibllib'] | undefined;
    for (const workflow of workflows) {
      log(`round trips: ${LABELS[workflow]}`);
      // One extra session: the first run of each side warms connections and Django's caches.
      const ours = await prepare(fixture, direct, workflow, runs + 1);
      const samples: Sample[] = [];
      let failures = 0;
      for (const [index, eid] of ours.entries()) {
        const before = client.requestCount;
        const proxied = proxy.log.length;
        spans.length = 0;
        const started = performance.now();
        try {
          await alyxQcRun(workflow, client, eid);
        } catch (error) {
          failures++;
          log(`  alyx-qc failure: ${(error as Error).message}`);
        }
        const ms = performance.now() - started;
        if (client.requestCount - before !== proxy.log.length - proxied) {
          log(`  note: client counted ${client.requestCount - before} requests, the proxy ${proxy.log.length - proxied}`);
        }
        if (index > 0) samples.push({ ms, requests: proxy.log.length - proxied, sequential: sequentialRoundTrips(spans) });
      }

      let ibllib: RoundTripRow['ibllib'];
      if (workflow === 'sign-off-no-verify' && ibllibSignOff) {
        ibllib = ibllibSignOff;
      } else {
        const ibllibWorkflow: IbllibWorkflow = workflow === 'critical-new' || workflow === 'critical-overwrite' ? workflow : 'sign-off';
        const theirs = await prepare(fixture, direct, workflow, runs + 1);
        try {
          const result = await runIbllib(ibllibWorkflow, { baseUrl: proxy.baseUrl, username: USER, password: PASSWORD, uuids: theirs, signOffKey: SIGN_OFF_KEY });
          ibllib = figures(result.runs.slice(1), result.failures.length);
          for (const failure of result.failures.slice(0, 3)) log(`  ibllib failure: ${failure.error}`);
        } catch (error) {
          ibllib = { error: (error as Error).message.split('\n')[0] ?? String(error) };
        }
        if (workflow === 'sign-off-verify') ibllibSignOff = ibllib;
      }
      rows.push({ workflow, label: LABELS[workflow], alyxQc: figures(samples, failures), ibllib });
    }
    return { latencyMs: LATENCY_MS, runs, rows };
  } finally {
    await proxy.stop();
    await fixture.stop();
  }
}
