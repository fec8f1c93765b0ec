/** What the figures were measured on: they mean little without it. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { venvPython } from '../dev/alyx-server/start.ts';
import { chromiumVersion } from './time-to-interactive.ts';

export interface Machine {
  readonly date: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memory: string;
  readonly os: string;
  readonly node: string;
  readonly python: string;
  readonly chromium: string;
  /** The 1, 5 and 15 minute load averages when described: the cores are shared. */
  readonly load: string;
}

/** The load averages now, e.g. `3.10, 2.50, 1.20`: the run's wall times carry this load. */
export function loadAverage(): string {
  return os.loadavg().map((value) => value.toFixed(2)).join(', ');
}

function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match?.[1]) return match[1].trim();
  } catch {
    // Not Linux: fall through to Node's view.
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

function pythonVersion(): string {
  try {
    return execFileSync(venvPython(), ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return `not found at ${venvPython()}`;
  }
}

export function describeMachine(): Machine {
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cpus: os.availableParallelism(),
    cpuModel: cpuModel(),
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    python: pythonVersion(),
    chromium: chromiumVersion(),
    load: loadAverage(),
  };
}
