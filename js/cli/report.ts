/**
 * What a command prints. Results go to stdout: readable lines, or with `--json` one JSON object
 * (snake_case keys, like Alyx). Messages go to stderr, prefixed `alyx-qc: `. Questions go to
 * stdout, or to stderr under `--json` so that stdout stays one JSON document.
 */
import type { PlannedRequest } from '../core/index.ts';
import type { ExitCode } from './exit-codes.ts';
import { forTerminal } from './terminal-text.ts';

type Output = NodeJS.WritableStream & { columns?: number };

/** A command's result: its exit status, the lines a person reads, the object a script reads. */
export interface Outcome {
  readonly exitCode: ExitCode;
  readonly lines: readonly string[];
  readonly json: Readonly<Record<string, unknown>>;
  /** With `--json`, these instead of `json`: one JSON object per line (`alyx-qc status`). */
  readonly jsonLines?: readonly unknown[];
}

export class Reporter {
  constructor(
    private readonly stdout: Output,
    private readonly stderr: Output,
    readonly json: boolean,
  ) {}

  /** Where questions and the conversation around them go. */
  get conversation(): Output {
    return this.json ? this.stderr : this.stdout;
  }

  result(outcome: Outcome): void {
    if (this.json) this.stdout.write(outcome.jsonLines ? outcome.jsonLines.map((line) => `${JSON.stringify(line)}\n`).join('') : `${JSON.stringify(outcome.json)}\n`);
    // Each line escaped on its own: they quote Alyx (see terminal-text.ts).
    else if (outcome.lines.length > 0) this.stdout.write(`${outcome.lines.map(forTerminal).join('\n')}\n`);
  }

  /** A message on stderr; with `--json`, also `{status, code, message}` on stdout. */
  fail(status: 'error' | 'aborted', code: string, message: string): void {
    this.stderr.write(`alyx-qc: ${forTerminal(message)}\n`);
    if (this.json) this.stdout.write(`${JSON.stringify({ status, code, message })}\n`);
  }

  warn(message: string): void {
    this.stderr.write(`alyx-qc: warning: ${forTerminal(message)}\n`);
  }
}

/** The planned requests of a dry run, each body as the JSON that would be sent. */
export function requestLines(requests: readonly PlannedRequest[]): string[] {
  return requests.flatMap((request) => [`  ${request.method} ${request.path}`, ...(request.body === undefined ? [] : [`    ${JSON.stringify(request.body)}`])]);
}

/** Planned requests for `--json`. */
export function requestsJson(requests: readonly PlannedRequest[]): unknown[] {
  return requests.map((request) => ({ method: request.method, path: request.path, ...(request.body === undefined ? {} : { body: request.body }) }));
}

/** The note text, exactly as stored, on its own line. */
export function noteTextLines(text: string | null): string[] {
  return text === null ? [] : ['Note text:', text];
}
