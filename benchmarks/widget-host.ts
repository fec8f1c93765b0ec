/**
 * A notebook without Jupyter, for the widget benchmarks: the widget bundles as shipped (built
 * into a temporary folder), rendered in headless Chromium by a page that plays anywidget's model;
 * the kernel is `widget_host.py` (alyx_qc's real widget classes and relay); the comm between
 * them is replaced by Playwright's bindings and the host's JSON lines. Every request to Alyx is
 * the Python relay's own, so a proxy in front of Alyx counts what the widget really sends.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { venvPython } from '../dev/alyx-server/start.ts';
import { CHROMIUM, CHROMIUM_ARGS } from './time-to-interactive.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..');

/** The page: anywidget's model for each widget, its messages to and from the host. */
const HARNESS = String.raw`
const models = new Map();
const fromBase64 = (b64) => { const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)); return new DataView(bytes.buffer); };
function createModel(id, state) {
  // Binary traits arrive as DataViews, as anywidget hands them over.
  for (const [key, value] of Object.entries(state)) if (value && typeof value === 'object' && '$bytes' in value) state[key] = fromBase64(value.$bytes);
  const listeners = new Map();
  const emit = (name, ...args) => { for (const cb of [...(listeners.get(name) ?? [])]) cb(...args); };
  return {
    state, emit,
    get: (key) => state[key],
    set: (key, value) => { const old = state[key]; state[key] = value; if (old !== value) emit('change:' + key, value); },
    on: (name, cb) => { if (!listeners.has(name)) listeners.set(name, new Set()); listeners.get(name).add(cb); },
    off: (name, cb) => { if (!name) listeners.clear(); else if (!cb) listeners.delete(name); else listeners.get(name)?.delete(cb); },
    save_changes: () => {},
    send: (content, _callbacks, buffers) => { window.hostSend(id, content, buffers ? buffers.length : 0); },
    widget_manager: {},
  };
}
window.renderWidget = async (id, bundle, state) => {
  const widget = (await import('/' + bundle + '.js')).default;
  const model = createModel(id, state);
  const el = document.createElement('div');
  el.dataset.widget = id;
  document.body.append(el);
  models.set(id, { model, el, cleanup: await widget.render({ model, el, experimental: {} }) });
};
window.deliver = (id, content, buffers) => {
  // As anywidget hands them over: DataViews of the message's binary buffers.
  const views = (buffers ?? []).map(fromBase64);
  models.get(id)?.model.emit('msg:custom', content, views);
};
window.modelState = (id) => {
  const state = models.get(id)?.model.state;
  if (!state) return null;
  // Binary values as a saved notebook holds them: base64.
  const toBase64 = (view) => btoa(Array.from(new Uint8Array(view.buffer, view.byteOffset, view.byteLength), (b) => String.fromCharCode(b)).join(''));
  return JSON.parse(JSON.stringify(state, (key, value) => (value instanceof DataView ? { $bytes: toBase64(value) } : value)));
};
window.stateOf = (id, key) => models.get(id)?.model.state[key];
window.removeWidget = (id) => {
  const entry = models.get(id);
  if (!entry) return;
  if (typeof entry.cleanup === 'function') entry.cleanup();
  entry.el.remove();
  models.delete(id);
};
`;

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>alyx-qc widget bench</title></head><body><script type="module">${HARNESS}</script></body></html>`;

interface HostEvent {
  readonly event: 'created' | 'send' | 'called' | 'saved' | 'error';
  readonly buffers?: readonly string[];
  readonly id: string;
  readonly state?: Record<string, unknown>;
  readonly content?: unknown;
  readonly error?: string;
  readonly trace?: string;
}

/** Builds the widget bundles `names` (vite.config.ts's `widget-<name>` modes) into `dir`. */
export async function buildWidgets(names: readonly string[], dir: string): Promise<void> {
  for (const name of names) {
    await build({ root: REPO, configFile: path.join(REPO, 'vite.config.ts'), mode: `widget-${name}`, logLevel: 'error', build: { outDir: dir, emptyOutDir: false } });
  }
}

function serve(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const name = /^\/([a-z-]+)\.js$/.exec(req.url ?? '')?.[1];
    if (req.url === '/' || req.url === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    } else if (name) {
      try {
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(readFileSync(path.join(dir, `${name}.js`)));
      } catch {
        res.writeHead(404).end();
      }
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

export class WidgetHost {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #waiters = new Map<string, (event: HostEvent) => void>();
  #buffer = '';
  #stderr = '';
  #delivery: Promise<unknown> = Promise.resolve();
  /** Errors the host or the page reported (a row with any is reported as failed). */
  readonly errors: string[] = [];
  #counter = 0;

  private constructor(
    readonly page: Page,
    private readonly browser: Browser,
    private readonly server: { close(): Promise<void> },
    private readonly dir: string,
    credentials: { baseUrl: string; username: string; token: string },
  ) {
    this.#child = spawn(venvPython(), [path.join(HERE, 'widget_host.py'), '--static', dir, '--base-url', credentials.baseUrl, '--username', credentials.username, '--token', credentials.token], { cwd: REPO });
    this.#child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.#stderr = (this.#stderr + chunk).slice(-8000)));
    this.#child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      this.#buffer += chunk;
      let newline: number;
      while ((newline = this.#buffer.indexOf('\n')) >= 0) {
        const line = this.#buffer.slice(0, newline);
        this.#buffer = this.#buffer.slice(newline + 1);
        if (line.trim()) this.#onEvent(JSON.parse(line) as HostEvent);
      }
    });
  }

  /** Builds `bundles`, starts Chromium and the host (logged in with `token`, as a notebook's ONE is). */
  static async start(bundles: readonly string[], credentials: { baseUrl: string; username: string; token: string }): Promise<WidgetHost> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'alyx-qc-widget-bench-'));
    await buildWidgets(bundles, dir);
    const server = await serve(dir);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const page = await browser.newPage();
    const host = new WidgetHost(page, browser, server, dir, credentials);
    page.on('pageerror', (error) => host.errors.push(`page: ${error.message}`));
    await page.exposeFunction('hostSend', (id: string, content: unknown) => host.#write({ cmd: 'msg', id, content }));
    await page.goto(server.url);
    await page.waitForFunction(() => 'renderWidget' in window);
    return host;
  }

  #write(command: Record<string, unknown>): void {
    this.#child.stdin.write(`${JSON.stringify(command)}\n`);
  }

  #onEvent(event: HostEvent): void {
    if (event.event === 'send') {
      // In order, one after the other, as a comm delivers them.
      this.#delivery = this.#delivery
        .then(() => this.page.evaluate(([id, content, buffers]) => (window as unknown as { deliver(id: string, c: unknown, b: readonly string[]): void }).deliver(id, content, buffers), [event.id, event.content, event.buffers ?? []] as const))
        .catch((error: Error) => this.errors.push(`deliver: ${error.message}`));
      return;
    }
    if (event.event === 'error') this.errors.push(`host: ${event.error ?? ''}`);
    const waiter = this.#waiters.get(event.id);
    if (waiter && event.event !== 'called') {
      this.#waiters.delete(event.id);
      waiter(event);
    }
  }

  /** Creates `cls(*args, **kwargs)` in the host and renders a view of it; resolves once rendered. */
  async display(cls: string, bundle: string, args: readonly unknown[], kwargs: Record<string, unknown> = {}, plot?: 'matplotlib' | 'png'): Promise<string> {
    const id = `w${++this.#counter}`;
    const created = new Promise<HostEvent>((resolve) => this.#waiters.set(id, resolve));
    this.#write({ cmd: 'create', id, class: cls, args, kwargs, ...(plot ? { plot } : {}) });
    const event = await created;
    if (event.event !== 'created' || !event.state) throw new Error(`${cls}(...) failed in the host: ${event.error ?? 'no state'}`);
    await this.page.evaluate(([i, b, s]) => (window as unknown as { renderWidget(i: string, b: string, s: unknown): Promise<void> }).renderWidget(i, b, s), [id, bundle, event.state] as const);
    return id;
  }

  /** A method of the widget in Python, e.g. `submit(nums="1")`. */
  call(id: string, method: string, kwargs: Record<string, unknown> = {}): void {
    this.#write({ cmd: 'call', id, method, kwargs });
  }

  /** Waits until the view's `status` trait is one of `statuses`; returns it. */
  async waitForStatus(id: string, statuses: readonly string[], timeoutMs = 30_000): Promise<string> {
    const handle = await this.page.waitForFunction(([i, s]) => {
      const status = (window as unknown as { stateOf(i: string, k: string): unknown }).stateOf(i, 'status');
      return typeof status === 'string' && s.includes(status) ? status : false;
    }, [id, statuses] as const, { timeout: timeoutMs, polling: 5 });
    return (await handle.jsonValue()) as string;
  }

  stateOf(id: string, key: string): Promise<unknown> {
    return this.page.evaluate(([i, k]) => (window as unknown as { stateOf(i: string, k: string): unknown }).stateOf(i, k), [id, key] as const);
  }

  /**
   * The widget's state as a notebook saves it: every trait Python syncs (the module's source
   * `_esm` and the model names included), with the values the view holds now (what the front
   * end set: status, statuses, notes), as JupyterLab's widget manager saves its models.
   */
  async savedState(id: string): Promise<Record<string, unknown>> {
    const saved = new Promise<HostEvent>((resolve) => this.#waiters.set(id, resolve));
    this.#write({ cmd: 'saved', id });
    const python = (await saved).state ?? {};
    const page = (await this.page.evaluate((i) => (window as unknown as { modelState(i: string): Record<string, unknown> | null }).modelState(i), id)) ?? {};
    return { ...python, ...page };
  }

  async remove(id: string): Promise<void> {
    await this.page.evaluate((i) => (window as unknown as { removeWidget(i: string): void }).removeWidget(i), id);
    this.#write({ cmd: 'close', id });
  }

  get hostLog(): string {
    return this.#stderr;
  }

  async stop(): Promise<void> {
    this.#child.stdin.end();
    await new Promise((resolve) => {
      if (this.#child.exitCode !== null) resolve(undefined);
      else this.#child.once('exit', resolve);
      setTimeout(() => this.#child.kill('SIGKILL'), 3000).unref();
    });
    await this.browser.close();
    await this.server.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
