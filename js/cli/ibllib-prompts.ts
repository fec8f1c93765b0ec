/**
 * ibllib's terminal questions (`Note.reasons_prompt`, `other_reason_prompt`,
 * `CriticalNote.delete_note_prompt`): the same wording, the same answers accepted, the same
 * re-asking on an invalid answer. Answers are stored as ibllib stores them: stripped and
 * lower-cased.
 */
import { InputError, OTHER, type NoteKind, type ReasonChoice } from '../core/index.ts';
import { reasonsFromNumbers } from '../core/reasons.ts';
import type { LinePrompter } from './line-prompter.ts';
import { pythonListRepr, typedAnswer } from './python-text.ts';

/**
 * The reasons question. ibllib prints the numbered list as a Python list on one line
 * (`['0) within experiment system crash', '1) synching impossible', ...]`); we print one
 * numbered reason per line, between the same header and the same closing question.
 */
export function reasonsQuestion(kind: NoteKind, reasons: readonly string[] = kind.reasons): string {
  const numbered = reasons.map((reason, index) => ` ${index}) ${reason}`).join('\n');
  return `${kind.promptHeader} \n${numbered}\n and enter the corresponding numbers separated by commas, e.g. 1,3 -> enter: `;
}

export const OTHER_QUESTION = 'Explain why you selected "other" (free text): ';

export function overwriteQuestion(count: number): string {
  return `You are about to delete ${count} existing notes; do you want to proceed? y/n: `;
}

function invalid(answer: string): string {
  return `${answer} is invalid, please try again...`;
}

/** Asks for the reasons by number, then for the "Other" text when Other is among them. */
export async function askReasons(prompter: LinePrompter, kind: NoteKind): Promise<ReasonChoice> {
  for (;;) {
    const answer = typedAnswer(await prompter.ask(reasonsQuestion(kind)));
    let reasons: string[];
    try {
      reasons = reasonsFromNumbers(kind, answer);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      prompter.say(invalid(answer));
      continue;
    }
    prompter.say(`You selected reason(s): ${pythonListRepr(reasons)}`);
    const other = reasons.includes(OTHER) ? await askOther(prompter) : null;
    return { reasons, other };
  }
}

/**
 * The free text for "Other", stripped and lower-cased. ibllib accepts an empty answer and stores
 * `""`; alyx-qc asks again, because a note saying only "Other" tells the next reviewer nothing
 * (the core refuses it on every path).
 */
export async function askOther(prompter: LinePrompter): Promise<string> {
  for (;;) {
    const answer = typedAnswer(await prompter.ask(OTHER_QUESTION));
    if (answer !== '') return answer;
    prompter.say('An empty explanation is invalid, please try again...');
  }
}

/** `y` → true, `n` → false; anything else is asked again. */
export async function askOverwrite(prompter: LinePrompter, count: number): Promise<boolean> {
  for (;;) {
    const answer = typedAnswer(await prompter.ask(overwriteQuestion(count)));
    if (answer === 'y' || answer === 'n') return answer === 'y';
    prompter.say(invalid(answer));
  }
}
