/**
 * Measure 2: time to interactive. From the widget's `render({ model, el })` call to a fully
 * rendered, clickable sign-off panel, in headless Chromium, for the video sign-off (the note kind
 * with the largest reason list: 7).
 *
 * The widget bundle is built as the Python package ships it (`vite build --mode widget-signoff`, into a
 * temporary folder) and served from a tiny node:http server on 127.0.0.1. The page gives the
 * widget a minimal anywidget model (get/set/on/off/save_changes/send). The widget always loads its
 * context through the kernel relay (`alyx-request` custom messages); here the page plays the
 * kernel and answers each request from preloaded data in a fresh task (a MessageChannel message,
 * like a websocket message, without setTimeout's clamping), so no network and no kernel is timed:
 * what is measured is the front end's own work.
 *
 * "Interactive" means: the frame and the panel (and its reason checklist) have no update pending
 * (`updateComplete` resolved), the checklist shows all 7 reasons and the submit button is
 * available (`aria-disabled="false"`). The widget has no `initialize`: its relay and client are
 * made in `render`, inside the timing. The first render in the page (cold) is reported apart; then warm-up
 * renders, then the timed runs, each into a fresh element with a fresh model.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { median, p90 } from './stats.ts';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
export const TTI_BUDGET_MS = 20;

export interface TtiResult {
  readonly runs: number;
  readonly warmup: number;
  readonly medianMs: number;
  readonly p90Ms: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** The first render in a fresh page (modules and styles not yet warmed up). */
  readonly coldMs: number;
  /** `import()` of the widget module, parse and evaluation included. */
  readonly importMs: number;
  readonly reasons: number;
  readonly withinBudget: boolean;
  readonly chromium: string;
}

export function chromiumVersion(): string {
  try {
    // Debian's wrapper script prints a harmless shell warning on stderr: keep it off the output.
    return execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return `not found at ${CHROMIUM}`;
  }
}

/** The page's harness: a model, a fake kernel and the timing loop. Runs in Chromium. */
const HARNESS = String.raw`
const EID = '3c0a3b0e-1c55-4a0e-9a5b-2d3f4e5a6b7c';
const KEY = '_camera_left';
const SESSION = {
  id: EID, subject: 'KS022', number: 1, start_time: '2024-01-15T10:00:00', task_protocol: '_iblrig_tasks_ephysChoiceWorld6.6.2', qc: 'NOT_SET',
  json: { sign_off_checklist: { _ephysChoiceWorld_00: null, _passiveChoiceWorld_00: null, _camera_left: null }, extraction_version: { ibllib: '2.40.1' } },
};
const EMPTY_PAGE = { count: 0, next: null, previous: null, results: [] };

function answer(url) {
  const path = new URL(url).pathname;
  if (path === '/sessions/' + EID) return { status: 200, body: JSON.stringify(SESSION) };
  if (path === '/notes') return { status: 200, body: JSON.stringify(EMPTY_PAGE) };
  return { status: 404, body: JSON.stringify({ detail: 'Not found.' }) };
}

/** The sign-off kinds the widget build wrote beside the bundle (Python sends one as note_kind). */
let KINDS;

/** anywidget's model interface, with the kernel's relay answers preloaded. */
function createModel() {
  const state = {
    mode: 'signoff', target: EID, sign_off_key: KEY, kind: 'video', note_kind: KINDS.kinds['signoff-video'], content_type: null,
    gui_only: false, base_url: 'http://127.0.0.1:9', user: 'reviewer2', selected: [], other: null, status: 'loading', error: '',
    last_written: null, existing_notes: [],
  };
  const listeners = new Map();
  const emit = (name, ...args) => { for (const cb of [...(listeners.get(name) ?? [])]) cb(...args); };
  const channel = new MessageChannel();
  channel.port1.onmessage = (event) => emit('msg:custom', event.data, []);
  return {
    get: (key) => state[key],
    set: (key, value) => { const old = state[key]; state[key] = value; if (old !== value) emit('change:' + key, value); },
    on: (name, cb) => { if (!listeners.has(name)) listeners.set(name, new Set()); listeners.get(name).add(cb); },
    off: (name, cb) => { if (!name) listeners.clear(); else if (!cb) listeners.delete(name); else listeners.get(name)?.delete(cb); },
    save_changes: () => {},
    send: (message) => {
      // The kernel's side of the relay: answer in a new task, as a websocket message arrives.
      if (message && message.type === 'alyx-request') {
        const { status, body } = answer(message.url);
        channel.port2.postMessage({ type: 'alyx-response', id: message.id, status, headers: { 'content-type': 'application/json' }, body });
      }
    },
    widget_manager: {},
  };
}

const nextTask = () => new Promise((resolve) => { const c = new MessageChannel(); c.port1.onmessage = resolve; c.port2.postMessage(0); });

function findPanel(el) {
  const frame = el.querySelector('alyx-qc-widget-frame');
  const panel = el.querySelector('alyx-qc-signoff');
  const checklist = panel?.shadowRoot?.querySelector('alyx-qc-reason-checklist');
  return { frame, panel, checklist };
}

function interactive(el) {
  const { frame, panel, checklist } = findPanel(el);
  if (!frame || !panel || !checklist || frame.isUpdatePending || panel.isUpdatePending || checklist.isUpdatePending) return false;
  if (frame.phase?.phase !== 'ready') return false;
  const button = panel.shadowRoot.querySelector('.actions > button');
  const boxes = checklist.shadowRoot?.querySelectorAll('input[type=checkbox]').length ?? 0;
  return button?.getAttribute('aria-disabled') === 'false' && boxes === 7;
}

async function renderOnce(widget) {
  const el = document.createElement('div');
  document.body.append(el);
  const model = createModel();
  const stopInit = await widget.initialize?.({ model, experimental: {} });
  const started = performance.now();
  const cleanup = await widget.render({ model, el, experimental: {} });
  for (;;) {
    const { frame, panel, checklist } = findPanel(el);
    await frame?.updateComplete;
    await panel?.updateComplete;
    await checklist?.updateComplete;
    if (interactive(el)) break;
    if (performance.now() - started > 10000) throw new Error('the panel did not become interactive within 10 s');
    await nextTask();
  }
  const elapsed = performance.now() - started;
  const boxes = findPanel(el).checklist.shadowRoot.querySelectorAll('input[type=checkbox]').length;
  if (typeof cleanup === 'function') cleanup();
  if (typeof stopInit === 'function') stopInit();
  el.remove();
  return { elapsed, boxes };
}

window.runBenchmark = async (warmup, runs) => {
  // Part of the widget's state, as Python sends it: not timed.
  KINDS = await (await fetch('/kinds.json')).json();
  const t0 = performance.now();
  const widget = (await import('/signoff.js')).default;
  const importMs = performance.now() - t0;
  const cold = await renderOnce(widget);
  for (let i = 0; i < warmup; i++) await renderOnce(widget);
  const samples = [];
  let boxes = 0;
  for (let i = 0; i < runs; i++) {
    const run = await renderOnce(widget);
    samples.push(run.elapsed);
    boxes = run.boxes;
  }
  return { importMs, coldMs: cold.elapsed, samples, boxes };
};
`;

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>alyx-qc TTI</title></head><body><script type="module">${HARNESS}</script></body></html>`;

async function buildWidget(repo: string, outDir: string): Promise<void> {
  await build({
    root: repo,
    configFile: path.join(repo, 'vite.config.ts'),
    mode: 'widget-signoff',
    logLevel: 'error',
    build: { outDir, emptyOutDir: true },
  });
}

function serve(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.url === '/' || req.url === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    } else if (req.url === '/signoff.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(readFileSync(path.join(dir, 'signoff.js')));
    } else if (req.url === '/kinds.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(readFileSync(path.join(dir, 'kinds.json')));
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}/`, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

export async function measureTimeToInteractive(repo: string, options: { runs?: number; warmup?: number } = {}): Promise<TtiResult> {
  const runs = options.runs ?? 50;
  const warmup = options.warmup ?? 5;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'alyx-qc-tti-'));
  try {
    await buildWidget(repo, dir);
    const server = await serve(dir);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(server.url);
      await page.waitForFunction(() => 'runBenchmark' in window);
      const result = await page.evaluate(
        ([w, r]) => (window as unknown as { runBenchmark(w: number, r: number): Promise<{ importMs: number; coldMs: number; samples: number[]; boxes: number }> }).runBenchmark(w, r),
        [warmup, runs] as const,
      );
      if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
      const medianMs = median(result.samples);
      return {
        runs,
        warmup,
        medianMs,
        p90Ms: p90(result.samples),
        minMs: Math.min(...result.samples),
        maxMs: Math.max(...result.samples),
        coldMs: result.coldMs,
        importMs: result.importMs,
        reasons: result.boxes,
        withinBudget: medianMs <= TTI_BUDGET_MS,
        chromium: browser.version(),
      };
    } finally {
      await browser.close();
      await server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
