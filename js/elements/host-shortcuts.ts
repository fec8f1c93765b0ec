/**
 * Keeps a notebook's keyboard shortcuts away from keys typed in an element, in every host.
 *
 * - `data-lm-suppress-shortcuts`: Lumino (JupyterLab 4, Notebook 7) reads shortcuts on the whole
 *   page in the capture phase, before the element sees the key, and skips events from inside an
 *   element carrying this attribute. Without it, "j" in the "Other" box moved Notebook 7's cell
 *   selection, "x" cut a cell and Shift+Enter re-ran the widget's cell.
 * - `focusin` again from the host: focus moving between controls of one shadow root (a checkbox to
 *   the text box) fires no `focusin` outside it, because target and related target are both the
 *   host there. Hosts that track focus to tell typing from commands (Notebook 7's command mode,
 *   VS Code's notebook, whose shortcuts stop only while it believes an output's field has focus)
 *   would miss that; the element tells them.
 */

/** The re-dispatched events, so an enclosing element does not send them on once more. */
const relayed = new WeakSet<Event>();

/** Whether `node` is inside `root` or a shadow root nested in it. */
function within(node: unknown, root: Node): boolean {
  for (let at = node instanceof Node ? node.getRootNode() : null; at instanceof ShadowRoot; at = at.host.getRootNode()) {
    if (at === root) return true;
  }
  return false;
}

/** Marks `host` and relays focus moves inside `root` (its shadow root); call once it is connected. */
export function suppressHostShortcuts(host: HTMLElement, root: Node): void {
  host.setAttribute('data-lm-suppress-shortcuts', '');
  root.addEventListener('focusin', (event) => {
    const { relatedTarget } = event as FocusEvent;
    if (relayed.has(event) || !within(relatedTarget, root)) return;
    const again = new FocusEvent('focusin', { bubbles: true, composed: true });
    relayed.add(again);
    host.dispatchEvent(again);
  });
}
