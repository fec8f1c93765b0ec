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

/** DRF field errors, `{"field": ["message", ...]}`, minus Alyx's `status_code`. */
function fieldErrorsOf(body: unknown): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return errors;
  for (const [field, value] of Object.entries(body)) {
    if (field === 'status_code' || field === 'detail') continue;
    errors[field] = (Array.isArray(value) ? value : [value]).map((item) => String(item));
  }
  return errors;
}

function detailOf(body: unknown, raw: string): string {
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const detail = (body as { detail?: unknown }).detail;
    if (typeof detail === 'string') return clip(detail, 300);
    const fields = Object.entries(fieldErrorsOf(body)).map(([field, messages]) => `${field}: ${messages.join(' ')}`);
    if (fields.length) return clip(fields.join('; '), 300);
  }
  return body === undefined ? clip(raw.replace(/\s+/g, ' ').trim(), 120) : '';
}

/** The `Retry-After` header in seconds (a number or an HTTP date), if present. */
export function retryAfterSeconds(response: AlyxResponse, now = Date.now()): number | undefined {
  const value = response.headers['retry-after'];
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

/** The error for a non-2xx response, or for a 2xx whose body is not JSON. */
export function errorForResponse(method: string, url: string, response: AlyxResponse, isLogin: boolean): AlyxHttpError {
  const body = parseJsonBody(response);
  const info: HttpErrorInfo = { method, url, status: response.status, detail: detailOf(body, response.body) };
  const { status } = response;
  if (status >= 200 && status < 300) return new AlyxBadResponseError({ ...info, detail: `expected JSON, got ${clip(response.body.replace(/\s+/g, ' ').trim(), 80)}` });
  if (isLogin && status === 400) return new AlyxAuthError(info, 'The username or password is wrong: check them and log in again.');
  if (status === 401 || status === 403) {
    const advice = info.detail === 'Invalid token.'
      ? 'The token has expired or was revoked: log in again with your username and password, or pass a fresh token.'
      : 'Your Alyx user may lack the permission for this, or is not logged in: log in again, or ask an Alyx administrator.';
    return new AlyxAuthError(info, advice);
  }
  if (status === 404) return new AlyxNotFoundError(info);
  if (status === 429) return new AlyxThrottledError(info, retryAfterSeconds(response));
  if (status >= 500) return new AlyxServerError(info);
  if (body === undefined) return new AlyxBadResponseError(info);
  if (status === 400) return new AlyxValidationError(info, fieldErrorsOf(body));
  return new AlyxHttpError('server', info, 'Alyx refused the request; check the values and try again.');
}
