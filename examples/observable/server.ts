/**
 * The example notebook's web server: static files from the repository (only the folders the
 * notebook needs) and, optionally, a proxy to Alyx under `/alyx/` on the same origin, the
 * alternative to CORS for a stock Alyx. Loopback only; for the example and the tests.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** What the page may load: the build, the example, and Observable's runtime. Nothing else of the repo. */
const SERVED = ['dist/', 'examples/observable/', 'node_modules/@observablehq/runtime/dist/'];
const PROXY_PREFIX = '/alyx';
const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
};

export interface NotebookServerOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  readonly port?: number;
  /** Alyx to forward `/alyx/...` to, e.g. `http://127.0.0.1:8123`; settable later. */
  readonly alyxTarget?: string;
}

export interface NotebookServer {
  /** `http://127.0.0.1:<port>`: the origin an Alyx must allow by CORS. */
  readonly origin: string;
  /** The example page's URL. */
  readonly notebookUrl: string;
  /** Where `/alyx/...` goes; `undefined` answers 502 there. */
  alyxTarget: string | undefined;
  stop(): Promise<void>;
}

async function serveFile(pathname: string, response: http.ServerResponse): Promise<void> {
  let relative = decodeURIComponent(pathname).replace(/^\/+/, '');
  if (relative === '' || relative.endsWith('/')) relative += 'index.html';
  const file = path.resolve(REPO, relative);
  const allowed = SERVED.some((folder) => file.startsWith(path.join(REPO, folder)));
  const info = allowed ? await stat(file).catch(() => undefined) : undefined;
  if (!info?.isFile()) {
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`Not found: ${pathname}\n`);
    return;
  }
  response.writeHead(200, {
    'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'content-length': info.size,
    // Always the latest build while developing.
    'cache-control': 'no-store',
  });
  createReadStream(file).pipe(response);
}

function proxy(target: string | undefined, request: http.IncomingMessage, response: http.ServerResponse): void {
  if (!target) {
    response.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ detail: 'No Alyx behind this proxy: start the server with an Alyx target.' }));
    return;
  }
  const base = new URL(target);
  const url = new URL(base.pathname.replace(/\/+$/, '') + (request.url ?? '/').slice(PROXY_PREFIX.length), base);
  const headers = { ...request.headers, host: url.host };
  // Same-origin from the browser's side; Alyx need not know about the page at all.
  delete headers.origin;
  delete headers.referer;
  const upstream = http.request(url, { method: request.method, headers }, (answer) => {
    response.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(response);
  });
  upstream.on('error', (error) => {
    if (!response.headersSent) response.writeHead(502, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ detail: `The proxy could not reach Alyx at ${target}: ${error.message}` }));
  });
  request.pipe(upstream);
}

/** Starts the server on 127.0.0.1 and resolves once it listens. */
export async function startNotebookServer(options: NotebookServerOptions = {}): Promise<NotebookServer> {
  const state: { alyxTarget: string | undefined } = { alyxTarget: options.alyxTarget };
  const server = http.createServer((request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (pathname === PROXY_PREFIX || pathname.startsWith(`${PROXY_PREFIX}/`)) {
      proxy(state.alyxTarget, request, response);
      return;
    }
    if (pathname === '/favicon.ico') {
      response.writeHead(204).end();
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    serveFile(pathname, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('[alyx-qc] the notebook server has no TCP address');
  const origin = `http://127.0.0.1:${address.port}`;
  return {
    origin,
    notebookUrl: `${origin}/examples/observable/`,
    get alyxTarget() {
      return state.alyxTarget;
    },
    set alyxTarget(target: string | undefined) {
      state.alyxTarget = target;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
