import { stop } from './events.ts';

/**
 * Keeps key presses inside `host` from bubbling to the page: hosts that listen on the document or
 * on an output in the bubble phase (classic notebook keymaps, marimo's cell shortcuts, Voila
 * templates) never see them. It cannot stop Lumino (JupyterLab, Notebook 7), which reads keys in
 * the capture phase before the element does: `host-shortcuts.ts` does that. Stopping propagation
 * does not cancel default actions: Tab, Enter on a button and Escape on a dialog still work.
 */
export function stopKeyPropagation(host: HTMLElement): void {
  for (const type of ['keydown', 'keypress', 'keyup']) host.addEventListener(type, stop);
}
