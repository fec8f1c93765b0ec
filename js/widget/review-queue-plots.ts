/**
 * The queue's plots, made by Python's `plot(eid)` in the kernel: asked for by message, answered
 * with the image as one binary buffer (never base64 in a trait, which the notebook would save).
 */
import type { PlotFunction } from '../elements/review-queue-plots.ts';
import type { PlotMessage, PlotRequestMessage } from './review-queue-messages.ts';

/** A plot may take a while (a matplotlib figure of many trials); a kernel busy running a cell answers after it. */
const PLOT_TIMEOUT_MS = 120_000;

interface Waiting {
  resolve(image: Blob): void;
  reject(error: Error): void;
}

/** A plot the kernel holds as the figure a sign-off attaches: named by its digest, never sent back. */
export interface HeldPlot {
  readonly contentType: string;
  readonly size: number;
  readonly sha256: string;
}

export class KernelPlots {
  readonly #waiting = new Map<string, Waiting[]>();
  readonly #held = new Map<string, HeldPlot>();

  constructor(private readonly send: (message: PlotRequestMessage) => void) {}

  /**
   * The element's `plot`. Its signal is not needed: the kernel makes each plot once whoever waits
   * for it, and an answer nobody waits for any more is dropped by the element.
   */
  readonly plot: PlotFunction = (eid) =>
    new Promise<Blob>((resolve, reject) => {
      const waiting: Waiting = {
        resolve: (image) => (clearTimeout(timer), resolve(image)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      };
      const timer = setTimeout(() => this.#settle(eid, waiting, new Error(`plot(${eid}) did not answer within ${PLOT_TIMEOUT_MS / 1000} s; the kernel may be busy or stopped.`)), PLOT_TIMEOUT_MS);
      const list = this.#waiting.get(eid);
      if (list) list.push(waiting);
      else {
        this.#waiting.set(eid, [waiting]);
        this.send({ type: 'plot-request', eid });
      }
    });

  /** The kernel's answer for one session. */
  receive(message: PlotMessage, buffers: readonly DataView[] | undefined): void {
    const list = this.#waiting.get(message.eid) ?? [];
    this.#waiting.delete(message.eid);
    const [buffer] = buffers ?? [];
    if ('mime' in message && typeof message.sha256 === 'string' && typeof message.size === 'number') this.#held.set(message.eid, { contentType: message.mime, size: message.size, sha256: message.sha256 });
    else this.#held.delete(message.eid);
    for (const waiting of list) {
      if ('error' in message) waiting.reject(new Error(message.error));
      else if (!buffer) waiting.reject(new Error(`The kernel sent the plot of ${message.eid} without its image.`));
      // Copied out of the message's buffer, which may be shared.
      else waiting.resolve(new Blob([new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength).slice()], { type: message.mime }));
    }
  }

  /** The figure the kernel holds for a session, once its plot came. */
  held(eid: string): HeldPlot | undefined {
    return this.#held.get(eid);
  }

  /**
   * The figure of a session's sign-off: its plot once it came, waiting for one still on its way
   * (Enter can come before the kernel has answered, and a verdict must not go without the figure
   * the reviewer asked for). A plot that failed or timed out attaches nothing.
   */
  async figureFor(eid: string): Promise<HeldPlot | undefined> {
    if (this.#waiting.has(eid)) await this.plot(eid, new AbortController().signal).catch(() => undefined);
    return this.#held.get(eid);
  }

  #settle(eid: string, waiting: Waiting, error: Error): void {
    const list = this.#waiting.get(eid)?.filter((other) => other !== waiting);
    if (list?.length) this.#waiting.set(eid, list);
    else this.#waiting.delete(eid);
    waiting.reject(error);
  }
}
