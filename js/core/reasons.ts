/** Looking up note kinds and turning a reviewer's choice (numbers or texts) into reasons. */
import { InputError } from './errors.ts';
import { loadedKind, loadedKindNames, OTHER, type NoteKind, type SignOffKind } from './note-kind.ts';
import { clip } from './validation.ts';

/** What a reviewer chose: reasons from the kind's list, and the free text for "Other". */
export interface ReasonChoice {
  readonly reasons: readonly string[];
  /** Free text; `null` (or empty) when there is none, which the note stores as `[]`. */
  readonly other: string | null;
}

/**
 * A kind by id (`critical-session`, `signoff-task`) or short sign-off name (`task`, `raw-ephys`),
 * among the kinds loaded (note-kind.ts): the core loads both families, a widget only its own.
 */
export function getNoteKind(name: string): NoteKind {
  const kind = loadedKind(String(name));
  if (!kind) throw new InputError(`Unknown note kind "${clip(String(name))}". Use one of: ${loadedKindNames().join(', ')}.`);
  return kind;
}

/**
 * A sign-off kind by id or short name, among the kinds loaded (the sign-off widget's page loads
 * only the one its Python widget sends); critical kinds are refused.
 */
export function getSignOffKind(name: string): SignOffKind {
  const kind = getNoteKind(name);
  if (kind.family !== 'signoff') {
    const names = loadedKindNames().filter((loaded) => loadedKind(loaded)?.family === 'signoff' && !loaded.startsWith('signoff-'));
    throw new InputError(`"${clip(String(name))}" is not a sign-off kind. Use one of: ${names.join(', ')}.`);
  }
  return kind;
}

function describeChoices(reasons: readonly string[]): string {
  return reasons.map((reason, index) => `${index}) ${reason}`).join('; ');
}

/**
 * Reasons from ibllib's number form, e.g. `'1,3'`: 0-based indices into the kind's list, in the
 * order typed (as `upload_note(nums=...)` does). Spaces around numbers are allowed.
 */
export function reasonsFromNumbers(kind: NoteKind, nums: string, allowed: readonly string[] = kind.reasons): string[] {
  const last = allowed.length - 1;
  const parts = nums.split(',').map((part) => part.trim());
  if (nums.trim() === '' || parts.some((part) => !/^\d+$/.test(part))) {
    throw new InputError(`"${clip(nums)}" is not a list of reason numbers. Enter numbers between 0 and ${last} separated by commas, e.g. "1,3". Choices: ${describeChoices(allowed)}.`);
  }
  return parts.map((part) => {
    const index = Number(part);
    const reason = allowed[index];
    if (reason === undefined) {
      throw new InputError(`Reason number ${part} is out of range: choose between 0 and ${last}. Choices: ${describeChoices(allowed)}.`);
    }
    return reason;
  });
}

/** Reasons given by their text; each must be one of the kind's reasons (exact spelling). */
export function reasonsFromTexts(kind: NoteKind, texts: readonly string[], allowed: readonly string[] = kind.reasons): string[] {
  for (const text of texts) {
    if (typeof text !== 'string' || !allowed.includes(text)) {
      throw new InputError(`"${clip(String(text))}" is not a reason of ${kind.label}. Choose from: ${allowed.map((reason) => `"${reason}"`).join(', ')}.`);
    }
  }
  return [...texts];
}

/**
 * Checks a complete choice for a kind: every reason belongs to it, and "Other" comes with text
 * (a note that says "Other" and nothing else tells the next reviewer nothing).
 */
export function validateChoice(kind: NoteKind, choice: ReasonChoice, allowed: readonly string[] = kind.reasons): ReasonChoice {
  const reasons = reasonsFromTexts(kind, choice.reasons, allowed);
  const other = choice.other ?? null;
  if (other !== null && typeof other !== 'string') {
    throw new InputError('The "Other" text must be a string (or null for none).');
  }
  if (reasons.includes(OTHER) && (other === null || other.trim() === '')) {
    throw new InputError('"Other" is selected but its text is empty. Explain the other reason, or unselect "Other".');
  }
  return { reasons, other: other === '' ? null : other };
}

/** The reviewer's choice from either form (texts or ibllib's numbers), validated against the kind. */
export function choiceFor(kind: NoteKind, options: { reasons?: readonly string[]; nums?: string; other?: string | null }, allowed?: readonly string[]): ReasonChoice {
  if (options.reasons !== undefined && options.nums !== undefined) {
    throw new InputError('Give the reasons either by text (reasons) or by number (nums), not both.');
  }
  const reasons = options.nums !== undefined ? reasonsFromNumbers(kind, options.nums, allowed) : options.reasons ?? [];
  return validateChoice(kind, { reasons, other: options.other ?? null }, allowed);
}
