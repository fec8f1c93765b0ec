/**
 * The queue's plots: asked for the current session and the next one (so the next is shown at
 * once), kept for a few sessions around, and their object URLs revoked when dropped. Each is
 * loaded and decoded into its own `<img>` before it counts as ready, so showing it is only moving
 * that element into place: no fetch of the blob and no decode between Enter and the next session.
 */
import { errorMessage } from './submission.ts';

/** What makes a session's plot: an image as a Blob, or a URL to one. */
export type PlotFunction = (eid: string, signal: AbortSignal) => Promise<Blob | string>;

export type PlotState =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly url: string; readonly image: HTMLImageElement }
  | { readonly status: 'failed'; readonly message: string };

/** Plots kept at most (the current one, the next, and a few just seen). */
const KEPT = 6;

export class QueuePlots {
  readonly #states = new Map<string, PlotState>();
  readonly #owned = new Set<string>();
  readonly #controller = new AbortController();

  constructor(
    private readonly plot: PlotFunction,
    private readonly changed: () => void,
    /** The image's alternative text. */
    private readonly label: (eid: string) => string,
  ) {}

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
    let owned = '';
    try {
      const image = await this.plot(eid, this.#controller.signal);
      const url = typeof image === 'string' ? image : image instanceof Blob ? (owned = URL.createObjectURL(image)) : '';
      const element = new Image();
      element.alt = this.label(eid);
      element.src = url;
      // Decoded here, so a Blob that is no image (or a URL to none) fails now, with what it was.
      await element.decode().catch(() => {
        throw new TypeError(`The plot for ${eid} is not an image (${image instanceof Blob ? `a Blob of type "${image.type}"` : typeof image === 'string' ? `the URL ${image.slice(0, 80)}` : typeof image}): return a PNG or JPEG Blob or an image URL.`);
      });
      state = { status: 'ready', url, image: element };
    } catch (error) {
      if (owned) URL.revokeObjectURL(owned);
      owned = '';
      state = { status: 'failed', message: errorMessage(error) };
    }
    if (this.#states.get(eid)?.status !== 'loading') {
      // Dropped meanwhile.
      if (owned) URL.revokeObjectURL(owned);
      return;
    }
    if (owned) this.#owned.add(eid);
    this.#states.set(eid, state);
    this.changed();
  }

  #drop(eid: string): void {
    const state = this.#states.get(eid);
    if (state?.status === 'ready' && this.#owned.delete(eid)) URL.revokeObjectURL(state.url);
    this.#states.delete(eid);
  }
}
