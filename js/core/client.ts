/**
 * An Alyx client, modelled on ONE's `AlyxClient`: the REST half (rest-client.ts) plus token auth,
 * the login, and re-authentication once on "Invalid token.". The token lives in a private field
 * and is never put into a URL, an error or a serialised form of the client.
 */
import { AlyxAuthError, AlyxBadResponseError, AlyxHttpError, AlyxNotFoundError, InputError } from './errors.ts';
import { AlyxRestClient, type AlyxClientOptions } from './rest-client.ts';
import { fetchTransport } from './transport.ts';
import { clip } from './validation.ts';

export { MAX_PAGES, type AlyxClientOptions, type RequestOptions } from './rest-client.ts';

/** How to prove who we are. A relayed transport may authenticate on the client's behalf. */
export type AlyxCredentials =
  | { readonly username: string; readonly password: string }
  | { readonly username: string; readonly token: string }
  /** A cached token, with the password to log in again when it has gone stale. */
  | { readonly username: string; readonly token: string; readonly password: string }
  /** The transport adds credentials (the Jupyter kernel relay); `username` is who they belong to. */
  | { readonly username: string; readonly transportAuthenticates: true };

/** Validates and normalises an Alyx base URL (http or https, no trailing slash, no credentials). */
export function normaliseBaseUrl(baseUrl: unknown): string {
  const text = typeof baseUrl === 'string' ? baseUrl.trim() : '';
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    // Said below: missing, or not a URL.
  }
  const problem = !text
    ? 'The Alyx base URL is missing.'
    : !url
      // Never quoted whole: it may hold `user:password@`.
      ? `"${clip(text.replace(/\/\/[^/]*@/, '//…@'))}" is not a URL.`
      : /^https?:$/.test(url.protocol) ? '' : `The Alyx base URL must start with http:// or https://, not ${url.protocol}//.`;
  // (`!url` implies a problem: it is there for the type checker.)
  if (problem || !url) throw new InputError(`${problem} Pass it like "https://alyx.internationalbrainlab.org".`);
  const base = `${url.origin}${url.pathname}`;
  if (url.username || url.password || url.search || url.hash) {
    throw new InputError(`The Alyx base URL must not hold a username, password, query or fragment: use "${base}" and pass credentials separately.`);
  }
  return base.replace(/\/+$/, '');
}

export class AlyxClient extends AlyxRestClient {
  #token: string | null;
  #password: string | null;

  private constructor(baseUrl: string, credentials: AlyxCredentials, options: AlyxClientOptions) {
    const { username, token = null, password = null, transportAuthenticates } = (credentials ?? {}) as Partial<Record<'username' | 'token' | 'password', string> & { transportAuthenticates: boolean }>;
    super(normaliseBaseUrl(baseUrl), username as string, { ...options, transport: options.transport ?? fetchTransport() });
    this.#token = token;
    this.#password = password;
    if (token === null && password === null && !transportAuthenticates) throw new InputError('No way to authenticate: pass a password or a token.');
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

  /** Whether the client can log in again by itself when its token goes stale. */
  get canReauthenticate(): boolean {
    return this.#password !== null;
  }

  /** Logs in with the stored password and keeps the new token. */
  async authenticate(signal?: AbortSignal): Promise<void> {
    if (this.#password === null) throw new InputError('No password to log in again with: pass { username, password }.');
    let body: unknown;
    try {
      body = await this.send('POST', '/auth-token', { body: { username: this.user, password: this.#password }, signal, idempotent: true }, false);
    } catch (error) {
      // Alyx answers a wrong password with 400, and a base URL that is no Alyx with 404.
      if (!(error instanceof AlyxHttpError)) throw error;
      if (error.status === 400) throw new AlyxAuthError(error, 'The username or password is wrong: check them and log in again.');
      if (error.status === 404) throw new AlyxNotFoundError(error, 'The base URL looks wrong: no Alyx login there.');
      throw error;
    }
    const token = (body as { token?: unknown } | null)?.token;
    if (typeof token !== 'string' || token === '') {
      throw new AlyxBadResponseError({ method: 'POST', url: `${this.baseUrl}/auth-token`, status: 200, detail: 'expected a token' });
    }
    this.#token = token;
  }

  protected override authorization(): string | undefined {
    return this.#token === null ? undefined : `Token ${this.#token}`;
  }

  protected override async reauthenticate(refusal: AlyxHttpError, signal?: AbortSignal): Promise<boolean> {
    if (refusal.code !== 'auth' || refusal.detail !== 'Invalid token.' || this.#password === null) return false;
    await this.authenticate(signal);
    return true;
  }

  /**
   * `text` with our token and password cut out, in any case, JSON-escaped, URL-encoded or in
   * base64 (as a Basic header): errors quote an excerpt of a response's body, and a debugging
   * gateway or a framework's error page may echo the request's headers; transports echo what
   * they like in their errors.
   */
  protected override scrub(text: string): string {
    const base64 = (value: string): string => btoa(String.fromCharCode(...new TextEncoder().encode(value)));
    for (const secret of [this.#token, this.#password]) {
      if (!secret) continue;
      for (const form of [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), base64(secret), base64(`${this.user}:${secret}`)]) {
        // Every character but letters, digits and `_` escaped: outside `u` mode any may be (`\%` is `%`).
        text = text.replace(new RegExp(form.replace(/\W/g, '\\$&'), 'gi'), '[token]');
      }
    }
    return text;
  }
}
