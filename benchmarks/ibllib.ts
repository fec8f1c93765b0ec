/** Runs `benchmarks/ibllib_driver.py` (ibllib's own code) in the project's venv and reads its JSON. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { venvPython } from '../dev/alyx-server/start.ts';

const DRIVER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'ibllib_driver.py');

export type IbllibWorkflow = 'critical-new' | 'critical-new-known' | 'critical-overwrite' | 'sign-off' | 'sign-off-no-note' | 'batch-sign-off' | 'batch-sign-off-no-note';

export interface IbllibRun {
  readonly ms: number;
  readonly requests: number;
  /** `METHOD /path?query` of each request, in order (logins outside the workflow excluded). */
  readonly calls: string[];
}

export interface IbllibResult {
  readonly runs: IbllibRun[];
  readonly total_ms: number;
  readonly failures: { uuid: string; error: string }[];
  /** HTTP statuses seen, login included, e.g. `{ "200": 999, "429": 12 }`. */
  readonly statuses: Record<string, number>;
  readonly ibllib: string;
  readonly one: string;
}

function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(venvPython(), [DRIVER, ...args], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`[alyx-qc] ibllib driver failed (${error.message}); run benchmarks/setup.sh.\n${stderr.slice(-4000)}`));
      else resolve(stdout);
    });
  });
}

/** The ibllib and ONE-api versions, or the reason they cannot be imported. */
export async function ibllibVersions(): Promise<{ ibllib: string; one: string } | { error: string }> {
  try {
    return JSON.parse(await run(['versions'])) as { ibllib: string; one: string };
  } catch (error) {
    return { error: (error as Error).message.split('\n')[0] ?? String(error) };
  }
}

export async function runIbllib(workflow: IbllibWorkflow, options: { baseUrl: string; username: string; password: string; uuids: readonly string[]; signOffKey?: string }): Promise<IbllibResult> {
  const args = [workflow, '--base-url', options.baseUrl, '--username', options.username, '--password', options.password, '--uuids', options.uuids.join(',')];
  if (options.signOffKey) args.push('--sign-off-key', options.signOffKey);
  const stdout = await run(args);
  const last = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as IbllibResult;
}
