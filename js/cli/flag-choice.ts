/** Answers given as flags (`--reasons`, `--reason-text`, `--other`), checked against a kind before any write. */
import { choiceFor } from '../core/reasons.ts';
import { OTHER, type NoteKind } from '../core/index.ts';
import { reasonsFromNumbers } from '../core/reasons.ts';
import type { ChoiceFlags, CommandName } from './args.ts';
import { UsageError } from './exit-codes.ts';

/** What the core's workflows take: reasons by text, and the "Other" text exactly as given. */
export interface ChoiceOptions {
  readonly reasons: readonly string[];
  readonly other: string | null;
}

/** Throws the core's `InputError` for a bad number or text, a {@link UsageError} for Other without `--other`. */
export function choiceFromFlags(kind: NoteKind, flags: ChoiceFlags, command: CommandName): ChoiceOptions {
  const reasons = flags.nums !== undefined ? reasonsFromNumbers(kind, flags.nums) : [...(flags.reasonTexts ?? [])];
  const other = flags.other ?? null;
  if (reasons.includes(OTHER) && (other === null || other.trim() === '')) {
    throw new UsageError(`"${OTHER}" is among the reasons: explain it with --other "<text>".`, command);
  }
  return choiceFor(kind, { reasons, other });
}
