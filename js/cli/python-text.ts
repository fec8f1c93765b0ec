/**
 * The two bits of Python string behaviour the terminal flow shows or stores: `str.strip()` on
 * typed answers (ibllib stores `input(...).strip().lower()`) and `repr()` of the selected
 * reasons (`You selected reason(s): [...]`).
 */

// Python's str.isspace(): bidi classes WS, B, S and category Zs. JavaScript's trim() differs
// (it strips U+FEFF but keeps U+001C..U+001F and U+0085), so typed text would not match ibllib's.
const PY_SPACE = '\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';

/** Python's `text.strip()`. */
export function pythonStrip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && PY_SPACE.includes(text.charAt(start))) start++;
  while (end > start && PY_SPACE.includes(text.charAt(end - 1))) end--;
  return text.slice(start, end);
}

/** What ibllib stores from a typed answer: `input(...).strip().lower()`. */
export function typedAnswer(line: string): string {
  return pythonStrip(line).toLowerCase();
}

// Python prints every character that is not in categories C* (control, format, surrogate,
// private, unassigned) or Z* (separators) as itself; ASCII space is the one printable separator.
const NOT_PRINTABLE = /[\p{C}\p{Z}]/u;

function escapeChar(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  if (char === '\t') return '\\t';
  if (char === '\n') return '\\n';
  if (char === '\r') return '\\r';
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\U${code.toString(16).padStart(8, '0')}`;
}

/** Python's `repr(text)` for a `str`. */
export function pythonStrRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let body = '';
  for (const char of text) {
    if (char === '\\') body += '\\\\';
    else if (char === quote) body += `\\${quote}`;
    else if (char !== ' ' && NOT_PRINTABLE.test(char)) body += escapeChar(char);
    else body += char;
  }
  return `${quote}${body}${quote}`;
}

/** Python's `repr(list_of_str)`, e.g. `['synching impossible', 'Other']`. */
export function pythonListRepr(items: readonly string[]): string {
  return `[${items.map(pythonStrRepr).join(', ')}]`;
}
