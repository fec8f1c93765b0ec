/**
 * The core's `Transport`, relayed through the kernel: each request goes to Python as a custom
 * message with an id, and the answer comes back with the same id. One relay per model and front
 * end, shared by all of its views, so one pending-request map sees every answer exactly once.
 */
import { AlyxHttpError, type ErrorCode } from '../core/errors.ts';
import type { AlyxRequest, AlyxResponse, Transport } from '../core/transport.ts';
import type { AlyxRelayErrorMessage, AlyxResponseMessage, FrontendMessage, RelayErrorCode } from './relay-messages.ts';

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
  /** Prefix of request ids, unique per page load (the front end's id). */
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
    this.message = `[alyx-qc] The kernel did not send ${method} ${url}: ${reason}`;
  }
}

interface Pending {
  readonly request: AlyxRequest;
  resolve(response: AlyxResponse): void;
  reject(error: unknown): void;
}

const DEFAULT_TIMEOUT_MS = 30_000;

function abortError(message: string): Error {
  // The Transport contract: an abort rejects with an error named AbortError.
  const error = new Error(message);
  error.name = 'AbortError';
  return error;
}

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

  /** Requests sent and not yet answered (tests, and views showing activity). */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /** The core's transport over this relay. */
  readonly transport: Transport = (request) => this.#send(request);

  /** Settles the request an answer belongs to; answers to unknown ids (aborted, or another front end's) are ignored. */
  receive(message: AlyxResponseMessage | AlyxRelayErrorMessage): void {
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    this.#pending.delete(message.id);
    if (message.type === 'alyx-response') {
      pending.resolve({ status: message.status, headers: message.headers ?? {}, body: message.body ?? '' });
      return;
    }
    const { method, url } = pending.request;
    if (message.code === 'network' || message.code === 'timeout') {
      // No answer from Alyx: a plain error, which the client reports (and retries) as a network failure.
      pending.reject(new Error(`the kernel could not reach Alyx: ${message.message}`));
    } else {
      pending.reject(new RelayError(method, url, message.code, message.message));
    }
  }

  /** Fails every pending request; later requests fail at once (the widget was closed). */
  close(reason = 'the widget was closed'): void {
    this.#closed = true;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const entry of pending) entry.reject(abortError(`[alyx-qc] ${entry.request.method} ${entry.request.url} was cancelled: ${reason}.`));
  }

  #send(request: AlyxRequest): Promise<AlyxResponse> {
    if (this.#closed) return Promise.reject(abortError('[alyx-qc] The widget was closed; its requests are no longer relayed.'));
    if (request.signal?.aborted) return Promise.reject(abortError(`[alyx-qc] ${request.method} ${request.url} was aborted before it was sent.`));
    const id = `${this.#idPrefix}-${++this.#nextId}`;
    return new Promise<AlyxResponse>((resolve, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', onAbort);
      };
      const giveUp = (error: Error): void => {
        if (!this.#pending.delete(id)) return;
        cleanup();
        this.#channel.send({ type: 'alyx-abort', id });
        reject(error);
      };
      const onAbort = (): void => giveUp(abortError(`[alyx-qc] ${request.method} ${request.url} was aborted.`));
      const timer = setTimeout(
        () => giveUp(new Error(`the kernel did not answer within ${Math.round(this.#timeoutMs / 1000)} s; it may be busy running a cell, or stopped (restart it and run the cell again)`)),
        this.#timeoutMs,
      );
      request.signal?.addEventListener('abort', onAbort, { once: true });
      this.#pending.set(id, {
        request,
        resolve: (response) => {
          cleanup();
          resolve(response);
        },
        reject: (error) => {
          cleanup();
          reject(error);
        },
      });
      try {
        this.#channel.send({
          type: 'alyx-request',
          id,
          method: request.method,
          url: request.url,
          ...(request.body === undefined ? {} : { body: request.body }),
        });
      } catch (error) {
        // No kernel connection (closed comm): as the contract says, no response at all.
        this.#pending.delete(id);
        cleanup();
        reject(error);
      }
    });
  }
}
