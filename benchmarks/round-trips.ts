/**
 * Measure 3: round trips. Each workflow's wall time and requests for alyx-qc's core and for
 * ibllib, against the Alyx of `bench-alyx.ts` behind the fault proxy adding 50 ms to every
 * request, so that wall time shows how many round trips a reviewer waits for (≈ wall ÷ 50 ms).
 *
 * A sign-off has two times: "written", when both writes are answered and the panel says so, and
 * "verified", when the read-back of the checklist is done (what Python's `submit()` and the CLI
 * wait for). ibllib has no read-back: its one time is both.
 *
 * Every run works on a session of its own, set up directly on the server (not through the proxy)
 * beforehand (see `workflows.ts`). Logins are outside the timing for both.
 */
import { AlyxClient } from '../js/core/client.ts';
import { fetchTransport, type Transport } from '../js/core/transport.ts';
import { startFaultProxy } from '../dev/fault-proxy/proxy.ts';
import { startBenchAlyx } from './bench-alyx.ts';
import { runIbllib } from './ibllib.ts';
import { median, p90 } from './stats.ts';
import { IBLLIB_WORKFLOW, LABELS, prepare, runCore, SIGN_OFF_KEY, WORKFLOWS, type CoreTiming, type WorkflowId } from './workflows.ts';

export const LATENCY_MS = 50;

export interface WorkflowFigures {
  /** Median and p90 wall time until the workflow's promise resolved (verified), ms. */
  readonly medianMs: number;
  readonly p90Ms: number;
  /** Median time until the writes were answered (what the reviewer waits for), ms; NaN if not reported. */
  readonly writtenMs: number;
  /** Requests of one run (the median; they do not vary between runs). */
  readonly requests: number;
  /** Each request of the last run, `METHOD /path` (queries cut), in the order sent. */
  readonly calls: readonly string[];
  /**
   * Sequential round trips: the longest chain of requests each sent after the previous one's
   * answer (requests sent together count once). Unlike wall ÷ latency it does not grow when the
   * machine is busy. ibllib sends one request at a time, so its chain is its request count.
   */
  readonly sequential: number;
  /** The same, of the requests sent before "written". */
  readonly sequentialWritten: number;
  readonly failures: number;
}

export interface RoundTripRow {
  readonly workflow: WorkflowId;
  readonly label: string;
  readonly alyxQc: WorkflowFigures;
  readonly ibllib: WorkflowFigures | { readonly error: string };
}

export interface RoundTripResult {
  readonly latencyMs: number;
  readonly runs: number;
  readonly alyx: string;
  readonly rows: RoundTripRow[];
}

interface Sample {
  readonly ms: number;
  readonly writtenMs?: number;
  readonly requests: number;
  readonly calls: readonly string[];
  readonly sequential?: number;
  readonly sequentialWritten?: number;
}

function figures(samples: readonly Sample[], failures: number): WorkflowFigures {
  const written = samples.map((s) => s.writtenMs ?? Number.NaN).filter(Number.isFinite);
  return {
    medianMs: median(samples.map((s) => s.ms)),
    p90Ms: p90(samples.map((s) => s.ms)),
    writtenMs: written.length === samples.length && written.length > 0 ? median(written) : Number.NaN,
    requests: median(samples.map((s) => s.requests)),
    calls: samples.at(-1)?.calls ?? [],
    sequential: median(samples.map((s) => s.sequential ?? s.requests)),
    sequentialWritten: median(samples.map((s) => s.sequentialWritten ?? s.sequential ?? s.requests)),
    failures,
  };
}

/** `GET /notes?django=…` → `GET /notes`: the shape of a request, for the tables. */
export function callShape(call: string): string {
  return call.replace(/\?.*$/, '').replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '{id}');
}

export interface Span {
  readonly start: number;
  end: number;
}

/** A transport that records when each request left and when its answer came back. */
export function timingTransport(spans: Span[]): Transport {
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

export async function measureRoundTrips(options: { runs?: number; log?: (line: string) => void } = {}): Promise<RoundTripResult> {
  const runs = options.runs ?? 15;
  const log = options.log ?? (() => {});
  const alyx = await startBenchAlyx();
  const proxy = await startFaultProxy({ target: alyx.baseUrl, latencyMs: LATENCY_MS });
  try {
    const spans: Span[] = [];
    const client = await AlyxClient.login(proxy.baseUrl, { username: alyx.username, password: alyx.password }, { transport: timingTransport(spans) });
    const rows: RoundTripRow[] = [];
    for (const workflow of WORKFLOWS) {
      log(`round trips: ${LABELS[workflow]}`);
      // One extra session: the first run of each side warms connections and Django's caches.
      const ours = await prepare(alyx, workflow, runs + 1);
      const samples: Sample[] = [];
      let failures = 0;
      for (const [index, eid] of ours.entries()) {
        const proxied = proxy.log.length;
        spans.length = 0;
        const timing: CoreTiming = {};
        const started = performance.now();
        try {
          await runCore(client, workflow, eid, timing);
        } catch (error) {
          failures++;
          log(`  alyx-qc failure: ${(error as Error).message}`);
        }
        const ended = performance.now();
        // Requests still in flight (none expected) land in the log after settling.
        await proxy.settled();
        const calls = proxy.log.slice(proxied).map((entry) => `${entry.method} ${entry.path}`);
        const writtenAt = timing.writtenAt;
        if (index > 0) {
          samples.push({
            ms: ended - started,
            ...(writtenAt === undefined ? {} : { writtenMs: writtenAt - started, sequentialWritten: sequentialRoundTrips(spans.filter((span) => span.start < writtenAt)) }),
            requests: calls.length,
            calls,
            sequential: sequentialRoundTrips(spans),
          });
        }
      }

      let ibllib: RoundTripRow['ibllib'];
      const theirs = await prepare(alyx, workflow, runs + 1);
      try {
        const result = await runIbllib(IBLLIB_WORKFLOW[workflow], { baseUrl: proxy.baseUrl, username: alyx.username, password: alyx.password, uuids: theirs, signOffKey: SIGN_OFF_KEY });
        const measured = result.runs.slice(1).map((run) => ({ ms: run.ms, writtenMs: run.ms, requests: run.requests, calls: run.calls }));
        ibllib = figures(measured, result.failures.length);
        for (const failure of result.failures.slice(0, 3)) log(`  ibllib failure: ${failure.error}`);
      } catch (error) {
        ibllib = { error: (error as Error).message.split('\n')[0] ?? String(error) };
      }
      rows.push({ workflow, label: LABELS[workflow], alyxQc: figures(samples, failures), ibllib });
    }
    return { latencyMs: LATENCY_MS, runs, alyx: alyx.description, rows };
  } finally {
    await proxy.stop();
    await alyx.stop();
  }
}
