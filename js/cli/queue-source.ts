/**
 * Where `alyx-qc queue` and `alyx-qc status` get their sessions: eids from a file or stdin, or
 * Alyx's pending look-up (the key null or absent, with the user's own `--django` filter).
 */
import { readFileSync } from 'node:fs';
import { findPendingSessions, loadReviewQueue, type ReviewQueueData } from '../core/review-queue.ts';
import type { AlyxClient } from '../core/index.ts';
import type { QueueSource } from './args.ts';
import { PromptAborted, UsageError } from './exit-codes.ts';
import type { LinePrompter } from './line-prompter.ts';

/** Eids in text: separated by spaces, commas or lines; `#` starts a comment. */
function eidsIn(text: string): string[] {
  return text.split('\n').flatMap((line) => line.replace(/#.*/, '').split(/[\s,]+/)).filter((word) => word !== '');
}

/**
 * The eids of `--eids FILE`, or of `--eids -` from stdin: to the end of input, or (when the
 * prompts follow on stdin, as for `queue`) to the first empty line.
 */
async function readEids(path: string, prompter: LinePrompter, untilBlank: boolean): Promise<string[]> {
  if (path !== '-') {
    try {
      return eidsIn(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new UsageError(`cannot read the eids from ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)}): give a file with one eid a line, or - for stdin.`);
    }
  }
  const lines: string[] = [];
  for (;;) {
    let line: string;
    try {
      line = await prompter.ask('');
    } catch (error) {
      if (error instanceof PromptAborted && error.why === 'eof') break;
      throw error;
    }
    if (untilBlank && line.trim() === '' && lines.length > 0) break;
    lines.push(line);
  }
  return eidsIn(lines.join('\n'));
}

/** The queue's sessions and what Alyx holds for them. */
export async function queueData(client: AlyxClient, source: QueueSource, options: { signOffKey: string; kind: string; prompter: LinePrompter; untilBlank: boolean; signal: AbortSignal }): Promise<ReviewQueueData> {
  const { signOffKey, kind, signal } = options;
  const eids = 'eids' in source
    ? await readEids(source.eids, options.prompter, options.untilBlank)
    : (await findPendingSessions(client, { signOffKey, ...(source.django === undefined ? {} : { django: source.django }), signal })).map((session) => session.id);
  if ('pending' in source && eids.length === 0) throw new UsageError(`no session is due for ${signOffKey}${source.django ? ` with --django ${source.django}` : ''}: nothing to review.`);
  return loadReviewQueue(client, { eids, signOffKey, kind, signal });
}
