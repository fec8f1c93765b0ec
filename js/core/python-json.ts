/**
 * Python's `json.dumps` / `json.loads`, reproduced byte for byte, because Alyx notes must be
 * identical to the ones ibllib writes and ibllib must be able to extend ours. `JSON.stringify`
 * differs (`,`/`:` separators, non-ASCII left unescaped, integer-like keys reordered), so it is
 * never used for note text as a whole.
 *
 * Value model, chosen so that a note survives `loads` → edit → `dumps` unchanged:
 * - objects are `Map`s (insertion order for every key, like a Python dict; plain objects are
 *   accepted for convenience when no key looks like an integer);
 * - Python `int` is `bigint` (arbitrary precision), Python `float` is `number` (so `1` dumps as
 *   `1.0`: write `1n` for an int).
 */

/** A JSON value as Python holds it. */
export type PyJson =
  | string
  | number
  | bigint
  | boolean
  | null
  | readonly PyJson[]
  | ReadonlyMap<string, PyJson>
  | { readonly [key: string]: PyJson };

/**
 * Python's `ensure_ascii` string encoding. `JSON.stringify` already writes Python's short escapes
 * and `\u00XX` (lower-case hex) for other control characters and for lone surrogates; what is left
 * outside printable ASCII becomes `\uXXXX` too, per UTF-16 code unit, so astral characters come out
 * as surrogate pairs, as in Python.
 */
function dumpString(value: string): string {
  return JSON.stringify(value).replace(/[^ -~]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Python's `repr(float)`: the shortest round-trip digits (as JavaScript's), but fixed notation only for 1e-4 <= |x| < 1e16. */
function pythonFloatRepr(value: number): string {
  if (Object.is(value, -0)) return '-0.0';
  const [mantissa, exponent = '0'] = value.toExponential().split('e');
  if (+exponent < -4 || +exponent > 15) return `${mantissa}e${exponent.replace(/\d+/, (digits) => digits.padStart(2, '0'))}`;
  const fixed = String(value);
  // NaN and Infinity are written as they are, which is what Python's json.dumps does.
  return fixed.includes('.') || !Number.isFinite(value) ? fixed : `${fixed}.0`;
}

/** Serialise `value` exactly as Python's `json.dumps(value)` would with default arguments. */
export function pythonJsonDumps(value: PyJson): string {
  if (typeof value === 'string') return dumpString(value);
  if (typeof value === 'number') return pythonFloatRepr(value);
  // null, booleans and bigints (Python ints) print as JSON does.
  if (typeof value !== 'object' || value === null) return String(value);
  if (Array.isArray(value)) return `[${value.map((item: PyJson) => pythonJsonDumps(item)).join(', ')}]`;
  const entries = value instanceof Map ? [...value] : Object.entries(value);
  return `{${entries.map(([key, item]) => `${dumpString(key)}: ${pythonJsonDumps(item)}`).join(', ')}}`;
}

/**
 * One token after Python's whitespace: a string (no raw control characters; JSON.parse refuses
 * with a SyntaxError an escape JSON does not allow, as Python does), a number (its fraction and exponent captured: without them it is an int), a JSON
 * keyword, Python's NaN and infinities, or punctuation.
 */
const TOKEN = /[ \t\n\r]*(?:("(?:[^"\\\0-\x1f]|\\.)*")|(-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?)|(null|true|false)|(NaN|-?Infinity)|([[\]{}:,]))/y;

/**
 * Parse like Python's `json.loads`: objects become `Map`s (a repeated key keeps its first position
 * and takes the last value, as `dict` does), integers `bigint`, floats `number`; `NaN`,
 * `Infinity` and `-Infinity` are accepted; raw control characters inside strings are rejected.
 * Text that Python's `json.loads` would reject throws a `SyntaxError` naming where (for a bad
 * escape, JSON.parse's: where in the string).
 */
export function pythonJsonLoads(text: string): PyJson {
  let pos = 0;
  // One message for every rejection: note text that is not JSON is read as free text, never shown.
  const fail = (): never => {
    throw new SyntaxError(`Not JSON at character ${pos}`);
  };
  const next = (): RegExpExecArray => {
    TOKEN.lastIndex = pos;
    const token = TOKEN.exec(text) ?? fail();
    pos = TOKEN.lastIndex;
    return token;
  };
  const parseValue = (token = next()): PyJson => {
    const [, string, number, fraction, exponent, keyword, special, punctuation] = token;
    // JSON.parse decodes a string's escapes as Python does, and throws on the ones it does not allow.
    if (string) return JSON.parse(string) as string;
    if (number) return fraction || exponent ? Number(number) : BigInt(number);
    if (keyword) return JSON.parse(keyword) as null | boolean;
    if (special) return Number(special);
    const close = punctuation === '[' ? ']' : punctuation === '{' ? '}' : fail();
    const list: PyJson[] = [];
    const map = new Map<string, PyJson>();
    let item = next();
    if (item[7] !== close) {
      for (;;) {
        if (close === ']') list.push(parseValue(item));
        else {
          const key = item[1] ?? fail();
          if (next()[7] !== ':') fail();
          map.set(JSON.parse(key) as string, parseValue());
        }
        const separator = next()[7];
        if (separator === close) break;
        if (separator !== ',') fail();
        item = next();
      }
    }
    return close === ']' ? list : map;
  };
  const value = parseValue();
  if (!/^[ \t\n\r]*$/.test(text.slice(pos))) fail();
  return value;
}
