/**
 * Start the development Alyx (serve.py) from Node tests, on a free port, and stop it.
 *
 * The server runs with the project's Python venv: `$ALYX_QC_VENV/bin/python`, by default
 * `<repo>/.venv/bin/python`, prepared by `dev/alyx-server/setup.sh`.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** How to start the server. Every option defaults to a stock Alyx: no throttling, no CORS. */
export interface StartAlyxOptions {
  /** Per-user rate limit such as `"10/second"` or `"550/minute"`; over it answers 429. */
  throttle?: string;
  /** Origins allowed by CORS, e.g. `["http://127.0.0.1:5173"]`. */
  corsOrigins?: string[];
  /** SQLite file to use and keep; by default a fresh temporary database, removed on stop. */
  db?: string;
}

/** A running server. */
export interface RunningAlyx {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  baseUrl: string;
  /** The last part of the server's stderr (errors behind a 500 are logged there). */
  log(): string;
  /** Stop the server (SIGTERM, then SIGKILL after 5 s); resolves once it has exited. */
  stop(): Promise<void>;
}

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const READY = /^ALYX READY (http:\/\/127\.0\.0\.1:\d+)$/m;
const START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;
const LOG_LIMIT = 20_000;

/** The Python interpreter of the project's venv. */
export function venvPython(): string {
  const venv = process.env['ALYX_QC_VENV'] ?? path.join(REPO, '.venv');
  return path.join(venv, 'bin', 'python');
}

function serveArgs(options: StartAlyxOptions): string[] {
  const args = [path.join(HERE, 'serve.py'), '--port', 'auto'];
  if (options.throttle) args.push('--throttle', options.throttle);
  for (const origin of options.corsOrigins ?? []) args.push('--cors-origin', origin);
  if (options.db) args.push('--db', options.db);
  return args;
}

/**
 * Start a development Alyx on 127.0.0.1 and resolve once it accepts requests.
 *
 * Rejects after 60 s, or as soon as the server exits, with its stderr in the message.
 */
export async function startAlyx(options: StartAlyxOptions = {}): Promise<RunningAlyx> {
  const python = venvPython();
  const child = spawn(python, serveArgs(options), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  // Keep reading both pipes for the server's whole life: a full pipe would block its writes.
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-LOG_LIMIT);
  });
  child.stdout.setEncoding('utf8');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A test process that ends without calling stop() must not leave a server behind.
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const baseUrl = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: string): void => {
      stdout += chunk;
      const ready = READY.exec(stdout);
      if (ready?.[1]) settle(() => resolve(ready[1]!));
    };
    const onError = (error: Error): void =>
      fail(`could not be started (${error.message}); run dev/alyx-server/setup.sh to create the venv`);
    const onEarlyExit = (code: number | null, signal: string | null): void =>
      fail(`exited before it was ready (${signal ?? `code ${code}`})`);
    const timer = setTimeout(() => fail(`printed no READY line within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    // Whatever happens first ends the wait, and the other listeners with it.
    const settle = (outcome: () => void): void => {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.off('error', onError);
      child.off('close', onEarlyExit);
      outcome();
    };
    const fail = (why: string): void =>
      settle(() => {
        process.removeListener('exit', killOnExit);
        child.kill('SIGKILL');
        reject(new Error(`[alyx-qc] dev Alyx server ${why}.\n${python} ${serveArgs(options).join(' ')}\n--- stderr ---\n${stderr}`));
      });
    child.stdout.on('data', onData);
    child.once('error', onError);
    // 'close', not 'exit': by then stderr has been read to its end, so the message has all of it.
    child.once('close', onEarlyExit);
  });
  // Stdout is not needed any more, but must still be drained.
  child.stdout.resume();

  return {
    baseUrl,
    log: () => stderr,
    async stop(): Promise<void> {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const force = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(force);
    },
  };
}
