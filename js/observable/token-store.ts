/**
 * The opt-in "remember me on this device": one Alyx token per base URL in the browser's
 * localStorage. Nothing is written unless the reviewer ticks the box; logging out removes it.
 */

/** What is kept for a base URL. Never a password. */
export interface StoredLogin {
  readonly username: string;
  readonly token: string;
}

const PREFIX = 'alyx-qc:token:';

/** The page's localStorage, or `null` where there is none or it is refused (sandboxed frames throw). */
export function defaultStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/** Where a token goes, in the words of the "Remember me" label. */
export function describeStorage(storage: Storage): string {
  if (storage === defaultStorage()) return 'this browser\u2019s localStorage';
  try {
    if (storage === globalThis.sessionStorage) return 'this tab\u2019s sessionStorage';
  } catch {
    // sessionStorage refused (sandboxed frame): it cannot be the one given.
  }
  return 'the storage given to loginForm';
}

/** The login remembered for `baseUrl`, if any (a malformed entry is ignored). */
export function readStoredLogin(storage: Storage | null, baseUrl: string): StoredLogin | undefined {
  const raw = storage?.getItem(PREFIX + baseUrl);
  if (!raw) return undefined;
  try {
    const parsed = JSON.parse(raw) as Partial<StoredLogin>;
    if (typeof parsed.username === 'string' && parsed.username && typeof parsed.token === 'string' && parsed.token) {
      return { username: parsed.username, token: parsed.token };
    }
  } catch {
    // Not ours or corrupted: treated as absent, and replaced by the next remembered login.
  }
  return undefined;
}

export function storeLogin(storage: Storage | null, baseUrl: string, login: StoredLogin): void {
  storage?.setItem(PREFIX + baseUrl, JSON.stringify({ username: login.username, token: login.token }));
}

export function forgetLogin(storage: Storage | null, baseUrl: string): void {
  storage?.removeItem(PREFIX + baseUrl);
}
