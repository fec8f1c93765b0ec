/**
 * The messages between the widget's front end and the kernel, sent as anywidget custom messages
 * (`model.send` / `msg:custom`; not the experimental `invoke`, which marimo lacks). The Python
 * twin is `python/alyx_qc/_messages.py`. snake_case on the wire.
 *
 * A stock Alyx sends no CORS headers and the token must stay in Python, so the front end never
 * talks to Alyx: it hands each request to the kernel, which checks it, adds the token and answers
 * with the same id.
 */
import type { HttpMethod } from '../core/workflow-types.ts';

/** Front end → kernel: perform this request (the kernel adds the credentials). */
export interface AlyxRequestMessage {
  readonly type: 'alyx-request';
  /** Unique per view; the answer carries it back. */
  readonly id: string;
  readonly method: HttpMethod;
  /** Absolute URL under the widget's `base_url`; the kernel refuses any other. */
  readonly url: string;
  /**
   * JSON text, for POST/PATCH. A figure note's `POST /notes` (issue 16) is its four fields, no
   * file: the kernel checks that the text names a verdict of this widget and the figure it holds
   * (by its SHA-256), and posts it to Alyx as multipart with those bytes.
   */
  readonly body?: string;
}

/** Front end → kernel: the request was aborted or timed out; do not answer it. */
export interface AlyxAbortMessage {
  readonly type: 'alyx-abort';
  readonly id: string;
}

/**
 * Front end → kernel: a view of the widget appeared (`count` 1) or went (`count` 0). The kernel
 * sends `submit` to one view shown (several views or browser tabs must not write twice), and
 * `submit()` in Python fails at once when none is.
 */
export interface ViewsMessage {
  readonly type: 'views';
  /** The view's id, random per view (named `frontend` on the wire, as Python reads it). */
  readonly frontend: string;
  readonly count: number;
}

/** Front end → kernel: this view took up the `submit` with this id (Python stops waiting for one). */
export interface SubmitStartedMessage {
  readonly type: 'submit-started';
  readonly id: string;
}

/** Front end → kernel: the image of a figure note of this widget's objects (issue 16). */
export interface AlyxImageRequestMessage {
  readonly type: 'alyx-image-request';
  readonly id: string;
  readonly note_id: string;
}

export type FrontendMessage = AlyxRequestMessage | AlyxAbortMessage | ViewsMessage | SubmitStartedMessage | AlyxImageRequestMessage;

/** Kernel → front end: Alyx's answer, whatever its status. */
export interface AlyxResponseMessage {
  readonly type: 'alyx-response';
  readonly id: string;
  readonly status: number;
  /** Lower-case names; only `content-type` and `retry-after` are passed on. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * Why the kernel sent no request or got no answer:
 * - `refused`: not a request the widget's workflow makes (another Alyx, endpoint, filter, object
 *   or write than the relay contract allows: see `python/alyx_qc/_scope.py`); final, not retried;
 * - `network`: the kernel could not reach Alyx;
 * - `timeout`: Alyx did not answer the kernel in time;
 * - `internal`: the relay itself failed (a bug: the message says what to report).
 */
export type RelayErrorCode = 'refused' | 'network' | 'timeout' | 'internal';

/** Kernel → front end: no response; `message` says what and why, never with the token. */
export interface AlyxRelayErrorMessage {
  readonly type: 'alyx-relay-error';
  readonly id: string;
  readonly code: RelayErrorCode;
  readonly message: string;
}

/** Kernel → front end: `widget.submit(...)` from Python; the front end runs the workflow. */
export interface SubmitMessage {
  readonly type: 'submit';
  /** The view that should run it (see {@link ViewsMessage}). */
  readonly frontend: string;
  /** Answered with {@link SubmitStartedMessage} by the view that runs it. */
  readonly id?: string;
  /** Reasons by text, or by ibllib's `nums` (`"1,3"`, 0-based); the core validates either. */
  readonly choice: { readonly reasons?: readonly string[]; readonly nums?: string; readonly other: string | null };
  /** Sign-off only: `false` signs off the checklist without a note. Default true. */
  readonly with_note?: boolean;
  /** Critical only: replace existing notes of the same title. Default false. */
  readonly overwrite?: boolean;
  /** Attach the figure given with `figure=` (issue 16). Default true. */
  readonly attach_figure?: boolean;
}

/** Kernel → front end: a figure note's image; its bytes are the message's one binary buffer. */
export interface AlyxImageMessage {
  readonly type: 'alyx-image';
  readonly id: string;
  readonly content_type: string;
}

export type KernelMessage = AlyxResponseMessage | AlyxRelayErrorMessage | SubmitMessage | AlyxImageMessage;

const KERNEL_TYPES: ReadonlySet<string> = new Set(['alyx-response', 'alyx-relay-error', 'submit', 'alyx-image']);

/** The message if it is one of ours; hosts may deliver other custom messages to the same model. */
export function asKernelMessage(content: unknown): KernelMessage | undefined {
  if (content === null || typeof content !== 'object') return undefined;
  const type = (content as { type?: unknown }).type;
  return typeof type === 'string' && KERNEL_TYPES.has(type) ? (content as KernelMessage) : undefined;
}
