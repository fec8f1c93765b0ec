/**
 * An Alyx REST client, modelled on ONE's `AlyxClient`: token auth, DRF actions, pagination to
 * the end, re-authentication once on "Invalid token.", bounded retries. The token lives in a
 * private field and is never put into a URL, an error or a serialised form of the client.
 */
import type { AlyxPage } from './alyx-types.ts';
import {
  AlyxAbortError,
  AlyxHttpError,
  AlyxNetworkError,
  AlyxQcError,
  AlyxThrottledError,
  AlyxTimeoutError,
  InputError,
} from './errors.ts';
import { errorForResponse, parseJsonBody, retryAfterSeconds } from './http-errors.ts';
import { DEFAULT_RETRY_POLICY, backoffDelay, sleep, type RetryPolicy } from './retry-policy.ts';
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
  /** Pages fetched at once when a list spans several pages (default 4). */
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

/** DRF action names, as in ONE's `AlyxClient.rest(endpoint, action)`. */
export type RestAction = 'list' | 'read' | 'create' | 'update' | 'partial_update' | 'delete';

export interface RestOptions {
  readonly id?: string;
  readonly data?: unknown;
  /** The Alyx `django` filter: `field,value[,field,value…]`. */
  readonly django?: string;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly signal?: AbortSignal;
}

const DEFAULT_PAGE_SIZE = 250;

/** Validates and normalises an Alyx base URL (http or https, no trailing slash, no credentials). */
export function normaliseBaseUrl(baseUrl: unknown): string {
  if (typeof baseUrl !== 'string' || baseUrl.trim() === '') {
    throw new InputError('The Alyx base URL is missing. Pass it like "https://alyx.internationalbrainlab.org".');
  }
  let url: URL;
  try {
    url = new URL(baseUrl.trim());
  } catch {
    throw new InputError(`"${baseUrl}" is not a URL. Pass the Alyx base URL like "https://alyx.internationalbrainlab.org".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError(`The Alyx base URL must start with http:// or https://, not ${url.protocol}//. Pass it like "https://alyx.internationalbrainlab.org".`);
  }
  if (url.username || url.password) {
    throw new InputError('The Alyx base URL must not hold a username or password; pass them as credentials instead.');
  }
  if (url.search || url.hash) {
    throw new InputError(`The Alyx base URL must not have a query or fragment: use "${url.origin}${url.pathname}".`);
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

function combineSignals(signals: readonly (AbortSignal | undefined)[]): AbortSignal {
  const controller = new AbortController();
  for (const signal of signals) {
    if (!signal) continue;
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  }
  return controller.signal;
}

export class AlyxClient {
  readonly baseUrl: string;
  /** The logged-in Alyx user: the author of every note this client writes. */
  readonly user: string;
  #token: string | null;
  #password: string | null;
  readonly #transportAuthenticates: boolean;
  readonly #transport: Transport;
  readonly #timeoutMs: number;
  readonly #retry: RetryPolicy;
  readonly #pageConcurrency: number;
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
    if (typeof credentials?.username !== 'string' || credentials.username === '') {
      throw new InputError('The Alyx username is missing: pass { username, password } or { username, token }.');
    }
    this.user = credentials.username;
    this.#token = 'token' in credentials ? credentials.token : null;
    this.#password = 'password' in credentials ? credentials.password : null;
    this.#transportAuthenticates = 'transportAuthenticates' in credentials && credentials.transportAuthenticates;
    this.#transport = options.transport ?? fetchTransport();
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.#pageConcurrency = options.pageConcurrency ?? 4;
  }

  /**
   * A client for `baseUrl`. With a token it trusts it; with a password only, it logs in at once
   * (`POST /auth-token`). A password is kept in memory to log in again when the token goes stale.
   */
  static async login(baseUrl: string, credentials: AlyxCredentials, options: AlyxClientOptions = {}): Promise<AlyxClient> {
    const client = new AlyxClient(baseUrl, credentials, options);
    if (client.#token === null && client.#password !== null) await client.authenticate(options.signal);
    else if (client.#token === null && !client.#transportAuthenticates) {
      throw new InputError('No way to authenticate: pass a password or a token.');
    }
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
    if (this.#password === null) throw new InputError('Cannot log in again without a password: create the client with { username, password }.');
    const body = await this.#send('POST', '/auth-token', { body: { username: this.user, password: this.#password }, signal, idempotent: true }, true);
    const token = (body as { token?: unknown } | null)?.token;
    if (typeof token !== 'string' || token === '') {
      throw new AlyxQcError('bad-response', `POST ${this.baseUrl}/auth-token answered without a token. Check that the base URL points at an Alyx server.`);
    }
    this.#token = token;
  }

  /** One REST call, with retries; returns the parsed JSON body (`null` for 204). */
  async request<T = unknown>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<T> {
    return (await this.#send(method, path, options, false)) as T;
  }

  /** ONE-style `rest(endpoint, action, {id, data, django})`. `list` follows every page. */
  async rest<T = unknown>(endpoint: string, action: RestAction, options: RestOptions = {}): Promise<T> {
    const base = `/${endpoint.replace(/^\/+|\/+$/g, '')}`;
    const detail = (): string => {
      if (!options.id) throw new InputError(`The "${action}" action on ${endpoint} needs an id.`);
      return `${base}/${encodeURIComponent(options.id)}`;
    };
    const common = { signal: options.signal, query: options.query };
    switch (action) {
      case 'list':
        return (await this.list(endpoint, { django: options.django, query: options.query, signal: options.signal })) as T;
      case 'read':
        return this.request<T>('GET', detail(), common);
      case 'create':
        return this.request<T>('POST', base, { ...common, body: options.data });
      case 'update':
        return this.request<T>('PUT', detail(), { ...common, body: options.data });
      case 'partial_update':
        return this.request<T>('PATCH', detail(), { ...common, body: options.data });
      case 'delete':
        return this.request<T>('DELETE', detail(), common);
      default:
        throw new InputError(`Unknown REST action "${String(action)}": use list, read, create, update, partial_update or delete.`);
    }
  }

  /** Every record of a list endpoint: the first page, then the rest a few pages at a time. */
  async list<T = unknown>(endpoint: string, options: { django?: string; query?: RequestOptions['query']; signal?: AbortSignal } = {}): Promise<T[]> {
    const path = `/${endpoint.replace(/^\/+|\/+$/g, '')}`;
    const query = { ...options.query, ...(options.django ? { django: options.django } : {}) };
    const first = await this.request<AlyxPage<T> | T[]>('GET', path, { query: { ...query, limit: DEFAULT_PAGE_SIZE }, signal: options.signal });
    if (Array.isArray(first)) return first;
    const results = [...first.results];
    if (first.next === null || results.length >= first.count) return results;
    const pageSize = first.results.length || DEFAULT_PAGE_SIZE;
    const offsets: number[] = [];
    for (let offset = pageSize; offset < first.count; offset += pageSize) offsets.push(offset);
    const pages: T[][] = new Array(offsets.length);
    let nextIndex = 0;
    const worker = async (): Promise<void> => {
      while (nextIndex < offsets.length) {
        const index = nextIndex++;
        const page = await this.request<AlyxPage<T>>('GET', path, { query: { ...query, limit: pageSize, offset: offsets[index] }, signal: options.signal });
        pages[index] = [...page.results];
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#pageConcurrency, offsets.length) }, worker));
    return results.concat(...pages);
  }

  /** What a client shows of itself when logged or serialised: never the token. */
  toJSON(): { baseUrl: string; user: string } {
    return { baseUrl: this.baseUrl, user: this.user };
  }

  #url(path: string, query: RequestOptions['query']): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) params.set(key, String(value));
    const search = params.toString();
    return `${this.baseUrl}${path}${search ? `?${search}` : ''}`;
  }

  async #send(method: HttpMethod, path: string, options: RequestOptions, isLogin: boolean): Promise<unknown> {
    const url = this.#url(path, options.query);
    const idempotent = options.idempotent ?? method !== 'POST';
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    let failures = 0;
    let throttles = 0;
    let reauthenticated = false;
    for (;;) {
      let response: AlyxResponse;
      const throttled = this.#throttledUntil - Date.now();
      // A little spread, so the requests held back do not all arrive in the same millisecond.
      if (throttled > 0) await pause(throttled * (1 + Math.random() / 10), options.signal, method, url);
      try {
        response = await this.#once(method, url, body, options.signal, isLogin);
      } catch (error) {
        // Only a request that got no answer is worth sending again; a transport that refuses one
        // (the kernel relay's allow-list) has said no for good.
        const unanswered = error instanceof AlyxNetworkError || error instanceof AlyxTimeoutError;
        if (!unanswered || !idempotent || failures >= this.#retry.retries) throw error;
        await pause(backoffDelay(this.#retry, failures++), options.signal, method, url);
        continue;
      }
      if (response.status >= 200 && response.status < 300) {
        if (response.status === 204 || response.body === '') return null;
        const parsed = parseJsonBody(response);
        if (parsed === undefined) throw errorForResponse(method, url, this.#withoutSecrets(response), isLogin);
        return parsed;
      }
      // A DELETE retried after its response was lost finds the note already gone: that is success.
      if (method === 'DELETE' && response.status === 404 && failures > 0) return null;
      const error = errorForResponse(method, url, this.#withoutSecrets(response), isLogin);
      if (error.code === 'auth' && error.detail === 'Invalid token.' && !reauthenticated && this.#password !== null && !isLogin) {
        reauthenticated = true;
        await this.authenticate(options.signal);
        continue;
      }
      if (error instanceof AlyxThrottledError) {
        const retryAfter = retryAfterSeconds(response);
        const waitMs = retryAfter === undefined ? backoffDelay(this.#retry, throttles) : retryAfter * 1000;
        if (waitMs <= this.#retry.maxRetryAfterMs) {
          this.#throttledUntil = Math.max(this.#throttledUntil, Date.now() + waitMs);
          if (options.retryThrottled !== false && throttles < this.#retry.throttleRetries) {
            throttles++;
            continue; // the wait happens at the top of the loop, with every other request
          }
        }
      }
      if (error.code === 'server' && error.status >= 500 && idempotent && failures < this.#retry.retries) {
        await pause(backoffDelay(this.#retry, failures++), options.signal, method, url);
        continue;
      }
      throw error;
    }
  }

  /**
   * The response with our token and password cut out of its body: errors quote an excerpt of it,
   * and a debugging gateway or a framework's error page may echo the request's headers.
   */
  #withoutSecrets(response: AlyxResponse): AlyxResponse {
    return { ...response, body: scrub(scrub(response.body, this.#token), this.#password) };
  }

  async #once(method: HttpMethod, url: string, body: string | undefined, callerSignal: AbortSignal | undefined, isLogin: boolean): Promise<AlyxResponse> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.#token !== null && !isLogin) headers.authorization = `Token ${this.#token}`;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), this.#timeoutMs);
    const signal = combineSignals([callerSignal, timeout.signal]);
    this.requestCount++;
    try {
      return await this.#transport({ method, url, headers, ...(body === undefined ? {} : { body }), signal });
    } catch (error) {
      if (callerSignal?.aborted) throw new AlyxAbortError(method, url);
      if (timeout.signal.aborted) throw new AlyxTimeoutError(method, url, this.#timeoutMs);
      if (error instanceof AlyxHttpError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new AlyxNetworkError(method, url, scrub(reason, this.#token), { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Waits before a retry; a caller's abort during the wait is reported like an abort in flight. */
async function pause(ms: number, signal: AbortSignal | undefined, method: string, url: string): Promise<void> {
  try {
    await sleep(ms, signal);
  } catch {
    throw new AlyxAbortError(method, url);
  }
}

/** Transports echo what they like in their errors; make sure the token is not part of it. */
function scrub(text: string, token: string | null): string {
  return token ? text.split(token).join('[token]') : text;
}
