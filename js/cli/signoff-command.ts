/**
 * `alyx-qc signoff <eid> --key <key> --kind <kind>`: ibllib's `<Kind>SignOffNote(eid, one,
 * key).upload_note()` at the terminal (the reasons, then the note and the checklist), or with
 * flags, or `sign_off()` alone with `--no-note`.
 */
import {
  assertSignOffKey,
  assertUuid4,
  getSignOffKind,
  signOff,
  type AlyxClient,
  type ReasonChoice,
  type SignOffKind,
  type SignOffResult,
} from '../core/index.ts';
// The prompt's first read: the CLI's alone, so not in the core's index.
import { readChecklistEntry } from '../core/sign-off.ts';
import type { CliCommand } from './args.ts';
import type { CommandContext } from './command-context.ts';
import { withClient } from './connect.ts';
import { choiceFromFlags } from './flag-choice.ts';
import { EXIT } from './exit-codes.ts';
import { readFigureFile } from './figure-file.ts';
import { askReasons } from './ibllib-prompts.ts';
import { noteTextLines, requestLines, requestsJson, type Outcome } from './report.ts';

type SignOffCommand = Extract<CliCommand, { name: 'signoff' }>;

export async function runSignOff(context: CommandContext, command: SignOffCommand): Promise<Outcome> {
  const kind = getSignOffKind(command.kind);
  const signOffKey = assertSignOffKey(command.key);
  const eid = assertUuid4(command.eid, 'session eid');
  // Bad flags stop here, before any request.
  const fromFlags = command.withNote && command.choice !== null ? choiceFromFlags(kind, command.choice, 'signoff') : undefined;
  const image = command.figure === undefined ? undefined : await readFigureFile(command.figure);
  const credentials = context.credentials();
  return withClient(credentials, context.prompter, async (client) => {
    const choice = !command.withNote ? undefined : (fromFlags ?? (await askAtTerminal(context, client, kind, eid, signOffKey)));
    const result = await signOff(client, {
      eid,
      signOffKey,
      kind: kind.id,
      ...choice,
      withNote: command.withNote,
      ...(image ? { image } : {}),
      dryRun: command.common.dryRun,
      signal: context.signal,
    });
    return outcomeOf(result, eid, signOffKey);
  });
}

/**
 * Reads the session first, so a wrong eid is known before any question, and says where its
 * checklist stands. Only the session: the notes are read by the write, after the questions,
 * as ibllib does, so that a merge starts from the note as it is then and no request is sent twice.
 */
async function askAtTerminal(context: CommandContext, client: AlyxClient, kind: SignOffKind, eid: string, signOffKey: string): Promise<ReasonChoice> {
  const { prompter } = context;
  const entry = await readChecklistEntry(client, eid, signOffKey, context.signal);
  prompter.say(`Signing off ${signOffKey} (${kind.label}) on the session ${eid} on ${client.baseUrl}, as ${client.user}.`);
  if (entry === undefined) {
    prompter.say(`Note: the session's sign_off_checklist has no "${signOffKey}" yet; it will be added. Check the key if you expected it there.`);
  } else if (entry !== null) {
    prompter.say(`Already signed off by ${entry.user} on ${entry.date}; this sign-off replaces that checklist entry.`);
  }
  return askReasons(prompter, kind);
}

function checklistLine(signOffKey: string, entry: { date: string; user: string }): string {
  return `sign_off_checklist["${signOffKey}"] = ${JSON.stringify(entry)}`;
}

function outcomeOf(result: SignOffResult, eid: string, signOffKey: string): Outcome {
  const entry = { date: result.checklistEntry.date, user: result.checklistEntry.user };
  const common = { text: result.text, checklist_entry: entry, sign_off_key: signOffKey, eid };
  if (result.status === 'dry-run') {
    return {
      exitCode: EXIT.ok,
      lines: ['Dry run: nothing was sent to Alyx. The writes would be:', ...requestLines(result.requests), ...noteTextLines(result.text)],
      json: { status: 'dry-run', ...common, requests: requestsJson(result.requests) },
    };
  }
  const noteLine = result.note === null ? 'No note (--no-note): the checklist only.' : `The sign-off note ${result.note.id} was ${result.noteAction === 'merged' ? 'updated with your entry' : 'saved'}.`;
  const figureLines = result.figure ? [`The figure was attached as note ${result.figure.id}.`] : [];
  return {
    exitCode: EXIT.ok,
    lines: [
      `Signed off ${signOffKey} on the session ${eid}: ${checklistLine(signOffKey, entry)}${result.replacedSameDay ? ' (replacing your sign-off of today)' : ''}.`,
      noteLine,
      ...figureLines,
      ...noteTextLines(result.text),
    ],
    json: { status: 'written', note_id: result.note?.id ?? null, ...common, replaced_same_day: result.replacedSameDay, ...(result.figure ? { figure_note_id: result.figure.id } : {}) },
  };
}
