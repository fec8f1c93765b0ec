import { css, html, LitElement, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { AlyxClient } from '../core/client.ts';
import { defineElement } from '../elements/define.ts';
import { emit } from '../elements/events.ts';
import { panelStyles, theme } from '../elements/theme.ts';
import { loginForToken } from './login.ts';
import { defaultStorage, describeStorage, forgetLogin, readStoredLogin, storeLogin } from './token-store.ts';

type LoginState =
  | { readonly status: 'idle' }
  | { readonly status: 'pending' }
  | { readonly status: 'failed'; readonly message: string };

/**
 * Logs in to Alyx with a username and password, for notebooks where no token is at hand. The
 * token is held in memory by the client; it goes to localStorage only when the reviewer ticks
 * "Remember me on this device", whose label says so, and logging out removes it again. The
 * password is never stored, nor kept once the token is received.
 *
 * An Observable `viewof` input: `value` is the logged-in `AlyxClient`, `undefined` until then
 * (so cells that use it wait). Setting `value` from code dispatches nothing.
 *
 * @fires input - After a login, after a logout (`value` is then `undefined`), and once when a
 *   remembered token is restored.
 */
export class LoginFormElement extends LitElement {
  static override properties: PropertyDeclarations = {
    baseUrl: { type: String, attribute: 'base-url' },
    username: { type: String },
    storage: { attribute: false },
    value: { attribute: false },
    remembered: { state: true },
    state: { state: true },
  };

  static override styles = [
    theme,
    panelStyles,
    css`
      .field {
        display: grid;
        gap: 2px;
        max-width: 320px;
      }
      .field input {
        font: inherit;
        color: inherit;
        background: var(--aq-bg);
        border: 1px solid var(--aq-line2);
        border-radius: var(--aq-radius);
        padding: 3px 6px;
      }
    `,
  ];

  /** The Alyx base URL, absolute (the factory resolves a proxy path against the page). */
  declare baseUrl: string;
  /** The username filled in at first. */
  declare username: string;
  /** Where "Remember me" keeps the token: the page's localStorage by default; `null` offers no "Remember me". */
  declare storage: Storage | null;
  /** The logged-in client; `undefined` until the reviewer logs in. */
  declare value: AlyxClient | undefined;
  declare protected remembered: boolean;
  declare protected state: LoginState;

  constructor() {
    super();
    this.baseUrl = '';
    this.username = '';
    this.storage = defaultStorage();
    this.value = undefined;
    this.remembered = false;
    this.state = { status: 'idle' };
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('baseUrl') || changed.has('storage')) && this.value === undefined) void this.#restore();
  }

  /** Logs in with the token remembered for this base URL, if there is one. */
  async #restore(): Promise<void> {
    const stored = this.baseUrl ? readStoredLogin(this.storage, this.baseUrl) : undefined;
    if (!stored) return;
    const client = await AlyxClient.login(this.baseUrl, stored);
    if (this.value !== undefined) return;
    this.remembered = true;
    this.value = client;
    emit(this, 'input', client);
  }

  async #onSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (this.state.status === 'pending') return;
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const username = String(data.get('username') ?? '').trim();
    const password = String(data.get('password') ?? '');
    const remember = data.get('remember') === 'on';
    this.state = { status: 'pending' };
    try {
      const { client, token } = await loginForToken(this.baseUrl, { username, password });
      if (remember) storeLogin(this.storage, client.baseUrl, { username, token });
      else forgetLogin(this.storage, client.baseUrl);
      this.username = username;
      this.remembered = remember;
      this.state = { status: 'idle' };
      this.value = client;
      emit(this, 'input', client);
    } catch (error) {
      console.error('[alyx-qc] login failed:', error);
      this.state = { status: 'failed', message: error instanceof Error ? error.message : String(error) };
    }
  }

  #logOut(): void {
    forgetLogin(this.storage, this.baseUrl);
    this.remembered = false;
    this.value = undefined;
    emit(this, 'input', undefined);
  }

  protected override render(): TemplateResult {
    return this.value ? this.#renderLoggedIn(this.value) : this.#renderForm();
  }

  #renderLoggedIn(client: AlyxClient): TemplateResult {
    return html`<section class="root panel" aria-labelledby="title">
      <h2 id="title">Alyx <code>${client.baseUrl}</code></h2>
      <p role="status">Logged in as <strong>${client.user}</strong>.</p>
      <p class="muted">
        ${this.remembered
          ? `Your Alyx token is saved in ${this.storage ? describeStorage(this.storage) : 'storage'}; Log out removes it.`
          : 'Your Alyx token is kept in this page\u2019s memory only, and is gone when the page closes.'}
      </p>
      <div class="actions"><button @click=${this.#logOut}>Log out${this.remembered ? ' and forget the saved token' : ''}</button></div>
    </section>`;
  }

  #renderForm(): TemplateResult {
    const pending = this.state.status === 'pending';
    return html`<form class="root panel" aria-labelledby="title" @submit=${this.#onSubmit} @input=${stop}>
      <h2 id="title">Log in to Alyx <code>${this.baseUrl}</code></h2>
      <label class="field">Username <input name="username" autocomplete="username" required .value=${this.username} /></label>
      <label class="field">Password <input name="password" type="password" autocomplete="current-password" required /></label>
      ${this.storage
        ? html`<label class="toggle">
            <input type="checkbox" name="remember" />
            Remember me on this device (saves your Alyx token, not your password, in ${describeStorage(this.storage)} until you log out)
          </label>`
        : nothing}
      <div class="actions">
        <button class="primary" type="submit" aria-disabled=${pending ? 'true' : 'false'}>Log in</button>
        <div role="status" aria-live="polite">${pending ? html`<span class="spinner" aria-hidden="true"></span>Logging in\u2026` : nothing}</div>
      </div>
      ${this.state.status === 'failed' ? html`<p class="notice error plain" role="alert">${this.state.message}</p>` : nothing}
    </form>`;
  }
}

/** Native `input` events are composed: typing a username is not a change of `value`. */
function stop(event: Event): void {
  event.stopPropagation();
}

defineElement('alyx-qc-login', LoginFormElement);

declare global {
  interface HTMLElementTagNameMap {
    'alyx-qc-login': LoginFormElement;
  }
}
