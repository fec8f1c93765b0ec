/**
 * Python's `json.dumps` / `json.loads`, reproduced byte for byte, because Alyx notes must be
 * identical to the ones ibllib writes and ibllib must be able to extend ours. `JSON.stringify`
 * differs (`,`/`:` separators, non-ASCII left unescaped, integer-like keys reordered), so it is
 * never used for note text.
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

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

/** Python's `ensure_ascii` string encoding: printable ASCII stays, everything else is `\uXXXX`. */
export function dumpString(value: string): string {
  let out = '"';
  // Walking UTF-16 code units (not code points) writes astral characters as surrogate pairs,
  // and lone surrogates as themselves, which is what Python does.
  for (let i = 0; i < value.length; i++) {
    const ch = value.charAt(i);
    const code = value.charCodeAt(i);
    const short = SHORT_ESCAPES[ch];
    if (short !== undefined) out += short;
    else if (code >= 0x20 && code <= 0x7e) out += ch;
    else out += '\\u' + code.toString(16).padStart(4, '0');
  }
  return out + '"';
}

/** Python's `repr(float)`: shortest round-trip digits, fixed notation for 1e-4 <= |x| < 1e16. */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const [mantissa = '', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  const sign = mantissa.startsWith('-') ? '-' : '';
  const digits = mantissa.replace('-', '').replace('.', '');
  if (exponent < -4 || exponent >= 16) {
    const fraction = digits.length > 1 ? '.' + digits.slice(1) : '';
    const expSign = exponent < 0 ? '-' : '+';
    return `${sign}${digits[0]}${fraction}e${expSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const intPart = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fracPart = digits.slice(exponent + 1) || '0';
  return `${sign}${intPart}.${fracPart}`;
}

function isOrderedMap(value: PyJson): value is ReadonlyMap<string, PyJson> {
  return value instanceof Map;
}

/** Serialise `value` exactly as Python's `json.dumps(value)` would with default arguments. */
export function pythonJsonDumps(value: PyJson): string {
  if (value === null) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'string') return dumpString(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return pythonFloatRepr(value);
  if (Array.isArray(value)) return '[' + value.map((item: PyJson) => pythonJsonDumps(item)).join(', ') + ']';
  const entries = isOrderedMap(value) ? [...value.entries()] : Object.entries(value as Record<string, PyJson>);
  return '{' + entries.map(([key, item]) => `${dumpString(key)}: ${pythonJsonDumps(item)}`).join(', ') + '}';
}

/** Thrown by {@link pythonJsonLoads} for text that Python's `json.loads` would also reject. */
export class PyJsonSyntaxError extends SyntaxError {
  constructor(message: string, readonly position: number) {
    super(`${message} at character ${position}`);
    this.name = 'PyJsonSyntaxError';
  }
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const SIMPLE_UNESCAPES: Readonly<Record<string, string>> = {
  '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t',
};
const NUMBER_PATTERN = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;

/**
 * Parse like Python's `json.loads`: objects become `Map`s (a repeated key keeps its first position
 * and takes the last value, as `dict` does), integers `bigint`, floats `number`; `NaN`,
 * `Infinity` and `-Infinity` are accepted; raw control characters inside strings are rejected.
 */
export function pythonJsonLoads(text: string): PyJson {
  let pos = 0;
  const fail = (message: string): never => {
    throw new PyJsonSyntaxError(message, pos);
  };
  const skipWhitespace = (): void => {
    while (pos < text.length && WHITESPACE.has(text.charAt(pos))) pos++;
  };
  const parseString = (): string => {
    pos++; // opening quote
    let out = '';
    for (;;) {
      if (pos >= text.length) fail('Unterminated string');
      const ch = text.charAt(pos);
      if (ch === '"') {
        pos++;
        return out;
      }
      if (ch === '\\') {
        const next = text.charAt(pos + 1);
        if (next === 'u') {
          const hex = text.slice(pos + 2, pos + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('Invalid \\uXXXX escape');
          out += String.fromCharCode(parseInt(hex, 16));
          pos += 6;
        } else {
          const unescaped = SIMPLE_UNESCAPES[next];
          if (unescaped === undefined) fail('Invalid \\escape');
          out += unescaped;
          pos += 2;
        }
        continue;
      }
      if (ch.charCodeAt(0) < 0x20) fail('Invalid control character');
      out += ch;
      pos++;
    }
  };
  const parseValue = (): PyJson => {
    skipWhitespace();
    const ch = text.charAt(pos);
    if (ch === '"') return parseString();
    if (ch === '{') {
      pos++;
      const map = new Map<string, PyJson>();
      skipWhitespace();
      if (text.charAt(pos) === '}') {
        pos++;
        return map;
      }
      for (;;) {
        skipWhitespace();
        if (text.charAt(pos) !== '"') fail('Expecting property name enclosed in double quotes');
        const key = parseString();
        skipWhitespace();
        if (text.charAt(pos) !== ':') fail("Expecting ':' delimiter");
        pos++;
        map.set(key, parseValue());
        skipWhitespace();
        const sep = text.charAt(pos++);
        if (sep === '}') return map;
        if (sep !== ',') fail("Expecting ',' delimiter");
      }
    }
    if (ch === '[') {
      pos++;
      const list: PyJson[] = [];
      skipWhitespace();
      if (text.charAt(pos) === ']') {
        pos++;
        return list;
      }
      for (;;) {
        list.push(parseValue());
        skipWhitespace();
        const sep = text.charAt(pos++);
        if (sep === ']') return list;
        if (sep !== ',') fail("Expecting ',' delimiter");
      }
    }
    for (const [literal, value] of [
      ['null', null], ['true', true], ['false', false], ['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity],
    ] as const) {
      if (text.startsWith(literal, pos)) {
        pos += literal.length;
        return value;
      }
    }
    NUMBER_PATTERN.lastIndex = pos;
    const match = NUMBER_PATTERN.exec(text);
    if (!match) return fail('Expecting value');
    pos += match[0].length;
    return match[1] === undefined && match[2] === undefined ? BigInt(match[0]) : Number(match[0]);
  };
  const value = parseValue();
  skipWhitespace();
  if (pos !== text.length) fail('Extra data');
  return value;
}
