/**
 * Runs the real `alyx-qc` command as a user would: a child process with a clean environment (no
 * ALYX_* of the test process, an empty HOME so no ONE files) and stdin closed.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const REPO = path.resolve(import.meta.dirname, '..', '..');

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `env` is added to the clean environment; a value `undefined` removes that variable. */
export function runCli(args: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): Promise<CliRun> {
  const childEnv: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('ALYX_')) childEnv[key] = value;
  childEnv['HOME'] = mkdtempSync(path.join(tmpdir(), 'alyx-qc-home-'));
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete childEnv[key];
    else childEnv[key] = value;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'js', 'cli', 'main.ts'), ...args], { cwd: REPO, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
