/**
 * The REST half of an Alyx client, which every workflow takes: DRF actions, pagination to the
 * end, bounded retries, the shared wait on a 429. It holds no credentials: `AlyxClient`
 * (client.ts) adds the token, the login and the scrubbing; a page whose transport authenticates
 * for it (the Jupyter kernel relay) uses this class as it is, so the page's bundle carries no
 * login code for a token it never holds.
 */
import type { AlyxPage } from './alyx-types.ts';
import { AlyxAbortError, AlyxBadResponseError, AlyxHttpError, AlyxNetworkError, AlyxServerError, AlyxThrottledError, AlyxTimeoutError, InputError } from './errors.ts';
import { errorForResponse, parseJsonBody } from './http-errors.ts';
import { DEFAULT_RETRY_POLICY, backoffDelay, hasCode, sleep, type RetryPolicy } from './retry-policy.ts';
import type { AlyxResponse, Transport } from './transport.ts';
import type { HttpMethod } from './workflow-types.ts';

export interface AlyxClientOptions {
  readonly transport?: Transport;
  /** Per-request timeout (default 30 s). */
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** Ignored: pages are read one after the other, each saying whether another follows. */
  readonly pageConcurrency?: number;
  /** Cancels the login request of `AlyxClient.login`. */
  readonly signal?: AbortSignal;
}

export interface RequestOptions {
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly body?: unknown;
  readonly signal?: AbortSignal;
  /** Retry network errors and 5xx. Defaults to true for every method but POST. */
  readonly idempotent?: boolean;
  /** Wait out a 429's `Retry-After` and send the same request again (default true). */
  readonly retryThrottled?: boolean;
}

const DEFAULT_PAGE_SIZE = 250;
/** Pages a list may span (250 000 records): past it the pagination is broken, not long. */
export const MAX_PAGES = 1000;

export class AlyxRestClient {
  readonly baseUrl: string;
  /** The Alyx user the requests are made as: the author of every note this client writes. */
  readonly user: string;
  /** How long one request may take before it is given up (and, if idempotent, sent again). */
  readonly timeoutMs: number;
  readonly #transport: Transport;
  readonly #retry: RetryPolicy;
  /** Round trips sent, for tests and benchmarks. */
  requestCount = 0;
  /**
   * Until when Alyx asked us to wait (its latest 429 `Retry-After`). Every request of this
   * client waits for it, not only the refused one: requests that each kept their own timer came
   * back one by one into a full window and could be refused ten times in a row.
   */
  #throttledUntil = 0;

  /**
   * `baseUrl` as given, less a trailing slash: `AlyxClient.login` (or, in a widget, Python) has
   * checked it. The transport is required here: only `AlyxClient` defaults to fetch.
   */
  constructor(baseUrl: string, user: string, options: AlyxClientOptions & { readonly transport: Transport }) {
    if (typeof user !== 'string' || user === '') throw new InputError('The Alyx username is missing: pass { username, password }.');
    this.baseUrl = String(baseUrl).replace(/\/+$/, '');
    this.user = user;
    this.#transport = options.transport;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.#retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  }

  /** One REST call, with retries; returns the parsed JSON body (`null` for 204). */
  request<T = unknown>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<T> {
    return this.send(method, path, options, true) as Promise<T>;
  }

  /**
   * Every record of a list endpoint, page after page until `next` is null (`count` is not
   * trusted: a lying one neither allocates nor drops a page); past {@link MAX_PAGES}, an error.
   */
  async list<T = unknown>(endpoint: string, options: { django?: string; query?: RequestOptions['query']; signal?: AbortSignal } = {}): Promise<T[]> {
    // `/notes` from `notes`, `/notes/` or `/notes`.
    const path = `/${endpoint.replace(/^\/+|\/+$/g, '')}`;
    const records: T[] = [];
    for (let pages = 0; ; pages++) {
      const page = await this.request<unknown>('GET', path, { query: { ...options.query, django: options.django || undefined, limit: DEFAULT_PAGE_SIZE, offset: records.length || undefined }, signal: options.signal });
      if (Array.isArray(page)) return page as T[];
      const { results, next } = (page ?? {}) as Partial<AlyxPage<T>>;
      // Our own offsets, never `next`'s URL: it may point anywhere.
      const problem = !Array.isArray(results) || (next !== null && typeof next !== 'string') ? 'expected a list page' : next !== null && !results.length ? 'an empty page, yet more follow' : pages >= MAX_PAGES ? `over ${MAX_PAGES} pages` : '';
      if (problem) throw new AlyxBadResponseError({ method: 'GET', url: `${this.baseUrl}${path}`, status: 200, detail: problem });
      records.push(...(results as T[]));
      if (next === null) return records;
    }
  }

  /** What a client shows of itself when logged or serialised: never a credential. */
  toJSON(): { baseUrl: string; user: string } {
    return { baseUrl: this.baseUrl, user: this.user };
  }

  /** The `Authorization` header to send, if any: the token of `AlyxClient`. */
  protected authorization(): string | undefined {
    return undefined;
  }

  /** `text` with the credentials cut out, before an error quotes it: there are none here. */
  protected scrub(text: string): string {
    return text;
  }

  /** Whether to send the request again after `refusal`, having logged in afresh (`AlyxClient`: once, on "Invalid token."). */
  protected async reauthenticate(_refusal: AlyxHttpError, _signal?: AbortSignal): Promise<boolean> {
    return false;
  }

  /** One request with its retries; `authorized: false` for the login itself (no token, no re-login). */
  protected async send(method: HttpMethod, path: string, options: RequestOptions, authorized: boolean): Promise<unknown> {
    // URLSearchParams writes each value as a string (250 as "250").
    const search = new URLSearchParams(Object.entries(options.query ?? {}).filter(([, value]) => value !== undefined) as [string, string][]).toString();
    const url = `${this.baseUrl}${path}${search ? `?${search}` : ''}`;
    const { signal } = options;
    const idempotent = options.idempotent ?? method !== 'POST';
    // A FormData body (a note with an image) goes as it is: fetch writes its multipart boundary.
    const body = options.body === undefined || options.body instanceof FormData ? options.body : JSON.stringify(options.body);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (typeof body === 'string') headers['content-type'] = 'application/json';
    const retry = this.#retry;
    // A caller's abort during a wait is reported like an abort in flight.
    const pause = (ms: number): Promise<void> => sleep(ms, signal).catch(() => {
      throw new AlyxAbortError(method, url);
    });
    let failures = 0;
    let throttles = 0;
    let reauthenticated = !authorized;
    for (;;) {
      // Read at each attempt: a re-authentication replaces the token.
      const authorization = authorized ? this.authorization() : undefined;
      if (authorization) headers.authorization = authorization;
      const throttled = this.#throttledUntil - Date.now();
      // A little spread, so the requests held back do not all arrive in the same millisecond.
      if (throttled > 0) await pause(throttled * (1 + Math.random() / 10));
      let response: AlyxResponse | undefined;
      let error: unknown;
      const timeout = AbortSignal.timeout(this.timeoutMs);
      this.requestCount++;
      try {
        // `body` is undefined for a GET or a DELETE, which fetch and the relay read as none.
        response = await this.#transport({ method, url, headers, body, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
      } catch (thrown) {
        if (signal?.aborted) error = new AlyxAbortError(method, url);
        else if (timeout.aborted) error = new AlyxTimeoutError(method, url, this.timeoutMs);
        else if (thrown instanceof AlyxHttpError) error = thrown;
        else error = new AlyxNetworkError(method, url, this.scrub(thrown instanceof Error ? thrown.message : String(thrown)));
      }
      if (response) {
        const { status } = response;
        // A 204 has no body, so it is null too.
        const parsed = response.body === '' ? null : parseJsonBody(response);
        if (status >= 200 && status < 300 && parsed !== undefined) return parsed;
        // A DELETE retried after its response was lost finds the note already gone: that is success.
        if (method === 'DELETE' && status === 404 && failures > 0) return null;
        const refusal = errorForResponse(method, url, { ...response, body: this.scrub(response.body) }, options.body);
        if (!reauthenticated && (await this.reauthenticate(refusal, signal))) {
          reauthenticated = true;
          continue;
        }
        if (refusal instanceof AlyxThrottledError) {
          const waitMs = refusal.retryAfterSeconds === undefined ? backoffDelay(retry, throttles) : refusal.retryAfterSeconds * 1000;
          if (waitMs <= retry.maxRetryAfterMs) {
            this.#throttledUntil = Math.max(this.#throttledUntil, Date.now() + waitMs);
            if (options.retryThrottled !== false && throttles < retry.throttleRetries) {
              throttles++;
              continue; // the wait happens at the top of the loop, with every other request
            }
          }
        }
        error = refusal;
      }
      // Only a request that got no answer, or a 5xx, is worth sending again; a transport that
      // refuses one (the kernel relay's allow-list) has said no for good.
      const transient = hasCode(error, 'network', 'timeout') || error instanceof AlyxServerError;
      if (!transient || !idempotent || failures >= retry.retries) throw error;
      await pause(backoffDelay(retry, failures++));
    }
  }
}
