/**
 * The Notebook Kit version of the example (notebook-kit/index.html) served by Notebook Kit's
 * own preview server: Vite with Observable's plugin, as `notebooks preview` runs it, plus a
 * same-origin proxy to Alyx at `/alyx` (Vite's `server.proxy`).
 */
import { config, observable } from '@observablehq/notebook-kit/vite';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');

export interface NotebookKitServer {
  /** The notebook page, e.g. `http://127.0.0.1:5173/`. */
  readonly notebookUrl: string;
  /** The page's origin: what an Alyx must allow by CORS. */
  readonly origin: string;
  stop(): Promise<void>;
}

/** Starts the preview server on 127.0.0.1 (a free port unless given), proxying `/alyx` to `alyxTarget`. */
export async function startNotebookKitServer(options: { port?: number; alyxTarget?: string } = {}): Promise<NotebookKitServer> {
  const target = options.alyxTarget;
  const server = await createServer({
    ...config(),
    plugins: [observable()],
    root: path.join(HERE, 'notebook-kit'),
    // The repository's vite.config.ts builds the package; it has nothing to say here.
    configFile: false,
    logLevel: 'warn',
    server: {
      host: '127.0.0.1',
      port: options.port ?? 0,
      strictPort: options.port !== undefined,
      fs: { allow: [REPO] },
      ...(target
        ? { proxy: { '/alyx': { target, changeOrigin: true, rewrite: (url: string) => url.replace(/^\/alyx/, '') } } }
        : {}),
    },
  });
  await server.listen();
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('[alyx-qc] the Notebook Kit preview server reported no URL');
  return { notebookUrl: url, origin: new URL(url).origin, stop: () => server.close() };
}
