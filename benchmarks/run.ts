/**
 * `npm run bench`: every measure of issues #8 and #17, one report on stdout, the figures written
 * into `docs/benchmarks.md` (between its results markers). Exits non-zero when a bundle is over
 * its gzip budget (or missing), the time to interactive is over budget, or a measure could not
 * run. Rows that send more requests than ibllib are flagged in the report, not failed.
 *
 *   npm run bench                      all measures (12–21 minutes on 2 shared cores, with the load)
 *   npm run bench -- --only=size,tti   some of them: size, tti, round-trips, requests, batch, queue, figures
 *   npm run bench -- --no-write        do not touch docs/benchmarks.md
 *
 * Against another Alyx: set `ALYX_QC_TEST_URL` and its credentials as for the test suites
 * (`tests/support/alyx-fixture.ts`); round trips, requests and batch then run against it.
 *
 * First runs `benchmarks/setup.sh`, which installs ibllib into the venv when it is missing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureBatch, type BatchFigures, type BatchResult } from './batch.ts';
import { measureBundleSize, type BundleSizeResult } from './bundle-size.ts';
import { ibllibVersions } from './ibllib.ts';
import { describeMachine, loadAverage, type Machine } from './machine.ts';
import { measureCliRequests } from './cli-requests.ts';
import { measureFigures, type FigureResult } from './figures.ts';
import { measureQueueBrowser, type QueueBrowserResult } from './queue-browser.ts';
import { measureQueueCore, type QueueBatchFigures, type QueueCoreResult } from './queue-core.ts';
import { requestsSection } from './requests-table.ts';
import { measureRoundTrips, type RoundTripResult, type WorkflowFigures } from './round-trips.ts';
import { measureWidgetRequests } from './widget-requests.ts';
import { kb, ms, ratio, table } from './stats.ts';
import { measureTimeToInteractive, TTI_BUDGET_MS, type TtiResult } from './time-to-interactive.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DOC = path.join(REPO, 'docs', 'benchmarks.md');
const START = '<!-- results:start (written by `npm run bench`) -->';
const END = '<!-- results:end -->';
const MEASURES = ['size', 'tti', 'round-trips', 'requests', 'batch', 'queue', 'figures'] as const;
type Measure = (typeof MEASURES)[number];

function parseArgs(argv: readonly string[]): { only: Set<Measure>; write: boolean } {
  let only = new Set<Measure>(MEASURES);
  let write = true;
  for (const arg of argv) {
    if (arg === '--no-write') write = false;
    else if (arg.startsWith('--only=')) {
      const names = arg.slice('--only='.length).split(',').filter(Boolean);
      const unknown = names.filter((name) => !(MEASURES as readonly string[]).includes(name));
      if (unknown.length > 0) throw new TypeError(`[alyx-qc] unknown measure(s) ${unknown.join(', ')}: use ${MEASURES.join(', ')}`);
      only = new Set(names as Measure[]);
    } else {
      throw new TypeError(`[alyx-qc] unknown option ${arg}: use --only=${MEASURES.join(',')} or --no-write`);
    }
  }
  return { only, write };
}

const log = (line: string): void => console.error(`[bench] ${line}`);

function setupIbllib(): string | undefined {
  try {
    execFileSync('bash', [path.join(REPO, 'benchmarks', 'setup.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
    return undefined;
  } catch (error) {
    return (error as Error).message.split('\n')[0];
  }
}

// ---- report sections ---------------------------------------------------------------------------

function machineSection(machine: Machine, versions: Awaited<ReturnType<typeof ibllibVersions>>, loads: readonly string[]): string {
  const ibl = 'error' in versions ? `not available (${versions.error})` : `ibllib ${versions.ibllib}, ONE-api ${versions.one}`;
  return [
    `Measured ${machine.date} on ${machine.cpus} CPU(s), ${machine.cpuModel}, ${machine.memory} RAM, ${machine.os};`,
    `Node ${machine.node}, ${machine.python}, ${machine.chromium}; ${ibl}.`,
    `Load average (1, 5, 15 min; the cores are shared with other engineers' test runs): ${loads.join(' → ')}, at the start and after each measure.`,
  ].join('\n');
}

function sizeSection(result: BundleSizeResult): string {
  const rows = result.figures.map((f) => [f.name, kb(f.minified), kb(f.gzip), kb(f.brotli), `≤ ${kb(f.budgetGzip)}`, f.withinBudget ? 'ok' : 'OVER']);
  for (const missing of result.missing) rows.push([missing.name, '—', '—', '—', '—', `MISSING: ${missing.why}`]);
  for (const later of result.notYetBuilt) rows.push([later.name, '—', '—', '—', `≤ ${kb(later.budgetGzip)}`, `not built: ${later.why}`]);
  const parts = result.figures.flatMap((f) => f.parts.map((p) => [f.name.split(' (')[0], p.part, String(p.modules), kb(p.minified), kb(p.gzip)]));
  return [
    table(['bundle', 'minified', 'gzip', 'brotli', 'budget (gzip)', 'verdict'], rows),
    '',
    'What each bundle is made of, each part minified and gzipped on its own (the parts add up to more than the bundle: what they share compresses once):',
    '',
    table(['bundle', 'part', 'modules', 'minified', 'gzip'], parts),
  ].join('\n');
}

function ttiSection(result: TtiResult): string {
  return table(
    ['video sign-off panel (7 reasons)', 'value'],
    [
      [`median of ${result.runs} renders (after ${result.warmup} warm-up)`, `${ms(result.medianMs)} (budget ≤ ${TTI_BUDGET_MS} ms: ${result.withinBudget ? 'ok' : 'OVER'})`],
      ['p90', ms(result.p90Ms)],
      ['min / max', `${ms(result.minMs)} / ${ms(result.maxMs)}`],
      ['first render in a fresh page (cold)', ms(result.coldMs)],
      ['import() of signoff.js (parse + evaluate)', ms(result.importMs)],
    ],
  );
}

function isFigures(value: WorkflowFigures | { error: string }): value is WorkflowFigures {
  return 'medianMs' in value;
}

function roundTripSection(result: RoundTripResult): string {
  const rt = (value: number): string => (Number.isFinite(value) ? (value / result.latencyMs).toFixed(1) : '—');
  const wall = (at: number): string => `${ms(at)} (${rt(at)})`;
  const rows = result.rows.map((row) => {
    const ours = row.alyxQc;
    const theirs = row.ibllib;
    const ibl = isFigures(theirs)
      ? [wall(theirs.medianMs), String(theirs.requests), ratio(theirs.medianMs, ours.writtenMs), ratio(theirs.medianMs, ours.medianMs)]
      : [`n/a: ${theirs.error}`, '—', '—', '—'];
    const failures = ours.failures + (isFigures(theirs) ? theirs.failures : 0);
    return [row.label, wall(ours.writtenMs), wall(ours.medianMs), `${ours.sequentialWritten} / ${ours.sequential}`, String(ours.requests), ...ibl, String(failures)];
  });
  return [
    `Against ${result.alyx}. Times are medians of ${result.runs} runs, with the round trips they make (÷ ${result.latencyMs} ms) in brackets; *sequential* is the longest chain of requests each sent after the previous one's answer, until written / until verified.`,
    '',
    table(['workflow', 'alyx-qc written', 'alyx-qc verified', 'sequential', 'requests', 'ibllib', 'requests', 'ibllib ÷ alyx-qc written', 'ibllib ÷ alyx-qc verified', 'failures'], rows),
  ].join('\n');
}

function batchRows(rows: readonly BatchFigures[]): string[][] {
  return rows.map((f) => [f.label, Number.isFinite(f.seconds) ? `${f.seconds.toFixed(2)} s` : 'n/a', Number.isFinite(f.sessionsPerSecond) ? f.sessionsPerSecond.toFixed(1) : 'n/a', String(f.requests), String(f.throttled), f.failures === 0 ? '0' : `${f.failures} (${f.firstFailure ?? ''})`]);
}

function batchSection(result: BatchResult): string {
  const header = ['run', 'wall', 'sessions/s', 'requests', '429s absorbed', 'failures'];
  const sps = (rows: readonly BatchFigures[], label: string): number => rows.find((r) => r.label.startsWith(label))?.sessionsPerSecond ?? Number.NaN;
  const ratioLine = (rows: readonly BatchFigures[]): string => {
    const ibl = sps(rows, 'ibllib');
    const ours = rows.filter((r) => r.label.startsWith('alyx-qc')).map((r) => `${r.label.replace(/^alyx-qc core, \d+ at a time, /, '')}: ${ratio(r.sessionsPerSecond, ibl)}`);
    return `alyx-qc / ibllib sessions per second: ${ours.join('; ')}`;
  };
  return [
    `${result.sessions} sessions, one key each with a note; alyx-qc ${result.concurrency} at a time, ibllib one after the other.`,
    '',
    '**Throttle off**',
    '',
    table(header, batchRows(result.unthrottled)),
    '',
    ratioLine(result.unthrottled),
    '',
    `**Throttle on** (\`${result.throttle}\` per user: over it Alyx answers 429 with \`Retry-After\`)`,
    '',
    table(header, batchRows(result.throttled)),
    '',
    ratioLine(result.throttled),
  ].join('\n');
}

function figuresSection(result: FigureResult): string {
  const row = (label: string, run: FigureResult['with']): string[] => [label, ms(run.medianMs), String(run.requests), kb(run.bytesSent), String(run.failures)];
  return [
    `A sign-off with a note, without and with a ${kb(result.pngBytes)} PNG (noise, so it does not compress), ${result.latencyMs} ms added per request, median of ${result.runs} runs; \`signOff(..., { image: await noteFigure(png) })\`.`,
    '',
    table(['sign-off', 'wall (verified)', 'requests', 'request bodies sent', 'failures'], [row('without a figure', result.without), row('with the PNG', result.with)]),
    '',
    `The figure adds ${ms(result.with.medianMs - result.without.medianMs)}, ${result.with.requests - result.without.requests} request(s) and ${kb(result.with.bytesSent - result.without.bytesSent)} sent (${ratio(result.with.medianMs, result.without.medianMs)} the time).`,
  ].join('\n');
}

function queueBatchRows(rows: readonly QueueBatchFigures[]): string[][] {
  return rows.map((f) => [f.label, Number.isFinite(f.seconds) ? `${f.seconds.toFixed(2)} s` : 'n/a', Number.isFinite(f.sessionsPerSecond) ? f.sessionsPerSecond.toFixed(1) : 'n/a', String(f.requests), String(f.throttled), f.failures === 0 ? '0' : `${f.failures} (${f.firstFailure ?? ''})`]);
}

function queueCoreSection(result: QueueCoreResult): string {
  const header = ['run', 'wall', 'sessions/s', 'requests', '429s absorbed', 'failures'];
  const ratioLine = (rows: readonly QueueBatchFigures[]): string => {
    const [ours, theirs] = rows;
    return ours && theirs ? `alyx-qc / ibllib sessions per second: ${ratio(ours.sessionsPerSecond, theirs.sessionsPerSecond)}` : '';
  };
  const parts = [
    `**Status of ${result.sessions} sessions** (${result.latencyMs} ms added per request, median of the runs after a warm-up):`,
    '',
    table(['look-up', 'sessions found', 'requests', 'wall'], result.status.map((s) => [s.label, String(s.found), String(s.requests), `${ms(s.medianMs)} (${(s.medianMs / result.latencyMs).toFixed(1)} round trips)`])),
    '',
    `**"All remaining" for ${result.sessions} sessions** (each signed off as fine: the checklist entry, no note), directly against the server; the queue at its default concurrency, ibllib one after the other. Throttle off:`,
    '',
    table(header, queueBatchRows(result.unthrottled)),
    '',
    ratioLine(result.unthrottled),
  ];
  if (result.throttled.length > 0) {
    parts.push('', `Throttle on (\`${result.throttle}\` per user):`, '', table(header, queueBatchRows(result.throttled)), '', ratioLine(result.throttled));
  } else {
    parts.push('', 'Throttle on: not run (an Alyx given by environment is not restarted with a throttle).');
  }
  return parts.join('\n');
}

/** "median 24 ms (16 to 32 ms)", or how many were painted within 16 ms. */
function paintedLine(enter: QueueBrowserResult['enter']): string {
  const values = [...enter.paintedSlower, ...Array<number>(enter.paintedWithin16).fill(0)].sort((a, b) => a - b);
  const median = values[Math.floor(values.length / 2)] ?? 0;
  const within = enter.paintedWithin16 ? `, ${enter.paintedWithin16} of ${enter.presses} within 16 ms` : '';
  return `median ${median === 0 ? 'under 16' : median} ms, from ${values[0] || '< 16'} to ${values.at(-1) || '< 16'} ms${within}`;
}

function queueBrowserSection(result: QueueBrowserResult): string {
  const { enter } = result;
  const failures = enter.failures.length ? `; failures: ${enter.failures.join('; ')}` : '';
  return [
    `**Enter to the next session shown** (Chromium, the \`ReviewQueue\` widget with a matplotlib \`plot(eid)\` made in the kernel; ${enter.presses} presses, each after 1 s of reading the plot):`,
    '',
    table(['from the keydown of Enter to', 'median', 'p90'], [
      ['the next session rendered (queue and sign-off panel updated)', ms(enter.renderedMedianMs), ms(enter.renderedP90Ms)],
      ['its plot decoded as well', ms(enter.shownMedianMs), ms(enter.shownP90Ms)],
    ]),
    '',
    `The browser's own figure, from the same key presses (Chromium's Event Timing: the keydown to the next frame painted after its handlers, in steps of 8 ms; it reports none under 16 ms): ${paintedLine(enter)}. The clock of the table stops in the task that handled the key (a MutationObserver on the queue), not after the tasks queued behind it.`,
    '',
    `Plots already there (prefetched) when the session was rendered: ${enter.prefetched} of ${enter.presses}. Requests to Alyx for the whole queue (load and ${enter.signedOff} sign-offs, every third with a reason): ${enter.requests}${failures}.`,
    '',
    '**Saved notebook bytes** (the widget state a notebook saves, module source included, and the outputs), N sessions reviewed:',
    '',
    table(['sessions', 'one ReviewQueue', 'N SignOff widgets', 'SignOffs ÷ queue'], result.saved.map((row) => [String(row.sessions), kb(row.queueBytes), kb(row.signOffBytes), ratio(row.signOffBytes, row.queueBytes)])),
  ].join('\n');
}

function writeDoc(results: string): void {
  const block = `${START}\n${results}\n${END}`;
  const current = existsSync(DOC) ? readFileSync(DOC, 'utf8') : `# Benchmarks\n\n${START}\n${END}\n`;
  const start = current.indexOf(START);
  const end = current.indexOf(END);
  const next = start >= 0 && end > start ? current.slice(0, start) + block + current.slice(end + END.length) : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(DOC, next);
}

// ---- main ----------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const { only, write } = parseArgs(process.argv.slice(2));
  const needsIbllib = only.has('round-trips') || only.has('requests') || only.has('batch') || only.has('queue');
  const setupError = needsIbllib ? setupIbllib() : undefined;
  if (setupError) log(`benchmarks/setup.sh failed (${setupError}); ibllib's side will be reported as n/a`);
  const versions = needsIbllib ? await ibllibVersions() : { error: 'not needed for the measures run' };
  const machine = describeMachine();
  const sections: string[] = [];
  const loads: string[] = [machine.load];
  const addSection = (text: string): void => {
    sections.push(text);
    loads.push(loadAverage());
  };
  const failures: string[] = [];

  if (only.has('size')) {
    log('bundle size');
    const size = await measureBundleSize(REPO);
    addSection(`## 1. Bundle size\n\n${sizeSection(size)}`);
    for (const f of size.figures) if (!f.withinBudget) failures.push(`${f.name} is ${kb(f.gzip)} gzipped, over its ${kb(f.budgetGzip)} budget`);
    for (const m of size.missing) failures.push(`${m.name} bundle missing: ${m.why}`);
  }
  if (only.has('tti')) {
    log('time to interactive');
    const tti = await measureTimeToInteractive(REPO);
    addSection(`## 2. Time to interactive\n\n${ttiSection(tti)}`);
    if (!tti.withinBudget) failures.push(`time to interactive median ${ms(tti.medianMs)} is over ${TTI_BUDGET_MS} ms`);
  }
  /** Runs one measure; a measure that throws is reported in its section and fails the run. */
  const attempt = async <T>(name: string, body: () => Promise<T>): Promise<T | { error: string }> => {
    try {
      return await body();
    } catch (error) {
      const why = (error as Error).message.split('\n')[0] ?? String(error);
      log(`${name} failed: ${(error as Error).stack ?? why}`);
      failures.push(`${name} could not be measured: ${why}`);
      return { error: why };
    }
  };
  const failed = (value: unknown): value is { error: string } => typeof value === 'object' && value !== null && 'error' in value && !Array.isArray(value);

  let roundTrips: RoundTripResult | { error: string } | undefined;
  if (only.has('round-trips') || only.has('requests')) {
    log('round trips');
    // The requests table alone needs the counts only: a few runs are enough (they do not vary).
    roundTrips = await attempt('round trips', () => measureRoundTrips({ log, ...(only.has('round-trips') ? {} : { runs: 2 }) }));
    if (only.has('round-trips')) {
      addSection(failed(roundTrips) ? `## 3. Round trips\n\nNot measured: ${roundTrips.error}` : `## 3. Round trips (${roundTrips.latencyMs} ms added per request)\n\n${roundTripSection(roundTrips)}`);
    }
  }
  if (only.has('requests')) {
    log('requests: CLI');
    const cli = await attempt('CLI requests', () => measureCliRequests({ log }));
    log('requests: widget');
    const widget = await attempt('widget requests', () => measureWidgetRequests({ log }));
    const section = requestsSection({ roundTrips: failed(roundTrips) || !roundTrips ? [] : roundTrips.rows, cli, widget });
    addSection(`## 4. Requests per workflow, alyx-qc against ibllib\n\n${section.markdown}`);
  }
  if (only.has('batch')) {
    log('batch');
    const batch = await attempt('batch', () => measureBatch({ log }));
    addSection(`## 5. Batch\n\n${failed(batch) ? `Not measured: ${batch.error}` : batchSection(batch)}`);
  }

  if (only.has('queue')) {
    log('review queue');
    const queue = await attempt('review queue (core)', () => measureQueueCore({ log }));
    const browser = await attempt('review queue (Chromium)', () => measureQueueBrowser({ log }));
    addSection(
      `## 6. Review queue\n\n${failed(browser) ? `Enter to next and saved notebook bytes not measured: ${browser.error}` : queueBrowserSection(browser)}\n\n${failed(queue) ? `Status and "all remaining" not measured: ${queue.error}` : queueCoreSection(queue)}`,
    );
  }
  if (only.has('figures')) {
    log('figures');
    const figures = await attempt('figures', () => measureFigures({ log }));
    addSection(`## 7. Figures\n\n${failed(figures) ? `Not measured: ${figures.error}` : figuresSection(figures)}`);
  }

  const results = [`## Machine\n\n${machineSection(machine, versions, loads)}`, ...sections].join('\n\n');
  console.log(results);
  if (write) {
    writeDoc(results.replace(/^## /gm, '### '));
    log(`figures written into ${path.relative(REPO, DOC)}`);
  }
  if (failures.length > 0) {
    console.error(`\n[alyx-qc] benchmark FAILED:\n- ${failures.join('\n- ')}`);
    return 1;
  }
  return 0;
}

process.exitCode = await main();
