/**
 * `alyx-qc critical <uuid>`: ibllib's `main(uuid)` at the terminal, or `upload_note(nums,
 * other_reason)` with flags, or `main_gui(pid, reasons)` with `--gui-reasons`.
 */
import {
  assertUuid4,
  loadCriticalContext,
  NOTE_KINDS,
  OTHER,
  writeCriticalNote,
  type AlyxClient,
  type AlyxNote,
  type CriticalKind,
  type CriticalResult,
} from '../core/index.ts';
// ibllib's main_gui: the alignment GUI's path, for the CLI and the widget only, so not in the core's index.
import { writeCriticalNoteFromGui } from '../core/critical-note.ts';
import type { CliCommand } from './args.ts';
import type { FigureAttachment } from '../core/figure-note.ts';
import { readFigureFile } from './figure-file.ts';
import type { CommandContext } from './command-context.ts';
import { withClient } from './connect.ts';
import { choiceFromFlags, type ChoiceOptions } from './flag-choice.ts';
import { existingNoteLines, mentionLines } from './existing-notes.ts';
import { EXIT, UsageError } from './exit-codes.ts';
import { askOverwrite, askReasons } from './ibllib-prompts.ts';
import { noteTextLines, requestLines, requestsJson, type Outcome } from './report.ts';

type CriticalCommand = Extract<CliCommand, { name: 'critical' }>;

function modelName(contentType: string): string {
  return contentType === 'probeinsertion' ? 'insertion' : contentType;
}

export async function runCritical(context: CommandContext, command: CriticalCommand): Promise<Outcome> {
  const uuid = assertUuid4(command.uuid, 'session eid or insertion pid');
  if (command.guiReasons?.includes(OTHER)) {
    throw new UsageError(`--gui-reasons cannot include "${OTHER}": the alignment GUI path has no free text. Use --reasons with --other instead.`, 'critical');
  }
  // A bad --figure stops here, before any request or question.
  const image = command.figure === undefined ? undefined : await readFigureFile(command.figure);
  const credentials = context.credentials();
  return withClient(credentials, context.prompter, async (client) => {
    if (command.guiReasons !== null) {
      const result = await writeCriticalNoteFromGui(client, { pid: uuid, reasons: command.guiReasons, dryRun: command.common.dryRun, signal: context.signal, ...(image ? { image } : {}) });
      return outcomeOf(result, uuid, 'probeinsertion');
    }
    return interactiveOrFlags(context, command, client, uuid, image);
  });
}

async function interactiveOrFlags(context: CommandContext, command: CriticalCommand, client: AlyxClient, uuid: string, image?: FigureAttachment): Promise<Outcome> {
  const { prompter, signal } = context;
  const dryRun = command.common.dryRun;
  // Read once: what is shown is what the write replaces (no second list of the notes).
  const target = await loadCriticalContext(client, uuid, { ...(command.contentType !== undefined ? { contentType: command.contentType } : {}), signal });
  const kind = NOTE_KINDS[target.kind] as CriticalKind;
  const model = modelName(target.contentType);

  let choice: ChoiceOptions;
  if (command.choice !== null) {
    choice = choiceFromFlags(kind, command.choice, 'critical'); // Bad flags stop here: no question, no write.
  } else {
    prompter.say(`Marking the ${model} ${uuid} as CRITICAL on ${client.baseUrl}, as ${client.user}.`);
    choice = await askReasons(prompter, kind);
  }

  const existing = target.existingNotes;
  const listed = [...(existing.length > 0 ? existingNoteLines(existing, `critical notes on this ${model}`) : []), ...mentionLines(target.mentions ?? [])];
  if (!command.yes || dryRun) for (const line of listed) prompter.say(line);
  // A dry run asks nothing: its plan shows the deletes an overwrite would make.
  if (!command.yes && !dryRun && existing.length > 0 && !(await askOverwrite(prompter, existing.length))) return declined(existing);
  const result = await writeCriticalNote(client, {
    uuid,
    ...choice,
    overwrite: true,
    context: target,
    confirmedNotes: existing,
    ...(image ? { image } : {}),
    dryRun,
    signal,
  });
  return outcomeOf(result, uuid, target.contentType);
}

function declined(notes: readonly AlyxNote[]): Outcome {
  return {
    exitCode: EXIT.declined,
    lines: ['The selected reasons were NOT saved on Alyx; old notes remain.'],
    json: { status: 'declined', existing_note_ids: notes.map((note) => note.id) },
  };
}

function outcomeOf(result: CriticalResult, uuid: string, contentType: string): Outcome {
  const model = modelName(contentType);
  switch (result.status) {
    case 'needs-confirmation':
      // Only the GUI path gets here, and it always overwrites: a note that landed mid-write.
      return declined(result.existingNotes);
    case 'written': {
      const deleted = result.deletedNoteIds;
      return {
        exitCode: EXIT.ok,
        lines: [
          `The selected reasons were saved on Alyx: note ${result.note.id} on the ${model} ${uuid}.`,
          ...(deleted.length > 0 ? [`Old notes deleted (${deleted.length}): ${deleted.join(', ')}`] : []),
          ...(result.figure ? [`The figure was attached as note ${result.figure.id}.`] : []),
          ...noteTextLines(result.text),
        ],
        json: { status: 'written', note_id: result.note.id, text: result.text, uuid, content_type: contentType, deleted_note_ids: deleted, ...(result.figure ? { figure_note_id: result.figure.id } : {}) },
      };
    }
    case 'superseded':
      return {
        exitCode: EXIT.declined,
        lines: [
          `Another critical note on the ${model} ${uuid} was saved at the same moment (note ${result.note.id} by ${result.note.user}); it stands and ours was withdrawn.`,
          ...noteTextLines(result.text),
        ],
        json: { status: 'superseded', note_id: result.note.id, text: result.text, uuid, content_type: contentType },
      };
    case 'dry-run':
      return {
        exitCode: EXIT.ok,
        lines: ['Dry run: nothing was sent to Alyx. The writes would be:', ...requestLines(result.requests), ...noteTextLines(result.text)],
        json: { status: 'dry-run', text: result.text, requests: requestsJson(result.requests), uuid, content_type: contentType },
      };
  }
}
