/**
 * The exit statuses scripts rely on, and which error gets which. Only these four are used.
 */
import { AlyxQcError } from '../core/index.ts';

export const EXIT = {
  /** Written (or, with `--dry-run`, planned); `describe` printed. */
  ok: 0,
  /** Declined, nothing to do, or aborted at a prompt (Ctrl-C, end of input). */
  declined: 1,
  /**
   * Usage or bad input, rejected credentials or permission, an object Alyx does not have (its
   * permanent 500 included), a state of Alyx that needs cleaning up first.
   */
  usage: 2,
  /** Server or network error after retries. */
  failed: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A command line that cannot be run: unknown option, missing argument, no credentials. */
export class UsageError extends Error {
  constructor(message: string, readonly helpTopic?: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The reviewer stopped at a prompt: Ctrl-C, or end of input (Ctrl-D, closed pipe). */
export class PromptAborted extends Error {
  constructor(readonly why: 'interrupt' | 'eof') {
    super(why === 'interrupt' ? 'Interrupted' : 'End of input');
    this.name = 'PromptAborted';
  }
}

/** The exit status for an error thrown while running a command. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof PromptAborted) return EXIT.declined;
  if (error instanceof AlyxQcError) {
    switch (error.code) {
      case 'bad-input':
      case 'validation':
      case 'auth':
      case 'forbidden':
      case 'conflict':
      case 'not-found':
        return EXIT.usage;
      case 'aborted':
        return EXIT.declined;
      case 'throttled':
      case 'server':
      case 'network':
      case 'timeout':
      case 'bad-response':
        return EXIT.failed;
    }
  }
  // A bug of ours, or something Node threw: not the user's input, so not 2.
  return EXIT.failed;
}
