/**
 * The review queue's keys, as data: what a key press asks for, decided from the key and where
 * focus is, so the element only acts. Keys typed into a text field are the reviewer's text.
 */

export type QueueKeyAction =
  | { readonly action: 'toggle'; readonly index: number }
  | { readonly action: 'other' | 'sign-off' | 'previous' | 'next' | 'skip' | 'leave-text' };

/** The keys shown under the queue: [key, what it does]. */
export const QUEUE_KEYS: readonly (readonly [string, string])[] = [
  ['0\u20139', 'toggle reason N'],
  ['o', 'Other text'],
  ['Enter', 'sign off & next'],
  ['\u2190 \u2192', 'previous / next'],
  ['s', 'skip'],
];

function isTextField(node: EventTarget | undefined): boolean {
  if (node instanceof HTMLTextAreaElement) return true;
  return node instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit'].includes(node.type);
}

/** Controls whose own Enter (a click) must win over "sign off & next". */
function ownsEnter(node: EventTarget | undefined): boolean {
  return node instanceof HTMLButtonElement || node instanceof HTMLAnchorElement || (node instanceof HTMLElement && node.localName === 'summary');
}

/** The queue's action for `event`, or `undefined` when the key is not the queue's. */
export function queueKeyAction(event: KeyboardEvent): QueueKeyAction | undefined {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return undefined;
  const target = event.composedPath()[0];
  if (isTextField(target)) return event.key === 'Escape' ? { action: 'leave-text' } : undefined;
  switch (event.key) {
    case 'Enter':
      return ownsEnter(target) || event.shiftKey ? undefined : { action: 'sign-off' };
    case 'ArrowLeft':
      return { action: 'previous' };
    case 'ArrowRight':
      return { action: 'next' };
    case 's':
      return { action: 'skip' };
    case 'o':
      return { action: 'other' };
    default:
      return /^[0-9]$/.test(event.key) ? { action: 'toggle', index: Number(event.key) } : undefined;
  }
}
