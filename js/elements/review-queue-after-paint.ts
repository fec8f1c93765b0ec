/**
 * Work that must not delay the next session on screen (starting a write, prefetching the next
 * plot, telling Python the statuses, scrolling the list): run after the frame that shows it.
 */

/** A hidden page paints no frame: this much later at the most, so a write never waits on a tab. */
const LATEST_MS = 50;

/** Resolves after the next frame is painted (a task after `requestAnimationFrame`), or after {@link LATEST_MS}. */
export function afterPaint(): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, LATEST_MS);
    requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => (clearTimeout(timer), resolve()))));
  });
}
