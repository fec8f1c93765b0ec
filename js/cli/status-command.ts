/**
 * `alyx-qc status --key <key> (--eids FILE|- | --pending [--django F])`: where a queue stands,
 * one line per session (due, signed off by whom on which day, cannot be signed off), or with
 * `--json` one JSON object per line. Three requests for up to 250 sessions.
 */
import { assertSignOffKey } from '../core/index.ts';
import { describeSummary, ReviewQueueState, statusRow, type QueueItem } from '../core/review-queue-state.ts';
import type { CliCommand } from './args.ts';
import type { CommandContext } from './command-context.ts';
import { withClient } from './connect.ts';
import { EXIT } from './exit-codes.ts';
import { queueData } from './queue-source.ts';
import type { Outcome } from './report.ts';

type StatusCommand = Extract<CliCommand, { name: 'queue' | 'status' }>;

/** One session as a line of the table: subject, date, number, protocol, status. */
export function queueLine(item: QueueItem): string {
  const row = statusRow(item);
  const status =
    row.status === 'signed-off'
      ? `signed off${row.signed_off_by ? ` by ${row.signed_off_by} on ${row.signed_off_on}` : ' (checklist only)'}${row.reasons.length ? `: ${row.reasons.join('; ')}` : ''}`
      : row.error ? `${row.status}: ${row.error}` : row.status;
  return [row.eid, row.subject ?? '-', row.start_time?.slice(0, 10) ?? '-', `#${row.number ?? '-'}`, row.task_protocol ?? '-', status].join('  ');
}

export async function runStatus(context: CommandContext, command: StatusCommand): Promise<Outcome> {
  const signOffKey = assertSignOffKey(command.key);
  return withClient(context.credentials(), context.prompter, async (client) => {
    const data = await queueData(client, command.source, { signOffKey, kind: command.kind, prompter: context.prompter, untilBlank: false, signal: context.signal });
    // No writes: the state only names each session's status.
    const state = new ReviewQueueState(data, () => Promise.reject(new Error('status writes nothing')));
    const summary = state.summary();
    const rows = state.items.map(statusRow);
    return {
      exitCode: EXIT.ok,
      lines: [...state.items.map(queueLine), describeSummary(summary)],
      json: { status: 'listed', sign_off_key: signOffKey, summary, sessions: rows },
      jsonLines: rows,
    };
  });
}
