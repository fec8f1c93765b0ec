/** When and how long to wait before sending a request again. */
import { AlyxQcError, type ErrorCode } from './errors.ts';

export interface RetryPolicy {
  /** Further attempts after a network error, a timeout or a 5xx (idempotent requests only). */
  readonly retries: number;
  /** Further attempts after a 429; each waits for `Retry-After`. */
  readonly throttleRetries: number;
  /** First backoff; doubles with each attempt, with jitter, up to `maxDelayMs`. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Longest `Retry-After` we are willing to wait; a longer one fails with a throttled error. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 3,
  // A 429 means the server did nothing, so waiting longer is always safe.
  throttleRetries: 10,
  baseDelayMs: 250,
  maxDelayMs: 4_000,
  maxRetryAfterMs: 120_000,
};

/** Whether `error` is one of ours with one of these codes. */
export function hasCode(error: unknown, ...codes: ErrorCode[]): boolean {
  return error instanceof AlyxQcError && codes.includes(error.code);
}

/** Exponential backoff with "full jitter" (so parallel clients do not retry in lockstep). */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return (ceiling * (1 + Math.random())) / 2;
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}
