/**
 * The async state of a panel's submission, named for every case as Lit's `TaskStatus`:
 * idle → pending → complete (with the workflow's result) or failed (with the error's words).
 */

/**
 * The workflow a panel calls with the reviewer's submission (see `QcPanel.submit`). It may call
 * `onWritten` once the writes are answered, before it resolves (the sign-off's read-back runs on):
 * the panel says "written" then, and what the promise brings decides the end.
 */
export type SubmitFunction<S, R> = (submission: S, signal: AbortSignal, onWritten?: (result: R) => void) => Promise<R>;

export type SubmissionState<S, R> =
  /** Nothing sent (again) yet; `notice` says why when there is something to say (e.g. after a cancel). */
  | { readonly status: 'idle'; readonly notice?: string }
  | { readonly status: 'pending'; readonly submission: S }
  /** `verifying`: written, the read-back still running; `rewritten`: the read-back found it undone and wrote it again. */
  | { readonly status: 'complete'; readonly submission: S; readonly result: R; readonly verifying?: boolean; readonly rewritten?: boolean }
  | { readonly status: 'failed'; readonly submission: S; readonly message: string };

/** The words shown for an error: the message (alyx-qc errors say what to do), never markup. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
