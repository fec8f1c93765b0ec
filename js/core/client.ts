/**
 * An Alyx REST client, modelled on ONE's `AlyxClient`: token auth, DRF actions, pagination to
 * the end, re-authentication once on "Invalid token.", bounded retries. The token lives in a
 * private field and is never put into a URL, an error or a serialised form of the client.
 */
import type { AlyxPage } from './alyx-types.ts';
import {
  AlyxAbortError,
  AlyxBadResponseError,
  AlyxHttpError,
  AlyxNetworkError,
  AlyxQcError,
  AlyxServerError,
  AlyxThrottledError,
  AlyxTimeoutError,
  InputError,
} from './errors.ts';
import { errorForResponse, parseJsonBody } from './http-errors.ts';
import { clip } from './validation.ts';
import { DEFAULT_RETRY_POLICY, backoffDelay, hasCode, sleep, type RetryPolicy } from './retry-policy.ts';
import { fetchTransport, type AlyxResponse, type Transport } from './transport.ts';
import type { HttpMethod } from './workflow-types.ts';

/** How to prove who we are. A relayed transport may authenticate on the client's behalf. */
export type AlyxCredentials =
  | { readonly username: string; readonly password: string }
  | { readonly username: string; readonly token: string }
  /** A cached token, with the password to log in again when it has gone stale. */
  | { readonly username: string; readonly token: string; readonly password: string }
  /** The transport adds credentials (the Jupyter kernel relay); `username` is who they belong to. */
  | { readonly username: string; readonly transportAuthenticates: true };

export interface AlyxClientOptions {
  readonly transport?: Transport;
  /** Per-request timeout (default 30 s). */
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** Ignored: pages are read one after the other, each saying whether another follows. */
  readonly pageConcurrency?: number;
  /** Cancels the login request of {@link AlyxClient.login}. */
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

/** Validates and normalises an Alyx base URL (http or https, no trailing slash, no credentials). */
export function normaliseBaseUrl(baseUrl: unknown): string {
  const refuse = (problem: string, fix = 'Pass it like "https://alyx.internationalbrainlab.org".'): never => {
    throw new InputError(`${problem} ${fix}`);
  };
  if (typeof baseUrl !== 'string' || baseUrl.trim() === '') return refuse('The Alyx base URL is missing.');
  let url: URL;
  try {
    url = new URL(baseUrl.trim());
  } catch {
    // Never quoted whole: it may hold `user:password@`.
    return refuse(`"${clip(baseUrl.replace(/\/\/[^/]*@/, '//…@'))}" is not a URL.`, 'Pass the Alyx base URL like "https://alyx.internationalbrainlab.org".');
  }
  const base = `${url.origin}${url.pathname}`;
  if (!/^https?:$/.test(url.protocol)) refuse(`The Alyx base URL must start with http:// or https://, not ${url.protocol}//.`);
  if (url.username || url.password || url.search || url.hash) {
    refuse('The Alyx base URL must not hold a username, password, query or fragment:', `use "${base}" and pass credentials separately.`);
  }
  return base.replace(/\/+$/, '');
}

/** `/notes` from `notes`, `/notes/` or `/notes`. */
function endpointPath(endpoint: string): string {
  return `/${endpoint.replace(/^\/+|\/+$/g, '')}`;
}

export class AlyxClient {
  readonly baseUrl: string;
  /** The logged-in Alyx user: the author of every note this client writes. */
  readonly user: string;
  #token: string | null;
  #password: string | null;
  readonly #transport: Transport;
  readonly #timeoutMs: number;
  readonly #retry: RetryPolicy;
  /** Round trips sent, for tests and benchmarks. */
  requestCount = 0;
  /**
   * Until when Alyx asked us to wait (its latest 429 `Retry-After`). Every request of this
   * client waits for it, not only the refused one: requests that each kept their own timer came
   * back one by one into a full window and could be refused ten times in a row.
   */
  #throttledUntil = 0;

  private constructor(baseUrl: string, credentials: AlyxCredentials, options: AlyxClientOptions) {
    this.baseUrl = normaliseBaseUrl(baseUrl);
    const { username, token = null, password = null, transportAuthenticates = false } = (credentials ?? {}) as Partial<Record<'username' | 'token' | 'password', string> & { transportAuthenticates: boolean }>;
    if (typeof username !== 'string' || username === '') {
      throw new InputError('The Alyx username is missing: pass { username, password }.');
    }
    this.user = username;
    this.#token = token;
    this.#password = password;
    if (token === null && password === null && !transportAuthenticates) throw new InputError('No way to authenticate: pass a password or a token.');
    this.#transport = options.transport ?? fetchTransport();
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  }

  /**
   * A client for `baseUrl`. With a token it trusts it; with a password only, it logs in at once
   * (`POST /auth-token`). A password is kept in memory to log in again when the token goes stale.
   */
  static async login(baseUrl: string, credentials: AlyxCredentials, options: AlyxClientOptions = {}): Promise<AlyxClient> {
    const client = new AlyxClient(baseUrl, credentials, options);
    if (client.#token === null && client.#password !== null) await client.authenticate(options.signal);
    return client;
  }

  /** How long one request may take before it is given up (and, if idempotent, sent again). */
  get timeoutMs(): number {
    return this.#timeoutMs;
  }

  /** Whether the client can log in again by itself when its token goes stale. */
  get canReauthenticate(): boolean {
    return this.#password !== null;
  }

  /** Logs in with the stored password and keeps the new token. */
  async authenticate(signal?: AbortSignal): Promise<void> {
    if (this.#password === null) throw new InputError('No password to log in again with: pass { username, password }.');
    const body = await this.#send('POST', '/auth-token', { body: { username: this.user, password: this.#password }, signal, idempotent: true }, true);
    const token = (body as { token?: unknown } | null)?.token;
    if (typeof token !== 'string' || token === '') {
      throw new AlyxQcError('bad-response', `POST ${this.baseUrl}/auth-token answered without a token: check the base URL.`);
    }
    this.#token = token;
  }

  /** One REST call, with retries; returns the parsed JSON body (`null` for 204). */
  async request<T = unknown>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<T> {
    return (await this.#send(method, path, options, false)) as T;
  }

  /**
   * Every record of a list endpoint, page after page until `next` is null (`count` is not
   * trusted: a lying one neither allocates nor drops a page); past {@link MAX_PAGES}, an error.
   */
  async list<T = unknown>(endpoint: string, options: { django?: string; query?: RequestOptions['query']; signal?: AbortSignal } = {}): Promise<T[]> {
    const path = endpointPath(endpoint);
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

  /** What a client shows of itself when logged or serialised: never the token. */
  toJSON(): { baseUrl: string; user: string } {
    return { baseUrl: this.baseUrl, user: this.user };
  }

  async #send(method: HttpMethod, path: string, options: RequestOptions, isLogin: boolean): Promise<unknown> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(options.query ?? {})) if (value !== undefined) params.set(key, String(value));
    const search = params.toString();
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
    let reauthenticated = false;
    for (;;) {
      // Read at each attempt: a re-authentication replaces the token.
      if (this.#token !== null && !isLogin) headers.authorization = `Token ${this.#token}`;
      const throttled = this.#throttledUntil - Date.now();
      // A little spread, so the requests held back do not all arrive in the same millisecond.
      if (throttled > 0) await pause(throttled * (1 + Math.random() / 10));
      let response: AlyxResponse | undefined;
      let error: unknown;
      const timeout = AbortSignal.timeout(this.#timeoutMs);
      this.requestCount++;
      try {
        response = await this.#transport({ method, url, headers, ...(body === undefined ? {} : { body }), signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
      } catch (thrown) {
        if (signal?.aborted) error = new AlyxAbortError(method, url);
        else if (timeout.aborted) error = new AlyxTimeoutError(method, url, this.#timeoutMs);
        else if (thrown instanceof AlyxHttpError) error = thrown;
        else error = new AlyxNetworkError(method, url, this.#scrub(thrown instanceof Error ? thrown.message : String(thrown)));
      }
      if (response) {
        const { status } = response;
        const parsed = status === 204 || response.body === '' ? null : parseJsonBody(response);
        if (status >= 200 && status < 300 && parsed !== undefined) return parsed;
        // A DELETE retried after its response was lost finds the note already gone: that is success.
        if (method === 'DELETE' && status === 404 && failures > 0) return null;
        const refusal = errorForResponse(method, url, { ...response, body: this.#scrub(response.body) }, isLogin, options.body);
        if (refusal.code === 'auth' && refusal.detail === 'Invalid token.' && !reauthenticated && this.#password !== null && !isLogin) {
          reauthenticated = true;
          await this.authenticate(signal);
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

  /**
   * `text` with our token and password cut out, in any case, JSON-escaped, URL-encoded or in
   * base64 (as a Basic header): errors quote an excerpt of a response's body, and a debugging
   * gateway or a framework's error page may echo the request's headers; transports echo what
   * they like in their errors.
   */
  #scrub(text: string): string {
    const base64 = (value: string): string => btoa(String.fromCharCode(...new TextEncoder().encode(value)));
    for (const secret of [this.#token, this.#password]) {
      if (!secret) continue;
      for (const form of [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), base64(secret), base64(`${this.user}:${secret}`)]) {
        text = text.replace(new RegExp(form.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'), 'gi'), '[token]');
      }
    }
    return text;
  }
}
