/**
 * Work that must not delay the next session on screen (starting a write, prefetching the next
 * plot, telling Python the statuses, scrolling the list): run after the frames that show it.
 */

/** A hidden page paints no frame: this much later at the most, so a write never waits on a tab. */
const LATEST_MS = 50;

/**
 * One wait shared by the callers before the same frame (one pair of animation frames, one timer);
 * a caller after that frame has begun waits for frames of its own.
 */
let pending: Promise<void> | null = null;

/**
 * Resolves after the frame that shows what was just rendered and the one after it (a task after
 * the second `requestAnimationFrame`), or after {@link LATEST_MS}, whichever comes first.
 */
export function afterPaint(): Promise<void> {
  if (!pending) {
    // The callbacks run after `promise` is set: each frees the slot only if it is still theirs.
    const promise = new Promise<void>((resolve) => {
      const release = (): void => {
        if (pending === promise) pending = null;
      };
      const done = (): void => {
        release();
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(done, LATEST_MS);
      requestAnimationFrame(() => {
        release();
        requestAnimationFrame(() => setTimeout(done));
      });
    });
    pending = promise;
  }
  return pending;
}

/** `promise`, or nothing after {@link LATEST_MS}: a hidden tab may hold an image's decode until it is shown again. */
export function atMost(promise: Promise<unknown>): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, LATEST_MS);
    void promise.catch(() => undefined).then(() => (clearTimeout(timer), resolve()));
  });
}
