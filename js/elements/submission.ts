/**
 * The async state of a panel's submission, named for every case as Lit's `TaskStatus`:
 * idle → pending → complete (with the workflow's result) or failed (with the error).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { emit, type FailedDetail } from './events.ts';

export type SubmitFunction<S, R> = (submission: S, signal: AbortSignal) => Promise<R>;

export type SubmissionState<S, R> =
  | { readonly status: 'idle' }
  | { readonly status: 'pending'; readonly submission: S }
  | { readonly status: 'complete'; readonly submission: S; readonly result: R }
  | { readonly status: 'failed'; readonly submission: S; readonly message: string };

/** The words shown for an error: the message (alyx-qc errors say what to do), never markup. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs one submission at a time for its host. A second `run` while one is pending is ignored:
 * that, not a timer, is what keeps a double click from writing twice.
 */
export class SubmissionController<S, R extends { readonly status: string }> implements ReactiveController {
  state: SubmissionState<S, R> = { status: 'idle' };

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly onComplete?: (result: R, submission: S) => void,
  ) {
    host.addController(this);
  }

  get pending(): boolean {
    return this.state.status === 'pending';
  }

  /** Back to idle unless a submission is in flight (a new choice after a result, a cancel). */
  reset(): void {
    if (!this.pending) this.#set({ status: 'idle' });
  }

  async run(submit: SubmitFunction<S, R> | undefined, submission: S): Promise<void> {
    if (this.pending) return;
    this.#set({ status: 'pending', submission });
    // A signal per submission, as the contract asks. It is never aborted from here: a write in
    // flight when the element leaves the page (a notebook re-rendering its outputs) must finish,
    // or Alyx could be left half-written; the result then simply lands in a detached element.
    const controller = new AbortController();
    try {
      if (typeof submit !== 'function') {
        throw new TypeError('This panel has no submit function: set its `submit` property to the workflow to call.');
      }
      const result = await submit(submission, controller.signal);
      this.#set({ status: 'complete', submission, result });
      if (result.status === 'written') emit(this.host, 'alyx-qc-written', result);
      this.onComplete?.(result, submission);
    } catch (error) {
      console.error('[alyx-qc] submission failed:', error);
      const message = errorMessage(error);
      this.#set({ status: 'failed', submission, message });
      emit<FailedDetail>(this.host, 'alyx-qc-failed', { error, message });
    }
  }

  /** Deliberately aborts nothing: see `run`. Reconnected elements show the latest state. */
  hostDisconnected(): void {}

  #set(state: SubmissionState<S, R>): void {
    this.state = state;
    this.host.requestUpdate();
  }
}
