/**
 * Checks on a factory's options, Observable Inputs style: options come as one object, and a bad
 * one throws a `TypeError` at once, naming the option and what to pass instead.
 */
import type { AlyxClient } from '../core/client.ts';

/** Something that may still be resolving: Observable hands cells promises between them. */
export type MaybePromise<T> = T | PromiseLike<T>;

/** A `TypeError` prefixed with the factory's name, e.g. `[alyx-qc] signOffInput: ...`. */
export function optionError(factory: string, message: string): TypeError {
  return new TypeError(`[alyx-qc] ${factory}: ${message}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

/** Edit distance between two short strings (option names), case-insensitive. */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      row[j] = Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[y.length] ?? 0;
}

/** The closest known name, for "did you mean" hints (a misspelt option is the usual mistake). */
function closest(name: string, known: readonly string[]): string | undefined {
  const best = [...known].sort((a, b) => distance(name, a) - distance(name, b))[0];
  return best !== undefined && distance(name, best) <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** Refuses a non-object and any key not in `known`, with a spelling hint. */
export function checkOptionNames(factory: string, options: unknown, known: readonly string[]): asserts options is Record<string, unknown> {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw optionError(factory, `pass the options as one object, e.g. ${factory}({${known.slice(0, 3).join(', ')}}), not ${describe(options)}.`);
  }
  for (const name of Object.keys(options)) {
    if (known.includes(name)) continue;
    const hint = closest(name, known);
    throw optionError(factory, `unknown option "${name}"${hint ? `; did you mean "${hint}"?` : '.'} Known options: ${known.join(', ')}.`);
  }
}

/** Runs the core's check of an option's value and turns its complaint into a TypeError naming the option. */
export function checkedOption<T>(factory: string, name: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof TypeError) throw error;
    throw optionError(factory, `the "${name}" option is not valid: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** A required, non-empty string option. */
export function stringOption(factory: string, name: string, value: unknown, example: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw optionError(factory, `the "${name}" option must be a non-empty string such as "${example}", not ${describe(value)}.`);
  }
  return value.trim();
}

/** An optional boolean option with its default. */
export function booleanOption(factory: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw optionError(factory, `the "${name}" option must be true or false, not ${describe(value)}.`);
  return value;
}

/** What the factories need of a client. Checked by shape: a notebook may hold a client from another copy of the module. */
function isClientLike(value: unknown): value is AlyxClient {
  const candidate = value as Partial<AlyxClient> | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.request === 'function'
    && typeof candidate.list === 'function' && typeof candidate.user === 'string' && typeof candidate.baseUrl === 'string';
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

/**
 * The `alyx` option: a client, or a promise of one (checked when it resolves). Throws at once for
 * anything else, with the usual cause (a cell that has not logged in yet) in the message.
 */
export function clientOption(factory: string, value: unknown): Promise<AlyxClient> {
  if (isClientLike(value)) return Promise.resolve(value);
  if (isThenable(value)) {
    return Promise.resolve(value).then((resolved) => {
      if (!isClientLike(resolved)) throw optionError(factory, `the "alyx" option resolved to ${describe(resolved)}, not an AlyxClient.`);
      return resolved;
    });
  }
  const missing = value === undefined || value === null;
  throw optionError(factory, missing
    ? 'the "alyx" option is missing: log in first, e.g. alyx = AlyxClient.login(url, {username, password}) or viewof alyx = loginForm({baseUrl}), then pass {alyx}.'
    : `the "alyx" option must be an AlyxClient (from AlyxClient.login or loginForm), not ${describe(value)}.`);
}
