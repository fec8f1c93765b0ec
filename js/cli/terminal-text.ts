/**
 * Text from Alyx (note texts, usernames, checklist entries, server messages) made safe to print:
 * a note holding escape sequences could otherwise erase the listing, fake "No existing critical
 * notes", hide the y/n question, set the window title or write the clipboard, and a bidi override
 * reverses the line it is on. `--json` output needs none of this: JSON escapes control characters.
 */

/**
 * C0 and C1 controls (ESC, CSI, OSC…, newline and carriage return too: one line stays one line),
 * DEL, and the bidi marks, embeddings, overrides and isolates.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every unsafe character shown as `\uXXXX` (a tab as `\t`), the rest as it is. */
export function forTerminal(text: string): string {
  return text.replace(UNSAFE, (char) => (char === '\t' ? '\\t' : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`));
}
