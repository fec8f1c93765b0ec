/**
 * The queue's plots: asked for the current session and the next one (so the next is shown at
 * once), kept for a few sessions around, and their object URLs revoked when dropped.
 */

/** What makes a session's plot: an image as a Blob, or a URL to one. */
export type PlotFunction = (eid: string, signal: AbortSignal) => Promise<Blob | string>;

export type PlotState =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly url: string }
  | { readonly status: 'failed'; readonly message: string };

/** Plots kept at most (the current one, the next, and a few just seen). */
const KEPT = 6;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class QueuePlots {
  readonly #states = new Map<string, PlotState>();
  readonly #owned = new Set<string>();
  readonly #controller = new AbortController();

  constructor(private readonly plot: PlotFunction, private readonly changed: () => void) {}

  get(eid: string): PlotState | undefined {
    return this.#states.get(eid);
  }

  /** Asks for the plots of `eids` not asked for yet; drops the oldest beyond {@link KEPT}. */
  want(eids: readonly string[]): void {
    for (const eid of eids) {
      const state = this.#states.get(eid);
      if (state) {
        // Seen again: the most recent, kept longest.
        this.#states.delete(eid);
        this.#states.set(eid, state);
        continue;
      }
      this.#states.set(eid, { status: 'loading' });
      void this.#load(eid);
    }
    for (const eid of [...this.#states.keys()].slice(0, Math.max(0, this.#states.size - KEPT))) this.#drop(eid);
  }

  /** Drops every plot and stops the ones being made. */
  clear(): void {
    this.#controller.abort();
    for (const eid of [...this.#states.keys()]) this.#drop(eid);
  }

  async #load(eid: string): Promise<void> {
    let state: PlotState;
    try {
      const image = await this.plot(eid, this.#controller.signal);
      if (typeof image === 'string') state = { status: 'ready', url: image };
      else if (image instanceof Blob && image.type.startsWith('image/')) state = { status: 'ready', url: URL.createObjectURL(image) };
      else throw new TypeError(`The plot for ${eid} is not an image (${image instanceof Blob ? `a Blob of type "${image.type}"` : typeof image}): return an image Blob or an image URL.`);
    } catch (error) {
      state = { status: 'failed', message: messageOf(error) };
    }
    if (this.#states.get(eid)?.status !== 'loading') {
      // Dropped meanwhile.
      if (state.status === 'ready' && state.url.startsWith('blob:')) URL.revokeObjectURL(state.url);
      return;
    }
    if (state.status === 'ready' && state.url.startsWith('blob:')) this.#owned.add(eid);
    this.#states.set(eid, state);
    this.changed();
  }

  #drop(eid: string): void {
    const state = this.#states.get(eid);
    if (state?.status === 'ready' && this.#owned.delete(eid)) URL.revokeObjectURL(state.url);
    this.#states.delete(eid);
  }
}
