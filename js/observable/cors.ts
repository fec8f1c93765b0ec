/**
 * Telling a CORS refusal from a server that is down. In a browser both reach the page as the same
 * bare `TypeError: Failed to fetch`: the page may not learn why a cross-origin request failed.
 * What it may do is send a `no-cors` request, which needs no permission from the server and
 * resolves with an opaque response whenever the server answers at all. So: the real request
 * failed but the `no-cors` one got an answer means the server is up and withheld permission.
 */
import { AlyxNetworkError, AlyxQcError } from '../core/errors.ts';

const PROBE_TIMEOUT_MS = 5_000;

/** Why a request from this page got no response. */
export type NetworkDiagnosis = 'cors' | 'mixed-content' | 'unreachable';

/** The server answered, but not with this page's origin in `Access-Control-Allow-Origin`. */
export class AlyxCorsError extends AlyxNetworkError {
  /** The notebook page's origin: what the Alyx administrator must allow. */
  readonly pageOrigin: string;
  constructor(method: string, url: string, pageOrigin: string, options?: { cause?: unknown }) {
    super(method, url, 'blocked by the browser: CORS', options);
    this.name = 'AlyxCorsError';
    this.pageOrigin = pageOrigin;
    const alyx = new URL(url).origin;
    this.message = `The browser blocked this page (${pageOrigin}) from reading Alyx at ${alyx}: Alyx does not allow requests from this origin (CORS). `
      + `Ask the Alyx administrator to allow "${pageOrigin}" (django-cors-headers: add it to CORS_ALLOWED_ORIGINS), `
      + `or give a base URL that points at a proxy to Alyx on this page's own origin (e.g. "/alyx"). (${method} ${url})`;
  }
}

/** True for an error meaning "no response at all" (from any copy of the core: checked by code, not class). */
export function isNetworkError(error: unknown): error is AlyxNetworkError {
  return error instanceof AlyxQcError ? error.code === 'network' : (error as { code?: unknown } | null)?.code === 'network' && typeof (error as { url?: unknown }).url === 'string';
}

/** Why a request from this page to `url` got no response; `undefined` outside a browser. */
export async function diagnoseNetworkFailure(url: string): Promise<NetworkDiagnosis | undefined> {
  if (typeof location === 'undefined' || typeof fetch !== 'function') return undefined;
  const target = new URL(url, location.href);
  if (location.protocol === 'https:' && target.protocol === 'http:' && !isLoopback(target.hostname)) return 'mixed-content';
  if (target.origin === location.origin) return 'unreachable';
  try {
    await fetch(target.origin + target.pathname, { mode: 'no-cors', credentials: 'omit', cache: 'no-store', signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    return 'cors';
  } catch {
    return 'unreachable';
  }
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}

/**
 * The same error, explained for a notebook user when it is a failed fetch: an `AlyxCorsError`
 * when the browser withheld the response, a message naming the likely cause otherwise. Any other
 * error comes back unchanged.
 */
export async function explainNetworkError(error: unknown): Promise<unknown> {
  if (!isNetworkError(error) || error instanceof AlyxCorsError) return error;
  const diagnosis = await diagnoseNetworkFailure(error.url);
  if (diagnosis === 'cors') return new AlyxCorsError(error.method, error.url, location.origin, { cause: error });
  if (diagnosis === 'mixed-content') {
    return withMessage(error, `This page is served over https, so the browser refuses to call Alyx over plain http (${error.method} ${error.url}). Use Alyx's https:// address.`);
  }
  if (diagnosis === 'unreachable') {
    const origin = new URL(error.url, location.href).origin;
    const sameOrigin = origin === location.origin;
    return withMessage(error, `${sameOrigin ? 'The proxy to Alyx' : 'Alyx'} at ${origin} did not answer at all (${error.method} ${error.url}). `
      + `Check the base URL, that the server is running, and your network or VPN${sameOrigin ? ', and that the proxy forwards to Alyx' : ''}.`);
  }
  return error;
}

function withMessage(error: AlyxNetworkError, message: string): AlyxNetworkError {
  const explained = new AlyxNetworkError(error.method, error.url, 'no response', { cause: error });
  explained.message = message;
  return explained;
}
