/**
 * `alyx-qc queue --key <key> --kind <kind> (--eids FILE|- | --pending [--django F])`: walks the
 * due sessions one by one with a progress line: fine, reasons (ibllib's questions), skip or
 * stop. Each sign-off is written in the background while the next session is asked about; the
 * command waits for every write (and its read-back) before it prints the table and exits.
 */
import { assertSignOffKey, getSignOffKind, signOff, type SignOffKind } from '../core/index.ts';
import { describeSummary, FINE, ReviewQueueState, type QueueItem } from '../core/review-queue-state.ts';
import type { CliCommand } from './args.ts';
import type { CommandContext } from './command-context.ts';
import { withClient } from './connect.ts';
import { EXIT } from './exit-codes.ts';
import { askReasons } from './ibllib-prompts.ts';
import type { LinePrompter } from './line-prompter.ts';
import { typedAnswer } from './python-text.ts';
import { queueData } from './queue-source.ts';
import type { Outcome } from './report.ts';
import { queueLine } from './status-command.ts';

type QueueCommand = Extract<CliCommand, { name: 'queue' | 'status' }>;

export const QUEUE_QUESTION = 'Sign off as fine (f), with reasons (r), skip (s) or stop here (q)? ';

type Answer = 'f' | 'r' | 's' | 'q';

async function askWhat(prompter: LinePrompter): Promise<Answer> {
  for (;;) {
    const answer = typedAnswer(await prompter.ask(QUEUE_QUESTION));
    if (answer === 'f' || answer === 'r' || answer === 's' || answer === 'q') return answer;
    prompter.say(`${answer} is invalid, please try again...`);
  }
}

function sessionLine(item: QueueItem, position: number, count: number): string {
  const record = item.session.session;
  return `[${position}/${count}] ${record?.subject ?? '?'} ${String(record?.start_time ?? '').slice(0, 10)} #${record?.number ?? '?'} ${record?.task_protocol ?? ''} (${item.session.eid})`;
}

export async function runQueue(context: CommandContext, command: QueueCommand): Promise<Outcome> {
  const kind: SignOffKind = getSignOffKind(command.kind);
  const signOffKey = assertSignOffKey(command.key);
  const { prompter } = context;
  return withClient(context.credentials(), prompter, async (client) => {
    const data = await queueData(client, command.source, { signOffKey, kind: kind.id, prompter, untilBlank: true, signal: context.signal });
    const state = new ReviewQueueState(data, (eid, { choice, withNote }, signal) =>
      // The core's signOff, with the command's signal: Ctrl-C stops the writes in flight too.
      signOff(client, { eid, signOffKey, kind: kind.id, reasons: choice.reasons, other: choice.other, withNote, signal: AbortSignal.any([signal, context.signal]) }),
    );
    const due = state.items.filter((item) => item.status.status === 'due');
    prompter.say(`${kind.label} of ${signOffKey} on ${client.baseUrl}, as ${client.user}: ${due.length} due. ${describeSummary(state.summary())}.`);
    const writes: Promise<unknown>[] = [];
    for (const [index, item] of due.entries()) {
      prompter.say(`${sessionLine(item, index + 1, due.length)} \u00b7 ${describeSummary(state.summary())}`);
      const answer = await askWhat(prompter);
      if (answer === 'q') break;
      if (answer === 's') continue;
      const submission = answer === 'f' ? FINE : { choice: await askReasons(prompter, kind), withNote: true };
      writes.push(state.submit(item.session.eid, submission));
    }
    if (state.writing > 0) prompter.say(`Waiting for ${state.writing} sign-off(s) to be written\u2026`);
    await Promise.all(writes);
    const summary = state.summary();
    return {
      exitCode: summary.failed > 0 ? EXIT.failed : EXIT.ok,
      lines: [...state.items.map(queueLine), describeSummary(summary)],
      json: { status: summary.failed > 0 ? 'failed' : 'written', sign_off_key: signOffKey, summary, sessions: state.items.map((item) => item.session.eid) },
    };
  });
}
