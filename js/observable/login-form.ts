import { resolveBaseUrl } from './base-url.ts';
import './login-form-element.ts';
import type { LoginFormElement } from './login-form-element.ts';
import { checkedOption, checkOptionNames, optionError, stringOption } from './options.ts';

const FACTORY = 'loginForm';
const OPTIONS = ['baseUrl', 'username', 'storage'] as const;

/** Options of {@link loginForm}. */
export interface LoginFormOptions {
  /** The Alyx base URL, or a path such as `"/alyx"` to a proxy on the page's own origin. */
  readonly baseUrl: string;
  /** The username to fill in. */
  readonly username?: string;
  /** Where "Remember me" saves the token: `localStorage` by default; `null` offers no "Remember me". */
  readonly storage?: Storage | null;
}

/**
 * A login form for an Observable notebook: `viewof alyx = loginForm({baseUrl})`. Its `value` is
 * the logged-in `AlyxClient`, `undefined` (so dependent cells wait) until the reviewer logs in.
 * The token stays in memory unless the reviewer ticks "Remember me on this device".
 * Throws a `TypeError` at once for a bad option.
 */
export function loginForm(options: LoginFormOptions): LoginFormElement {
  checkOptionNames(FACTORY, options, OPTIONS);
  const baseUrl = checkedOption(FACTORY, 'baseUrl', () => resolveBaseUrl(stringOption(FACTORY, 'baseUrl', options.baseUrl, 'https://alyx.internationalbrainlab.org')));
  const form = document.createElement('alyx-qc-login');
  form.baseUrl = baseUrl;
  if (options.username !== undefined) form.username = stringOption(FACTORY, 'username', options.username, 'olivier');
  if (options.storage !== undefined) {
    if (options.storage !== null && typeof (options.storage as Partial<Storage>).getItem !== 'function') {
      throw optionError(FACTORY, 'the "storage" option must be a Storage such as localStorage or sessionStorage, or null.');
    }
    form.storage = options.storage;
  }
  return form;
}
