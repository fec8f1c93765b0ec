/**
 * A review queue as it runs: each session's status (due, signed off, being written, failed,
 * invalid), writes that run in the background with bounded concurrency, Retry with the
 * reviewer's choice kept, and "all remaining as fine". It knows no transport: the write is a
 * function (the core's `signOff` over a client, the widget's relay, a test's fake), so the
 * element, the widget, the CLI and Observable share it.
 */
import type { SignOffEntry } from './alyx-types.ts';
import { entryReasons } from './review-queue-checklist.ts';
import type { QueueSession, ReviewQueueData } from './review-queue.ts';
import type { SignOffResult, SignOffSubmission } from './workflow-types.ts';

export type QueueItemStatus =
  /** The checklist entry is null or absent. */
  | { readonly status: 'due' }
  /** `entry` is `null` when who and when are not known (see `QueueSession.entry`). */
  | { readonly status: 'signed-off'; readonly entry: SignOffEntry | null; readonly reasons: readonly string[] }
  | { readonly status: 'writing'; readonly submission: SignOffSubmission }
  /** The write failed; `submission` is kept for Retry. */
  | { readonly status: 'failed'; readonly message: string; readonly submission: SignOffSubmission }
  /** Cannot be signed off here (no such session). */
  | { readonly status: 'invalid'; readonly message: string };

export interface QueueItem {
  readonly session: QueueSession;
  readonly status: QueueItemStatus;
}

/** Counts for the header: `14 of 40 signed off · 3 with reasons · 1 failed`. */
export interface QueueSummary {
  readonly total: number;
  readonly signedOff: number;
  readonly withReasons: number;
  readonly writing: number;
  readonly failed: number;
  readonly due: number;
  readonly invalid: number;
}

/**
 * Writes one sign-off (see the module comment). `written` is the core's `onWritten`: both writes
 * answered, the read-back running on; the queue then frees the write's slot for the next session.
 */
export type QueueWrite = (eid: string, submission: SignOffSubmission, signal: AbortSignal, written?: () => void) => Promise<SignOffResult>;

/** "Fine": the checklist entry only, no reasons, as ibllib's `sign_off()`. */
export const FINE: SignOffSubmission = { choice: { reasons: [], other: null }, withNote: false };

function initialStatus(session: QueueSession): QueueItemStatus {
  if (session.problem) return { status: 'invalid', message: session.problem };
  return session.signedOff ? { status: 'signed-off', entry: session.entry, reasons: entryReasons(session.existingNotes, session.entry) } : { status: 'due' };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `14 of 40 signed off · 3 with reasons · 1 failed` (and how many are being written). */
export function describeSummary(summary: QueueSummary): string {
  const parts = [`${summary.signedOff} of ${summary.total} signed off`, `${summary.withReasons} with reasons`];
  if (summary.writing) parts.push(`${summary.writing} being written`);
  if (summary.failed) parts.push(`${summary.failed} failed`);
  if (summary.invalid) parts.push(`${summary.invalid} cannot be signed off`);
  return parts.join(' \u00b7 ');
}

/**
 * The state of a queue. Dispatches `change` after every status change.
 * Writes never block the caller: `submit` returns at once with the write's promise.
 */
export class ReviewQueueState extends EventTarget {
  readonly data: ReviewQueueData;
  readonly #items: QueueItem[];
  readonly #index = new Map<string, number>();
  readonly #write: QueueWrite;
  readonly #concurrency: number;
  readonly #inFlight = new Map<string, Promise<SignOffResult | null>>();
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(data: ReviewQueueData, write: QueueWrite, options: { concurrency?: number } = {}) {
    super();
    this.data = data;
    this.#items = data.sessions.map((session, index) => {
      this.#index.set(session.eid, index);
      return { session, status: initialStatus(session) };
    });
    this.#write = write;
    this.#concurrency = Math.max(1, options.concurrency ?? 4);
  }

  get items(): readonly QueueItem[] {
    return this.#items;
  }

  item(eid: string): QueueItem | undefined {
    const index = this.#index.get(eid);
    return index === undefined ? undefined : this.#items[index];
  }

  /** Writes sent and not yet answered (a page leaving now would lose them). */
  get writing(): number {
    return this.#inFlight.size;
  }

  summary(): QueueSummary {
    const count = (status: QueueItemStatus['status']): number => this.#items.filter((item) => item.status.status === status).length;
    const signedOff = this.#items.filter((item) => item.status.status === 'signed-off');
    return {
      total: this.#items.length,
      signedOff: signedOff.length,
      withReasons: signedOff.filter((item) => item.status.status === 'signed-off' && item.status.reasons.length > 0).length,
      writing: count('writing'),
      failed: count('failed'),
      due: count('due'),
      invalid: count('invalid'),
    };
  }

  /** The index of the first due (or failed) session after `after`, wrapping around; -1 when none is left. */
  nextDue(after = -1): number {
    const total = this.#items.length;
    for (let step = 1; step <= total; step++) {
      const index = (((after + step) % total) + total) % total;
      const { status } = this.#items[index]!.status;
      if (status === 'due' || status === 'failed') return index;
    }
    return -1;
  }

  /**
   * Signs off one session in the background; resolves with the result, or `null` when it failed
   * (its status says why) or could not start. A session being written is not written again: the
   * same promise comes back.
   */
  submit(eid: string, submission: SignOffSubmission): Promise<SignOffResult | null> {
    const running = this.#inFlight.get(eid);
    if (running) return running;
    const item = this.item(eid);
    if (!item || item.status.status === 'invalid') return Promise.resolve(null);
    this.#set(eid, { status: 'writing', submission });
    const promise = this.#run(eid, submission).finally(() => this.#inFlight.delete(eid));
    this.#inFlight.set(eid, promise);
    return promise;
  }

  /** Sends a failed session's kept submission again. */
  retry(eid: string): Promise<SignOffResult | null> {
    const status = this.item(eid)?.status;
    return status?.status === 'failed' ? this.submit(eid, status.submission) : Promise.resolve(null);
  }

  /** The sessions "all remaining as fine" would sign off: every due one. */
  remaining(): QueueSession[] {
    return this.#items.filter((item) => item.status.status === 'due').map((item) => item.session);
  }

  /** Signs off every remaining due session as fine, `concurrency` at a time; resolves with the summary after. */
  async signOffRemaining(): Promise<QueueSummary> {
    await Promise.all(this.remaining().map((session) => this.submit(session.eid, FINE)));
    return this.summary();
  }

  /** Retries every failed session. */
  async retryFailed(): Promise<QueueSummary> {
    await Promise.all(this.#items.filter((item) => item.status.status === 'failed').map((item) => this.retry(item.session.eid)));
    return this.summary();
  }

  async #run(eid: string, submission: SignOffSubmission): Promise<SignOffResult | null> {
    await this.#slot();
    // The slot bounds the writes Alyx sees at once; a read-back only waits and reads, so the
    // next session's writes need not wait for it.
    let release = (): void => {
      release = () => {};
      this.#running--;
      this.#waiting.shift()?.();
    };
    try {
      // Never aborted: a write in flight must finish, or Alyx could be left half-written.
      const result = await this.#write(eid, submission, new AbortController().signal, () => release());
      if (result.status === 'written') this.#written(eid, submission, result);
      else this.#set(eid, initialStatus(this.item(eid)!.session));
      return result;
    } catch (error) {
      console.error(`[alyx-qc] signing off ${eid} failed:`, error);
      this.#set(eid, { status: 'failed', message: messageOf(error), submission });
      return null;
    } finally {
      release();
    }
  }

  /** Waits for one of the `concurrency` slots; the client itself holds every request on a 429. */
  async #slot(): Promise<void> {
    if (this.#running >= this.#concurrency) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#running++;
  }

  /** What was written is now what Alyx holds: the entry, the note, and the status. */
  #written(eid: string, submission: SignOffSubmission, result: Extract<SignOffResult, { status: 'written' }>): void {
    const index = this.#index.get(eid)!;
    const { session } = this.#items[index]!;
    const updated: QueueSession = { ...session, signedOff: true, entry: result.checklistEntry, existingNotes: result.note ? [result.note] : session.existingNotes };
    const reasons = submission.withNote ? submission.choice.reasons : [];
    this.#items[index] = { session: updated, status: { status: 'signed-off', entry: result.checklistEntry, reasons } };
    this.dispatchEvent(new Event('change'));
  }

  #set(eid: string, status: QueueItemStatus): void {
    const index = this.#index.get(eid)!;
    this.#items[index] = { session: this.#items[index]!.session, status };
    this.dispatchEvent(new Event('change'));
  }
}

/** One session's status as Python (`q.statuses`) and `alyx-qc status --json` show it: snake_case, flat. */
export interface QueueStatusRow {
  eid: string;
  subject: string | null;
  start_time: string | null;
  number: number | null;
  task_protocol: string | null;
  status: QueueItemStatus['status'];
  signed_off_by: string | null;
  signed_off_on: string | null;
  reasons: string[];
  error: string | null;
}

export function statusRow(item: QueueItem): QueueStatusRow {
  const { session, status } = item;
  const record = session.session;
  return {
    eid: session.eid,
    subject: typeof record?.subject === 'string' ? record.subject : null,
    start_time: typeof record?.start_time === 'string' ? record.start_time : null,
    number: typeof record?.number === 'number' ? record.number : null,
    task_protocol: typeof record?.task_protocol === 'string' ? record.task_protocol : null,
    status: status.status,
    signed_off_by: status.status === 'signed-off' ? (status.entry?.user ?? null) : null,
    signed_off_on: status.status === 'signed-off' ? (status.entry?.date ?? null) : null,
    reasons: status.status === 'signed-off' ? [...status.reasons] : status.status === 'writing' || status.status === 'failed' ? [...status.submission.choice.reasons] : [],
    error: status.status === 'failed' || status.status === 'invalid' ? status.message : null,
  };
}
