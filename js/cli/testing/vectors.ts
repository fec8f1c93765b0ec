/** The spec's note-text vectors, read where the spec lives (`../shared/spec/vectors.json`, as the core's tests do). */
import { readFileSync } from 'node:fs';

export interface Vector {
  readonly name: string;
  readonly kind: string;
  readonly inputs: { readonly reasons: readonly string[]; readonly other: string | null; readonly key?: string; readonly datetime_key?: string };
  readonly text: string;
}

const VECTORS = JSON.parse(readFileSync(new URL('../../../../shared/spec/vectors.json', import.meta.url), 'utf8')) as Vector[];

export function vector(name: string): Vector {
  const found = VECTORS.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no vector named ${JSON.stringify(name)}`);
  return found;
}

/** A sign-off vector's text with its date key replaced by today's key for `user`. */
export function signOffVectorText(found: Vector, dateKey: string): string {
  if (!found.inputs.datetime_key) throw new Error(`${found.name} is not a sign-off vector`);
  return found.text.split(`"${found.inputs.datetime_key}"`).join(`"${dateKey}"`);
}
