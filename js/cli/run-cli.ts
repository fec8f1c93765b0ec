/**
 * Runs one command line to its exit status. Everything the process provides (streams,
 * environment, home folder, Ctrl-C) comes in through {@link CliIo}, so `main.ts` is the only
 * file that touches `process`.
 */
import { AlyxQcError } from '../core/index.ts';
import packageJson from '../../package.json' with { type: 'json' };
import { parseCommandLine, type CliCommand } from './args.ts';
import type { CommandContext } from './command-context.ts';
import { resolveCredentials, type Credentials } from './credentials.ts';
import { runCritical } from './critical-command.ts';
import { runDescribe } from './describe-command.ts';
import { EXIT, exitCodeFor, PromptAborted, UsageError, type ExitCode } from './exit-codes.ts';
import { LinePrompter } from './line-prompter.ts';
import { Reporter, type Outcome } from './report.ts';
import { runQueue } from './queue-command.ts';
import { runSignOff } from './signoff-command.ts';
import { runStatus } from './status-command.ts';
import { usageText } from './usage.ts';

type Output = NodeJS.WritableStream & { columns?: number };

export interface CliIo {
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly stdout: Output;
  readonly stderr: Output;
  readonly env: NodeJS.ProcessEnv;
  readonly home: string;
  readonly platform: NodeJS.Platform;
  /** Registers the Ctrl-C handler (SIGINT); returns how to remove it. */
  onInterrupt(handler: () => void): () => void;
}

function wantsJson(argv: readonly string[]): boolean {
  return argv.includes('--json');
}

/** Extra advice for errors whose fix lies on the command line or in the environment. */
function advice(error: unknown): string {
  if (error instanceof AlyxQcError && error.code === 'auth') {
    return ' Set ALYX_TOKEN to a fresh token (or ALYX_PASSWORD, for automation), log in again with ONE, or run in a terminal to be asked for the password.';
  }
  return '';
}

async function dispatch(command: Exclude<CliCommand, { name: 'help' | 'version' }>, context: CommandContext): Promise<Outcome> {
  switch (command.name) {
    case 'describe':
      return runDescribe(command);
    case 'critical':
      return runCritical(context, command);
    case 'signoff':
      return runSignOff(context, command);
    case 'queue':
      return runQueue(context, command);
    case 'status':
      return runStatus(context, command);
  }
}

/** Runs `argv` (without `node` and the script) and resolves with the exit status. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let reporter = new Reporter(io.stdout, io.stderr, wantsJson(argv));
  let command: CliCommand;
  try {
    command = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const see = error.helpTopic ? `alyx-qc ${error.helpTopic} --help` : 'alyx-qc --help';
    reporter.fail('error', 'usage', `${error.message} See ${see}.`);
    return EXIT.usage;
  }
  if (command.name === 'help') {
    io.stdout.write(usageText(command.topic));
    return EXIT.ok;
  }
  if (command.name === 'version') {
    io.stdout.write(`${packageJson.version}\n`);
    return EXIT.ok;
  }
  reporter = new Reporter(io.stdout, io.stderr, command.name === 'describe' ? command.json : command.common.json);

  const controller = new AbortController();
  const interrupt = (): void => {
    prompter.interrupt();
    controller.abort();
  };
  const prompter = new LinePrompter(io.stdin, reporter.conversation, interrupt);
  const removeInterrupt = io.onInterrupt(interrupt);
  // The URL came from ONE's default (no --base-url, no ALYX_URL): a server or network error says so.
  let oneDefault = '';
  const context: CommandContext = {
    prompter,
    reporter,
    signal: controller.signal,
    credentials: (): Credentials => {
      const flags = command.name === 'describe' ? {} : command.common;
      const credentials = resolveCredentials({ ...flags, env: io.env, home: io.home, platform: io.platform, warn: (message) => reporter.warn(message) });
      if (!('baseUrl' in flags && flags.baseUrl) && !io.env['ALYX_URL']?.trim()) oneDefault = ` (${credentials.baseUrl} is ONE's default Alyx, from ~/.one: pass --base-url or set ALYX_URL for another)`;
      return credentials;
    },
  };
  try {
    const outcome = await dispatch(command, context);
    reporter.result(outcome);
    return outcome.exitCode;
  } catch (error) {
    const code = exitCodeFor(error);
    if (error instanceof PromptAborted) {
      reporter.fail('aborted', error.why, 'Aborted: nothing was written.');
    } else if (error instanceof UsageError) {
      reporter.fail('error', 'usage', error.message);
    } else if (error instanceof AlyxQcError) {
      const fromOne = ['network', 'timeout', 'server', 'not-found'].includes(error.code) ? oneDefault : '';
      reporter.fail(error.code === 'aborted' ? 'aborted' : 'error', error.code, `${error.message}${fromOne}${advice(error)}`);
    } else {
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      reporter.fail('error', 'internal', `unexpected error (please report it): ${detail}`);
    }
    return code;
  } finally {
    removeInterrupt();
    prompter.close();
  }
}
