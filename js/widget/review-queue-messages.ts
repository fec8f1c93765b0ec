/**
 * The review queue widget's state and messages beside the relay's (`relay-messages.ts`), snake_case
 * as on the wire; the Python twin is `python/alyx_qc/_queue.py`. Per-session state never goes into
 * a trait (the saved notebook would grow with the queue): statuses and plots travel as messages.
 */
import type { AnyModel } from '@anywidget/types';
import type { SignOffKind } from '../core/note-kind.ts';
import type { QueueStatusRow } from '../core/review-queue-state.ts';

/** The synced traits the queue reads (fixed for the widget's life, but `status`/`error`). */
export interface QueueWidgetState {
  readonly [key: string]: unknown;
  eids: string[];
  sign_off_key: string | null;
  kind: string | null;
  /** The kind's definition, from Python's `kinds.json` (see `registerSentKind` in widget-state.ts). */
  note_kind: SignOffKind | null;
  base_url: string;
  user: string;
  /** Whether Python has a `plot` callable. */
  has_plot: boolean;
  /** `loading`, `idle` once shown, `failed` when loading failed (see `error`). */
  status: string;
  error: string;
}

export type QueueModel = AnyModel<QueueWidgetState>;

/** View → kernel: make the plot of `eid` (the current session, or the next one, prefetched). */
export interface PlotRequestMessage {
  readonly type: 'plot-request';
  readonly eid: string;
}

/** View → kernel: every session's status, after each change (Python's `q.statuses`). */
export interface QueueStatusesMessage {
  readonly type: 'queue-statuses';
  readonly frontend: string;
  readonly statuses: readonly QueueStatusRow[];
}

/** Kernel → view: the plot of `eid` as one binary buffer of type `mime`, or why there is none. */
export type PlotMessage =
  /** `size` and `sha256` when the kernel holds the plot as the figure the sign-off may attach (PNG or JPEG). */
  | { readonly type: 'plot'; readonly eid: string; readonly mime: string; readonly size?: number; readonly sha256?: string }
  | { readonly type: 'plot'; readonly eid: string; readonly error: string };

/** Kernel → view: `q.submit(eid, ...)`. */
export interface QueueSubmitMessage {
  readonly type: 'submit';
  readonly id?: string;
  readonly frontend: string;
  readonly eid: string;
  readonly choice: { readonly reasons?: readonly string[]; readonly nums?: string; readonly other: string | null };
  readonly with_note?: boolean;
}

export function isPlotMessage(content: unknown): content is PlotMessage {
  return typeof content === 'object' && content !== null && (content as { type?: unknown }).type === 'plot' && typeof (content as { eid?: unknown }).eid === 'string';
}

export function isQueueSubmit(content: unknown): content is QueueSubmitMessage {
  return typeof content === 'object' && content !== null && (content as { type?: unknown }).type === 'submit' && typeof (content as { eid?: unknown }).eid === 'string';
}
