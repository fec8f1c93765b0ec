/**
 * The pluggable HTTP layer. The client only ever calls a `Transport`: the default one uses
 * cross-fetch; the Jupyter widget's relays each request through the kernel (a stock Alyx sends no
 * CORS headers, and the token must stay in Python).
 */
import crossFetch from 'cross-fetch';
import type { HttpMethod } from './workflow-types.ts';

export interface AlyxRequest {
  readonly method: HttpMethod;
  /** Absolute URL: the client's base URL plus the endpoint path and query. */
  readonly url: string;
  /** Header names in lower case. Includes `authorization` only when the client holds a token. */
  readonly headers: Readonly<Record<string, string>>;
  /** JSON text, for POST/PUT/PATCH; `FormData` for a note with an image. */
  readonly body?: string | FormData;
  /** Aborts the request (the client's timeout and the caller's signal, combined). */
  readonly signal?: AbortSignal;
}

export interface AlyxResponse {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * Performs one request. Resolves with any HTTP status; rejects only when no response arrived
 * (network failure, CORS refusal, abort), with an error whose `name` is `AbortError` on abort.
 */
export type Transport = (request: AlyxRequest) => Promise<AlyxResponse>;

type FetchFunction = (input: string, init: Omit<AlyxRequest, 'url'> & { redirect: 'manual' }) => Promise<{
  status: number;
  headers: { forEach(callback: (value: string, key: string) => void): void };
  text(): Promise<string>;
}>;

/**
 * A transport over `fetch` (the platform's when there is one, cross-fetch otherwise). Redirects
 * are not followed but answered as they are (the client refuses them): a followed redirect would
 * carry the password or the token to wherever it points.
 */
export function fetchTransport(fetchImpl?: FetchFunction): Transport {
  const doFetch: FetchFunction = fetchImpl ?? (globalThis.fetch as unknown as FetchFunction | undefined) ?? (crossFetch as unknown as FetchFunction);
  return async ({ url, ...init }) => {
    const response = await doFetch(url, { ...init, redirect: 'manual' });
    const headers: Record<string, string> = {};
    // Fetch's Headers (and cross-fetch's) give their names in lower case.
    response.headers.forEach((value, key) => {
      headers[key] = value;
    });
    return { status: response.status, headers, body: await response.text() };
  };
}
