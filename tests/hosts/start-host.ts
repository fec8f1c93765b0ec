/**
 * Starts a notebook host from the project's venv (all from PyPI, pinned in
 * python/requirements-dev.txt) on a throw-away folder: JupyterLab 4, Notebook 7, Voila or marimo.
 * Each runs with its own HOME, Jupyter and marimo settings (no news, no update checks, widget
 * state saved), so a test never reads or writes the user's own configuration. `marimo-run` is
 * marimo's app view (`marimo run`).
 *
 *   const host = await startHost('notebook', { 'review.ipynb': text }, { ALYX_QC_DEMO_URL: url });
 *   await page.goto(host.pageUrl('review.ipynb'));
 *   ...
 *   await host.stop();
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { venvPython } from '../../dev/alyx-server/start.ts';
import { watchProcess } from '../support/watched-process.ts';

export type HostName = 'lab' | 'notebook' | 'voila' | 'marimo' | 'marimo-run';

export interface RunningHost {
  readonly name: HostName;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** The folder the host serves, holding the files given to `startHost`. */
  readonly root: string;
  /** The HOME the server and its kernels run with. */
  readonly home: string;
  /** Where a browser opens `file` (a notebook in `root`), token included. */
  pageUrl(file: string, query?: string): string;
  /** The server's recent output (stdout and stderr). */
  log(): string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 120_000;

/** JupyterLab's and Notebook 7's settings, as read from JUPYTERLAB_SETTINGS_DIR (`<package>/<plugin>`). */
export const JUPYTER_SETTINGS: Record<string, unknown> = {
  '@jupyter-widgets/jupyterlab-manager/plugin': { saveState: true },
  // No "Would you like to get notified about official Jupyter news?" toast over the widgets.
  '@jupyterlab/apputils-extension/notification': { fetchNews: 'false', checkForUpdates: false },
  // Render every cell, not only those in view, so every widget exists while the test runs.
  '@jupyterlab/notebook-extension/tracker': { windowingMode: 'none' },
  '@jupyterlab/docmanager-extension/plugin': { autosave: false },
};

/** marimo's user configuration: cells run when the notebook opens, in the light theme. */
const MARIMO_TOML = `[runtime]
auto_instantiate = true

[display]
theme = "light"
`;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function bin(name: string): string {
  return path.join(path.dirname(venvPython()), name);
}

/** The command line of each host, serving `root` on `port`. */
function commandOf(name: HostName, port: number, token: string, root: string, files: readonly string[]): [string, string[]] {
  const asRoot = process.getuid?.() === 0 ? ['--allow-root'] : [];
  const server = ['--no-browser', '--ip=127.0.0.1', `--port=${port}`, '--ServerApp.port_retries=0', `--IdentityProvider.token=${token}`, `--ServerApp.root_dir=${root}`];
  switch (name) {
    case 'lab':
      return [
        bin('jupyter'),
        ['lab', ...server, '--LabApp.news_url=None', '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate', '--LabApp.expose_app_in_browser=True', ...asRoot],
      ];
    case 'notebook':
      return [bin('jupyter'), ['notebook', ...server, '--JupyterNotebookApp.expose_app_in_browser=True', ...asRoot]];
    case 'voila':
      // One notebook, rendered (and run in a fresh kernel) on each page load.
      return [bin('voila'), [path.join(root, files[0] ?? ''), '--no-browser', `--port=${port}`, '--Voila.ip=127.0.0.1', '--show_tracebacks=True']];
    case 'marimo':
      return [bin('marimo'), ['edit', path.join(root, files[0] ?? ''), '--headless', '--no-token', '--host=127.0.0.1', `--port=${port}`, '--skip-update-check', '--no-sandbox']];
    case 'marimo-run':
      // The app view: cells run on each page load, no code shown, no editing shortcuts.
      return [bin('marimo'), ['run', path.join(root, files[0] ?? ''), '--headless', '--no-token', '--host=127.0.0.1', `--port=${port}`, '--no-sandbox']];
  }
}

async function waitUntilReady(url: string, exited: () => boolean, log: () => string, what: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited()) throw new Error(`[alyx-qc] ${what} exited before it was ready:\n${log()}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`[alyx-qc] ${what} was not ready within ${START_TIMEOUT_MS / 1000} s:\n${log()}`);
}

/** Starts host `name` on a fresh folder holding `files` (name → content), `env` added to the kernel's environment. */
export async function startHost(name: HostName, files: Record<string, string>, env: Record<string, string>): Promise<RunningHost> {
  const base = mkdtempSync(path.join(tmpdir(), `alyx-qc-${name}-`));
  const home = path.join(base, 'home');
  const root = path.join(base, 'root');
  const settings = path.join(base, 'settings');
  for (const folder of [home, root, path.join(home, '.config', 'marimo')]) mkdirSync(folder, { recursive: true });
  for (const [plugin, values] of Object.entries(JUPYTER_SETTINGS)) {
    const file = path.join(settings, `${plugin}.jupyterlab-settings`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(values));
  }
  writeFileSync(path.join(home, '.config', 'marimo', 'marimo.toml'), MARIMO_TOML);
  for (const [file, content] of Object.entries(files)) writeFileSync(path.join(root, file), content);

  const port = await freePort();
  const token = randomBytes(16).toString('hex');
  const [command, args] = commandOf(name, port, token, root, Object.keys(files));
  const child = spawn(command, args, {
    cwd: root,
    // Its own process group: marimo and Voila start kernels of their own, stopped with it.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ...env,
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, '.config'),
      XDG_CACHE_HOME: path.join(home, '.cache'),
      XDG_STATE_HOME: path.join(home, '.local', 'state'),
      JUPYTERLAB_SETTINGS_DIR: settings,
      JUPYTERLAB_WORKSPACES_DIR: path.join(base, 'workspaces'),
      JUPYTER_CONFIG_DIR: path.join(base, 'config'),
      JUPYTER_RUNTIME_DIR: path.join(base, 'runtime'),
      JUPYTER_DATA_DIR: path.join(base, 'data'),
      MPLCONFIGDIR: path.join(tmpdir(), 'alyx-qc-mplconfig'),
      // marimo asks nothing and sends nothing.
      MARIMO_SKIP_UPDATE_CHECK: '1',
    },
  });
  const kill = (signal: NodeJS.Signals): void => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const server = watchProcess(child, kill);
  const url = `http://127.0.0.1:${port}`;
  const ready = name === 'lab' || name === 'notebook' ? `${url}/api/status?token=${token}` : `${url}/`;
  try {
    await waitUntilReady(ready, server.exited, server.output, name);
  } catch (error) {
    kill('SIGKILL');
    throw error;
  }
  return {
    name,
    url,
    root,
    home,
    pageUrl(file, query = '') {
      const extra = query ? `&${query}` : '';
      switch (name) {
        case 'lab':
          return `${url}/lab/tree/${file}?token=${token}${extra}`;
        case 'notebook':
          return `${url}/notebooks/${file}?token=${token}${extra}`;
        default:
          return `${url}/${query ? `?${query}` : ''}`;
      }
    },
    log: server.output,
    async stop() {
      await server.stop();
      rmSync(base, { recursive: true, force: true });
    },
  };
}
