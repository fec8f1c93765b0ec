/**
 * The async state of a panel's submission, named for every case as Lit's `TaskStatus`:
 * idle → pending → complete (with the workflow's result) or failed (with the error's words).
 */

/** The workflow a panel calls with the reviewer's submission (see `QcPanel.submit`). */
export type SubmitFunction<S, R> = (submission: S, signal: AbortSignal) => Promise<R>;

export type SubmissionState<S, R> =
  /** Nothing sent (again) yet; `notice` says why when there is something to say (e.g. after a cancel). */
  | { readonly status: 'idle'; readonly notice?: string }
  | { readonly status: 'pending'; readonly submission: S }
  | { readonly status: 'complete'; readonly submission: S; readonly result: R }
  | { readonly status: 'failed'; readonly submission: S; readonly message: string };

/** The words shown for an error: the message (alyx-qc errors say what to do), never markup. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
