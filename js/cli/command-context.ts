/** What every command gets from the runner. */
import type { Credentials } from './credentials.ts';
import type { LinePrompter } from './line-prompter.ts';
import type { Reporter } from './report.ts';

export interface CommandContext {
  readonly prompter: LinePrompter;
  readonly reporter: Reporter;
  /** Aborted on Ctrl-C: requests in flight stop. */
  readonly signal: AbortSignal;
  /** Resolves the credentials (flags, environment, ONE); throws a usage error when there is no URL. */
  credentials(): Credentials;
}
