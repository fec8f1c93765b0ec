/**
 * The core's `Transport`, relayed through the kernel: each request goes to Python as a custom
 * message with an id, and the answer comes back with the same id. One relay per model and front
 * end, shared by all of its views, so one pending-request map sees every answer exactly once.
 */
import { AlyxHttpError, type ErrorCode } from '../core/errors.ts';
import type { AlyxRequest, AlyxResponse, Transport } from '../core/transport.ts';
import { clip } from '../core/validation.ts';
import type { AlyxImageMessage, AlyxRelayErrorMessage, AlyxResponseMessage, FrontendMessage, RelayErrorCode } from './relay-messages.ts';

/** Where the relay sends its messages: the widget model's `send`. */
export interface RelayChannel {
  send(message: FrontendMessage): void;
}

export interface KernelRelayOptions {
  /**
   * How long to wait for the kernel's answer (default 30 s). A kernel busy running a cell reads
   * no messages until the cell ends, so this is also how long a busy kernel is waited for.
   */
  readonly timeoutMs?: number;
  /** Prefix of request ids, unique per view (the view's id). */
  readonly idPrefix?: string;
}

/**
 * The kernel refused the request (not the configured Alyx, not an endpoint alyx-qc uses) or the
 * relay itself failed. Typed as an HTTP error, with status 0, so that the client passes it on
 * as it is instead of reporting it as a network failure.
 */
export class RelayError extends AlyxHttpError {
  readonly relayCode: RelayErrorCode;
  constructor(method: string, url: string, relayCode: RelayErrorCode, reason: string) {
    const code: ErrorCode = relayCode === 'refused' ? 'bad-input' : 'server';
    super(code, { method, url, status: 0, detail: reason }, '');
    this.name = 'RelayError';
    this.relayCode = relayCode;
    // A queue's batch URL is some 7.5 KB: quoted short, as the kernel quotes it in `reason`.
    this.message = `[alyx-qc] The kernel did not send ${method} ${clip(url, 300)}: ${reason}`;
  }
}

interface Pending {
  readonly request: AlyxRequest;
  /** Settles the request's promise, once; an Error rejects it. */
  settle(outcome: AlyxResponse | Error): void;
}

const DEFAULT_TIMEOUT_MS = 30_000;

function abortError(message: string): Error {
  const error = new Error(`[alyx-qc] ${message}`);
  error.name = 'AbortError';
  return error;
}

/** Relays the core's requests through the kernel: see the module comment. */
export class KernelRelay {
  readonly #channel: RelayChannel;
  readonly #timeoutMs: number;
  readonly #idPrefix: string;
  readonly #pending = new Map<string, Pending>();
  #nextId = 0;
  #closed = false;

  constructor(channel: RelayChannel, options: KernelRelayOptions = {}) {
    this.#channel = channel;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#idPrefix = options.idPrefix ?? 'r';
  }

  /** Requests sent and not yet answered. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /** The core's transport: give it to an `AlyxRestClient` (the kernel adds the token). */
  readonly transport: Transport = (request) => this.#send(request);

  /**
   * The image of a figure note of this widget's objects (issue 16), read by the kernel with the
   * token and sent back as a binary buffer: the page never sees the token, nor any other file.
   */
  async image(noteId: string, signal?: AbortSignal): Promise<Blob> {
    const request: AlyxRequest = { method: 'GET', url: `the image of note ${noteId}`, headers: {}, ...(signal ? { signal } : {}) };
    return ((await this.#send(request, (id) => ({ type: 'alyx-image-request', id, note_id: noteId }))) as AlyxResponse & { image: Blob }).image;
  }

  /** An answer from the kernel; answers to unknown ids (another page, already settled) are ignored. */
  receive(message: AlyxResponseMessage | AlyxRelayErrorMessage | AlyxImageMessage, buffers: readonly DataView[] = []): void {
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    const { method, url } = pending.request;
    if (message.type === 'alyx-image') {
      const [data] = buffers;
      const answer: AlyxResponse & { image: Blob } = { status: 200, headers: {}, body: '', image: new Blob(data ? [new Uint8Array(data.buffer as ArrayBuffer, data.byteOffset, data.byteLength)] : [], { type: message.content_type }) };
      pending.settle(answer);
    } else if (message.type === 'alyx-response') pending.settle({ status: message.status, headers: message.headers ?? {}, body: message.body ?? '' });
    // The kernel got no answer from Alyx: a network error, which the client may retry.
    else if (message.code === 'network' || message.code === 'timeout') pending.settle(new Error(`the kernel could not reach Alyx: ${message.message}`));
    else pending.settle(new RelayError(method, url, message.code, message.message));
  }

  /** Rejects every pending request and refuses new ones (the widget was closed). */
  close(reason = 'the widget was closed'): void {
    this.#closed = true;
    for (const { request, settle } of [...this.#pending.values()]) settle(abortError(`${request.method} ${request.url} was cancelled: ${reason}.`));
  }

  async #send(request: AlyxRequest, build?: (id: string) => FrontendMessage): Promise<AlyxResponse> {
    const { method, url, body, signal } = request;
    if (this.#closed) throw abortError('The widget was closed; its requests are no longer relayed.');
    if (signal?.aborted) throw abortError(`${method} ${url} was aborted before it was sent.`);
    const id = `${this.#idPrefix}-${++this.#nextId}`;
    return new Promise<AlyxResponse>((resolve, reject) => {
      const settle = (outcome: AlyxResponse | Error): void => {
        if (!this.#pending.delete(id)) return;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      };
      // Given up on by the front end: the kernel drops the request (or its late answer).
      const giveUp = (error: Error): void => {
        if (this.#pending.has(id)) this.#channel.send({ type: 'alyx-abort', id });
        settle(error);
      };
      const onAbort = (): void => giveUp(abortError(`${method} ${url} was aborted.`));
      const timer = setTimeout(
        () => giveUp(new Error(`the kernel did not answer within ${Math.round(this.#timeoutMs / 1000)} s; it may be busy running a cell, or stopped (restart it and run the cell again)`)),
        this.#timeoutMs,
      );
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#pending.set(id, { request, settle });
      try {
        // Only JSON is relayed: the page never holds a figure's bytes. A figure note goes as JSON
        // too (`heldFigure`), and the kernel adds the image it holds (docs/figures.md).
        this.#channel.send(build ? build(id) : { type: 'alyx-request', id, method, url, ...(typeof body === 'string' ? { body } : {}) });
      } catch (error) {
        settle(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }
}
