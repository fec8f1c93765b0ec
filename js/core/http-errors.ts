/** Turns an Alyx error response into the typed error that says what to do. */
import {
  AlyxAuthError,
  AlyxBadResponseError,
  AlyxHttpError,
  AlyxNotFoundError,
  AlyxServerError,
  AlyxThrottledError,
  AlyxValidationError,
  type HttpErrorInfo,
} from './errors.ts';
import type { AlyxResponse } from './transport.ts';
import { clip } from './validation.ts';

/** Parses a JSON body, `undefined` when it is not JSON (an HTML error page, a proxy's text). */
export function parseJsonBody(response: AlyxResponse): unknown {
  try {
    return JSON.parse(response.body) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The `Retry-After` header in seconds, if present: decimal digits, or an HTTP date. Anything else
 * (`0x10`, `1e3`, ` 5`) is ignored, which `Number()` would have read as a number.
 */
export function retryAfterSeconds(response: AlyxResponse): number | undefined {
  // No header reads as '', which is neither form.
  const value = response.headers['retry-after'] ?? '';
  const seconds = /^\d+$/.test(value) ? Number(value) : /^[A-Z][a-z]{2}, .* GMT$/.test(value) ? (Date.parse(value) - Date.now()) / 1000 : NaN;
  return Number.isNaN(seconds) ? undefined : Math.max(0, seconds);
}

/** The error for a non-2xx response, or for a 2xx whose body is not JSON. */
export function errorForResponse(method: string, url: string, response: AlyxResponse, sent?: unknown): AlyxHttpError {
  const body = parseJsonBody(response);
  const { status } = response;
  // DRF's field errors, `{"field": ["message", ...]}`, minus Alyx's `status_code`.
  const { detail: serverDetail, status_code: _statusCode, ...fields } = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const fieldErrors = Object.fromEntries(Object.entries(fields).map(([field, messages]) => [field, [messages].flat().map(String)]));
  const detail = body === undefined
    ? clip(response.body.replace(/\s+/g, ' ').trim(), 120) // a body that is not JSON, quoted on one line
    : clip(typeof serverDetail === 'string' ? serverDetail : Object.entries(fieldErrors).map(([field, messages]) => `${field}: ${messages.join(' ')}`).join('; '), 300);
  const info: HttpErrorInfo = { method, url, status, detail };
  if (status < 400) {
    // A 2xx here is one whose body is not JSON. Otherwise a redirect, never followed (`redirect: 'manual'`): the
    // credentials and the token would go to wherever it points. A browser's fetch shows one only as status 0, without the address.
    return new AlyxBadResponseError({ ...info, detail: status >= 200 && status < 300 ? `expected JSON, got ${detail}` : `redirected to ${response.headers['location'] ?? 'a hidden address'}, not followed` });
  }
  if (status === 401 || status === 403) {
    // Alyx answers 403 both to a missing or stale token and to a logged-in user who may not write.
    // The detail ("You do not have permission to perform this action.") says what was wrong; the advice, what to do.
    if (/permission to perform/.test(detail)) return new AlyxAuthError(info, 'Ask an Alyx administrator for write permission.', 'forbidden');
    // "Invalid token." (expired or revoked) needs no advice of its own: the server's detail says it.
    return new AlyxAuthError(info);
  }
  if (status === 404) return new AlyxNotFoundError(info);
  // Alyx 3.6.1 answers 500 to a note on an object it does not have: permanent, so not retried.
  if (status === 500 && / matching query does not exist/.test(detail)) {
    const { object_id: id, content_type: model } = (sent ?? {}) as Record<string, unknown>;
    return new AlyxNotFoundError(info, `Alyx has no ${model} ${id}: check the UUID, the content type and the base URL.`);
  }
  if (status === 429) return new AlyxThrottledError(info, retryAfterSeconds(response));
  if (status >= 500) return new AlyxServerError(info);
  if (body === undefined) return new AlyxBadResponseError(info);
  if (status === 400) return new AlyxValidationError(info, fieldErrors);
  return new AlyxHttpError('server', info, 'Check the values and try again.');
}
