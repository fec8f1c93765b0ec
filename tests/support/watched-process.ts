/**
 * A server a test started (JupyterLab, Notebook 7, Voila, marimo): its recent output kept (a full
 * pipe would block its writes, and a failure quotes it), whether it has exited, killed if the
 * test process ends without stopping it, and a stop that waits for it.
 */
import type { ChildProcess } from 'node:child_process';

export interface WatchedProcess {
  /** The last 30,000 characters of stdout and stderr. */
  output(): string;
  exited(): boolean;
  /** SIGTERM, then SIGKILL after 10 s; resolves once the process has exited. */
  stop(): Promise<void>;
}

/** `kill` sends a signal the way the process needs (e.g. to its whole process group). */
export function watchProcess(child: ChildProcess, kill: (signal: NodeJS.Signals) => void = (signal) => void child.kill(signal)): WatchedProcess {
  let output = '';
  const append = (chunk: string): void => {
    output = (output + chunk).slice(-30_000);
  };
  child.stdout?.setEncoding('utf8').on('data', append);
  child.stderr?.setEncoding('utf8').on('data', append);
  let exited = false;
  const done = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const killOnExit = (): void => kill('SIGKILL');
  process.once('exit', killOnExit);
  return {
    output: () => output,
    exited: () => exited,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (exited) return;
      const force = setTimeout(() => kill('SIGKILL'), 10_000);
      kill('SIGTERM');
      await done;
      clearTimeout(force);
    },
  };
}
