/** Checks on user input that must pass before anything is sent to Alyx. */
import { InputError } from './errors.ts';

export const UUID_ANY_VERSION = /^[\da-f]{8}(-[\da-f]{4}){3}-[\da-f]{12}$/i;
// Within a UUID: version 4, variant 1.
const V4 = /^.{14}4.{4}[89ab]/i;
// At most MAX_SIGN_OFF_KEY_LENGTH characters in all; `\w` is [A-Za-z0-9_] (no `u` flag).
const SIGN_OFF_KEY = /^_\w{1,63}$/;

/** Longest sign-off key (as Python's `MAX_SIGN_OFF_KEY_LENGTH`): it goes into a title, a JSON key and a filter. */
export const MAX_SIGN_OFF_KEY_LENGTH = 64;

/** Longest JSON request body alyx-qc sends (the kernel relay's limit too): checked before the first write. */
export const MAX_BODY_LENGTH = 1 << 20;

/** Longest note text we write: Alyx has no limit, but a megabyte of "reasons" is a mistake. */
export const MAX_NOTE_TEXT_LENGTH = 65_536;

/** Returns the UUID lower-cased; throws unless it is a version-4 UUID, as Alyx ids are. */
export function assertUuid4(value: unknown, what = 'session eid or insertion pid'): string {
  const trimmed = typeof value === 'string' ? value.trim() : '';
  if (!UUID_ANY_VERSION.test(trimmed)) {
    // One fix for a missing UUID and a malformed one.
    throw new InputError(`${trimmed ? `"${clip(trimmed)}" is not a UUID` : `The ${what} is missing`}. Pass the ${what} as 36 characters from Alyx.`);
  }
  if (!V4.test(trimmed)) {
    throw new InputError(`"${trimmed}" is a version-${trimmed.charAt(14)} UUID, but Alyx ids are version 4: copy the ${what} from Alyx.`);
  }
  return trimmed.toLowerCase();
}

/**
 * Sign-off keys go into a note title and into a `django=` filter, whose parser splits on commas
 * and evaluates bracketed values: only `_` followed by letters, digits and underscores may pass.
 */
export function assertSignOffKey(value: unknown): string {
  const key = typeof value === 'string' ? value : '';
  // No `m` flag, so `$` is the end of the text, never the place before a trailing newline.
  if (!SIGN_OFF_KEY.test(key)) {
    // One fix for an empty key and a malformed one: where to find the key, and its form.
    throw new InputError(`${key ? `"${clip(key)}" is not a sign-off key` : 'The sign-off key is empty'}: pass the key from the session's sign_off_checklist, "_" then letters, digits and underscores, ${MAX_SIGN_OFF_KEY_LENGTH} characters at most, e.g. "_ephysChoiceWorld_00".`);
  }
  return key;
}

/** Refuses note text too long to be a reason; nothing is written. */
export function assertNoteTextLength(text: string): void {
  if (text.length > MAX_NOTE_TEXT_LENGTH) {
    throw new InputError(`The note would be ${text.length} characters long, over the limit of ${MAX_NOTE_TEXT_LENGTH}. Shorten the "Other" text.`);
  }
}

/** Shortens a value quoted in an error message, control characters shown escaped (a newline as `\u000a`). */
export function clip(value: string, max = 60): string {
  const shown = value.replace(/[\0-\x1f\x7f-\x9f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return shown.length > max ? `${shown.slice(0, max)}…` : shown;
}

/** A context loaded for one object (and key) written to another would write and delete there: refused. */
export function assertContextFor(context: string, target: string): void {
  if (context !== target) throw new InputError(`The context is for ${context}, not ${target}: load the right one.`);
}
