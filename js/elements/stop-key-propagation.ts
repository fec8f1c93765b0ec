import { stop } from './events.ts';

/**
 * Keeps key presses inside `host` from reaching the page. JupyterLab and Notebook 7 read
 * keydown events on the document to run command-mode shortcuts ("a", "b", "d d", "Shift+Enter"),
 * so typing "Other" text in a widget would otherwise insert or delete cells. Stopping
 * propagation does not cancel default actions: Tab, Enter on a button and Escape on a dialog
 * still work.
 */
export function stopKeyPropagation(host: HTMLElement): void {
  for (const type of ['keydown', 'keypress', 'keyup']) host.addEventListener(type, stop);
}
