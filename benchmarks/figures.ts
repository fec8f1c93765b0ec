/**
 * Measure: what a figure adds to a sign-off (issue #16). The same sign-off with a note, without
 * and with a 200 KB PNG (pseudo-random pixels, so it does not compress), against the Alyx of
 * `bench-alyx.ts` behind the proxy adding 50 ms per request: wall time, requests, and the bytes
 * of the request bodies sent (a multipart body measured as it is serialised).
 *
 * The figure goes with the sign-off: `signOff(..., { image: await noteFigure(png) })`, which
 * writes the figure note (a look-up for one already written, then the multipart POST) before the
 * verdict.
 */
import { startFaultProxy } from '../dev/fault-proxy/proxy.ts';
import { AlyxClient } from '../js/core/client.ts';
import type { FigureAttachment } from '../js/core/figure-note.ts';
import { noteFigure } from '../js/core/note-image.ts';
import { samplePng } from '../js/core/note-image-samples.ts';
import { signOff } from '../js/core/sign-off.ts';
import { fetchTransport, type Transport } from '../js/core/transport.ts';
import { startBenchAlyx } from './bench-alyx.ts';
import { LATENCY_MS } from './round-trips.ts';
import { median } from './stats.ts';
import { OTHER, prepare, SIGN_OFF_KEY } from './workflows.ts';

/** 264 × 258 RGB of noise: a PNG of about 200 KB. */
const PNG_WIDTH = 264;
const PNG_HEIGHT = 258;

export interface FigureRun {
  readonly medianMs: number;
  readonly requests: number;
  /** Bytes of the request bodies (JSON text, or the multipart body). */
  readonly bytesSent: number;
  readonly failures: number;
}

export interface FigureResult {
  readonly latencyMs: number;
  readonly runs: number;
  readonly pngBytes: number;
  readonly without: FigureRun;
  readonly with: FigureRun;
}

async function bodyBytes(body: string | FormData | undefined): Promise<number> {
  if (body === undefined) return 0;
  if (typeof body === 'string') return Buffer.byteLength(body);
  return (await new Response(body).arrayBuffer()).byteLength;
}

interface Counter {
  bytes: number;
  requests: number;
  multipart: number;
}

function countingTransport(counter: Counter): Transport {
  const inner = fetchTransport();
  return async (request) => {
    counter.requests++;
    if (request.body instanceof FormData) counter.multipart++;
    counter.bytes += await bodyBytes(request.body);
    return inner(request);
  };
}

export async function measureFigures(options: { runs?: number; log?: (line: string) => void } = {}): Promise<FigureResult> {
  const runs = options.runs ?? 10;
  const log = options.log ?? (() => {});
  const png = samplePng(PNG_WIDTH, PNG_HEIGHT, 17);
  const image: FigureAttachment = await noteFigure(png, 'image/png');
  const alyx = await startBenchAlyx();
  const proxy = await startFaultProxy({ target: alyx.baseUrl, latencyMs: LATENCY_MS });
  try {
    const counter: Counter = { bytes: 0, requests: 0, multipart: 0 };
    const client = await AlyxClient.login(proxy.baseUrl, { username: alyx.username, password: alyx.password }, { transport: countingTransport(counter) });
    const measure = async (withFigure: boolean): Promise<FigureRun> => {
      log(`figures: sign-off ${withFigure ? 'with' : 'without'} a ${(png.length / 1024).toFixed(0)} KB PNG`);
      const times: number[] = [];
      const requests: number[] = [];
      const bytes: number[] = [];
      let failures = 0;
      for (const [index, eid] of (await prepare(alyx, 'sign-off-new', runs + 1)).entries()) {
        Object.assign(counter, { bytes: 0, requests: 0, multipart: 0 });
        const started = performance.now();
        try {
          const result = await signOff(client, { eid, signOffKey: SIGN_OFF_KEY, kind: 'task', nums: '1', other: OTHER, withNote: true, ...(withFigure ? { image } : {}) });
          if (result.status !== 'written') throw new Error(`not written: ${result.status}`);
          if (withFigure && counter.multipart !== 1) throw new Error(`${counter.multipart} multipart requests sent, not 1`);
        } catch (error) {
          failures++;
          log(`  failure: ${(error as Error).message}`);
        }
        // The first run warms connections and Django's caches.
        if (index > 0) {
          times.push(performance.now() - started);
          requests.push(counter.requests);
          bytes.push(counter.bytes);
        }
      }
      return { medianMs: median(times), requests: median(requests), bytesSent: median(bytes), failures };
    };
    const without = await measure(false);
    const withFigure = await measure(true);
    return { latencyMs: LATENCY_MS, runs, pngBytes: png.length, without, with: withFigure };
  } finally {
    await proxy.stop();
    await alyx.stop();
  }
}
