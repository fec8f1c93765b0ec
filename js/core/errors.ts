/**
 * Typed errors. Every message says what was wrong and what to do, and none ever carries a token:
 * URLs never hold credentials (the token only travels in a header) and server bodies are quoted
 * by their `detail`, never by request headers.
 */

export type ErrorCode =
  | 'bad-input'
  | 'conflict'
  | 'auth'
  /** Logged in, but Alyx does not let this user do it (a read-only account). */
  | 'forbidden'
  | 'not-found'
  | 'validation'
  | 'throttled'
  | 'server'
  | 'network'
  | 'timeout'
  | 'aborted'
  | 'bad-response'
  /** The verdict was written but its figure not (issue 16): Retry attaches the figure only. */
  | 'figure-not-attached';

/** Base class: `code` for programs, `message` for people. */
export class AlyxQcError extends Error {
  constructor(readonly code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AlyxQcError';
  }
}

/** The caller's input was invalid; nothing was sent to Alyx. */
export class InputError extends AlyxQcError {
  constructor(message: string) {
    super('bad-input', message);
    this.name = 'InputError';
  }
}

/** The server's state does not allow the write (several sign-off notes, ambiguous UUID…); nothing was written. */
export class ConflictError extends AlyxQcError {
  constructor(message: string, readonly noteIds: readonly string[] = []) {
    super('conflict', message);
    this.name = 'ConflictError';
  }
}

/** What an HTTP error knows about the request that failed. */
export interface HttpErrorInfo {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  /** The server's `detail`, or a short excerpt of its body. */
  readonly detail: string;
}

/** Alyx answered with an error status. */
export class AlyxHttpError extends AlyxQcError {
  declare readonly method: string;
  declare readonly url: string;
  declare readonly status: number;
  declare readonly detail: string;
  constructor(code: ErrorCode, info: HttpErrorInfo, advice: string) {
    // The server's text often ends with its own full stop ("Invalid token."): no second one.
    super(code, `${info.method} ${info.url} failed with ${info.status}${info.detail ? `: ${info.detail}` : ''}${/[.!?]$/.test(info.detail) ? '' : '.'} ${advice}`);
    this.name = 'AlyxHttpError';
    // method, url, status and detail: callers pass exactly an HttpErrorInfo.
    Object.assign(this, info);
  }
}

export class AlyxAuthError extends AlyxHttpError {
  constructor(info: HttpErrorInfo, advice = 'Log in again, or pass a fresh token.', code: 'auth' | 'forbidden' = 'auth') {
    super(code, info, advice);
    this.name = 'AlyxAuthError';
  }
}

export class AlyxNotFoundError extends AlyxHttpError {
  constructor(info: HttpErrorInfo, advice = 'Check the UUID and the Alyx base URL.') {
    super('not-found', info, advice);
    this.name = 'AlyxNotFoundError';
  }
}

/** 400 with Alyx's per-field messages in `fieldErrors`. */
export class AlyxValidationError extends AlyxHttpError {
  constructor(info: HttpErrorInfo, readonly fieldErrors: Readonly<Record<string, readonly string[]>>) {
    super('validation', info, 'Correct the fields named.');
    this.name = 'AlyxValidationError';
  }
}

export class AlyxThrottledError extends AlyxHttpError {
  constructor(info: HttpErrorInfo, readonly retryAfterSeconds: number | undefined) {
    super('throttled', info, 'Wait a minute and try again.');
    this.name = 'AlyxThrottledError';
  }
}

export class AlyxServerError extends AlyxHttpError {
  constructor(info: HttpErrorInfo) {
    super('server', info, 'Try again later, or tell an Alyx administrator.');
    this.name = 'AlyxServerError';
  }
}

/** The server answered something that is not the JSON Alyx answers (a login page, a proxy's HTML). */
export class AlyxBadResponseError extends AlyxHttpError {
  constructor(info: HttpErrorInfo, advice = 'Not an Alyx API: check the base URL (the API root, e.g. https://alyx.internationalbrainlab.org).') {
    super('bad-response', info, advice);
    this.name = 'AlyxBadResponseError';
  }
}

/**
 * No response at all: the server is down, unreachable, or (in a browser) blocked by CORS. The
 * client gives it no `cause`: a transport's own error may quote the request, token included.
 */
export class AlyxNetworkError extends AlyxQcError {
  constructor(readonly method: string, readonly url: string, reason: string, options?: { cause?: unknown }) {
    // A page on another origin sees a CORS refusal only as a bare network failure.
    super('network', `${method} ${url} got no response (${reason}). Check the network, the base URL and (from a web page) CORS.`, options);
    this.name = 'AlyxNetworkError';
  }
}

export class AlyxTimeoutError extends AlyxQcError {
  constructor(readonly method: string, readonly url: string, readonly timeoutMs: number) {
    super('timeout', `${method} ${url} timed out after ${timeoutMs} ms: try again later.`);
    this.name = 'AlyxTimeoutError';
  }
}

export class AlyxAbortError extends AlyxQcError {
  constructor(readonly method: string, readonly url: string) {
    super('aborted', `${method} ${url} was cancelled: check Alyx, then try again.`);
    this.name = 'AlyxAbortError';
  }
}
