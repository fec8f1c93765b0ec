/**
 * A real JupyterLab (from PyPI, in the project's venv) for end-to-end tests: a throw-away home,
 * settings that save widget state and show no news, the example notebook copied in, and the
 * Alyx URL in the kernel's environment.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { venvPython } from '../../dev/alyx-server/start.ts';
import { watchProcess } from '../support/watched-process.ts';

export interface RunningLab {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** The JupyterLab server's own token (not Alyx's). */
  readonly token: string;
  /** The folder JupyterLab serves, holding the notebook copy. */
  readonly root: string;
  /** The HOME the server and its kernels run with. */
  readonly home: string;
  log(): string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 90_000;

/** Settings files, as JupyterLab reads them from JUPYTERLAB_SETTINGS_DIR (`<package>/<plugin>`). */
const SETTINGS: Record<string, unknown> = {
  // The "save the notebook with widget state".
  '@jupyter-widgets/jupyterlab-manager/plugin': { saveState: true },
  // No "Would you like to get notified about official Jupyter news?" toast over the widgets.
  '@jupyterlab/apputils-extension/notification': { fetchNews: 'false', checkForUpdates: false },
  // Render every cell, not only those in view, so every widget exists while the test runs.
  '@jupyterlab/notebook-extension/tracker': { windowingMode: 'none' },
  // The test saves explicitly; an autosave racing it would only add noise.
  '@jupyterlab/docmanager-extension/plugin': { autosave: false },
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForStatus(url: string, token: string, exited: () => boolean, log: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited()) throw new Error(`[alyx-qc] JupyterLab exited before it was ready:\n${log()}`);
    try {
      const response = await fetch(`${url}/api/status`, { headers: { authorization: `token ${token}` } });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`[alyx-qc] JupyterLab was not ready within ${START_TIMEOUT_MS / 1000} s:\n${log()}`);
}

/** Starts JupyterLab on a copy of `notebook`, with `env` added to the kernel's environment. */
export async function startJupyterLab(notebook: string, env: Record<string, string>): Promise<RunningLab> {
  const base = mkdtempSync(path.join(tmpdir(), 'alyx-qc-lab-'));
  const home = path.join(base, 'home');
  const root = path.join(base, 'root');
  const settings = path.join(base, 'settings');
  mkdirSync(home, { recursive: true });
  mkdirSync(root, { recursive: true });
  for (const [plugin, values] of Object.entries(SETTINGS)) {
    // "<package>/<plugin>" is "<package>:<plugin>" in JupyterLab's plugin ids.
    const file = path.join(settings, `${plugin}.jupyterlab-settings`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(values));
  }
  copyFileSync(notebook, path.join(root, path.basename(notebook)));

  const port = await freePort();
  const token = randomBytes(16).toString('hex');
  const jupyter = path.join(path.dirname(venvPython()), 'jupyter');
  const args = [
    'lab',
    '--no-browser',
    '--ip=127.0.0.1',
    `--port=${port}`,
    '--ServerApp.port_retries=0',
    `--IdentityProvider.token=${token}`,
    `--ServerApp.root_dir=${root}`,
    '--LabApp.news_url=None',
    '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate',
    // window.jupyterapp: run cells and save through JupyterLab's own commands.
    '--LabApp.expose_app_in_browser=True',
    ...(process.getuid?.() === 0 ? ['--allow-root'] : []),
  ];
  const child = spawn(jupyter, args, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ...env,
      HOME: home,
      JUPYTERLAB_SETTINGS_DIR: settings,
      JUPYTERLAB_WORKSPACES_DIR: path.join(base, 'workspaces'),
      JUPYTER_CONFIG_DIR: path.join(base, 'config'),
      JUPYTER_RUNTIME_DIR: path.join(base, 'runtime'),
      // The example's matplotlib would otherwise build its font cache in the fresh HOME.
      MPLCONFIGDIR: path.join(tmpdir(), 'alyx-qc-mplconfig'),
    },
  });
  const server = watchProcess(child);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForStatus(url, token, server.exited, server.output);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url,
    token,
    root,
    home,
    log: server.output,
    async stop() {
      await server.stop();
      rmSync(base, { recursive: true, force: true });
    },
  };
}
