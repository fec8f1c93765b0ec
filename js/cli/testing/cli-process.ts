/**
 * Running the real `alyx-qc` command in tests, as a user would: a child process, answers written
 * to its stdin (all at once, or one at a time after each question), stdin closed mid-way, Ctrl-C.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const MAIN = path.join(REPO, 'js', 'cli', 'main.ts');

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /** Added to a clean environment: no ALYX_* from the test process, HOME a fresh empty folder. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Written to stdin at once, then stdin is closed. */
  readonly input?: string;
  /**
   * Run inside a pseudo-terminal (util-linux `script`), so stdin is a TTY: the password prompt
   * and line editing are exercised. Type `\r` to end a line there.
   */
  readonly terminal?: boolean;
}

function shellQuote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Whether `script` can give the command a terminal here. */
export function canRunInTerminal(): boolean {
  return process.platform === 'linux' && spawnSync('script', ['--version']).status === 0;
}

/** A fresh, empty home folder (no ~/.one). */
export function emptyHome(): string {
  return mkdtempSync(path.join(tmpdir(), 'alyx-qc-home-'));
}

function childEnv(extra: CliOptions['env']): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('ALYX_')) env[key] = value;
  env['HOME'] = emptyHome();
  for (const [key, value] of Object.entries(extra ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** An `alyx-qc` process being talked to. */
export class CliSession {
  readonly #child: ChildProcessWithoutNullStreams;
  #stdout = '';
  #stderr = '';
  #waiters: (() => void)[] = [];
  readonly #exit: Promise<CliRun>;

  constructor(args: readonly string[], options: CliOptions = {}) {
    const command = [process.execPath, '--import', 'tsx', MAIN, ...args];
    this.#child = options.terminal
      ? spawn('script', ['-qfec', command.map(shellQuote).join(' '), '/dev/null'], { cwd: REPO, env: childEnv(options.env) })
      : spawn(command[0] ?? 'node', command.slice(1), { cwd: REPO, env: childEnv(options.env) });
    // The command may exit before reading every answer (an error, an abort): that is not a test failure.
    this.#child.stdin.on('error', () => {});
    this.#child.stdout.setEncoding('utf8').on('data', (chunk: string) => this.#grow(() => (this.#stdout += chunk)));
    this.#child.stderr.setEncoding('utf8').on('data', (chunk: string) => this.#grow(() => (this.#stderr += chunk)));
    this.#exit = new Promise((resolve) => {
      this.#child.once('close', (code) => resolve({ code, stdout: this.#stdout, stderr: this.#stderr }));
    });
  }

  get stdout(): string {
    return this.#stdout;
  }

  #grow(append: () => void): void {
    append();
    for (const wake of this.#waiters.splice(0)) wake();
  }

  /** Resolves once stdout + stderr (from `from` on) contains `text` `times` times. */
  async waitFor(text: string, { times = 1, timeoutMs = 15_000 } = {}): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const seen = `${this.#stdout}\n${this.#stderr}`.split(text).length - 1;
      if (seen >= times) return;
      if (this.#child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`never saw ${JSON.stringify(text)} x${times}.\n--- stdout ---\n${this.#stdout}\n--- stderr ---\n${this.#stderr}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  type(text: string): void {
    this.#child.stdin.write(text);
  }

  /** End of input, as Ctrl-D at a terminal or the end of a piped file. */
  endInput(): void {
    this.#child.stdin.end();
  }

  /** Ctrl-C. */
  interrupt(): void {
    this.#child.kill('SIGINT');
  }

  exit(): Promise<CliRun> {
    return this.#exit;
  }
}

/** Runs `alyx-qc args` with `input` piped in and stdin then closed. */
export async function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  const session = new CliSession(args, options);
  if (options.input !== undefined) session.type(options.input);
  session.endInput();
  return session.exit();
}
