/**
 * Where the Alyx URL, the username and the secret come from, first match wins:
 * URL: `--base-url`, `ALYX_URL`, ONE's default Alyx. User: `--user`, `ALYX_LOGIN`, ONE's
 * `ALYX_LOGIN`. Token: `ALYX_TOKEN`, the token ONE cached for that URL and user. Password:
 * `ALYX_PASSWORD` (automation), ONE's `ALYX_PWD`; failing both, `connect` asks at the terminal.
 */
import { normaliseBaseUrl } from '../core/client.ts';
import { UsageError } from './exit-codes.ts';
import { oneParamsDir, readOneDefaultUrl, readOneParams } from './one-params.ts';

export interface CredentialSources {
  readonly baseUrl?: string;
  readonly user?: string;
  readonly env: NodeJS.ProcessEnv;
  /** The home folder ONE's `~/.one` is in. */
  readonly home: string;
  readonly platform?: NodeJS.Platform;
  readonly warn?: (message: string) => void;
}

/** Resolved credentials. The secrets are private and left out of `toJSON`, so they never print. */
export class Credentials {
  readonly #token: string | undefined;
  readonly #password: string | undefined;
  constructor(
    readonly baseUrl: string,
    readonly username: string | undefined,
    secrets: { token?: string | undefined; password?: string | undefined },
    /** Where the token came from, for messages: `ALYX_TOKEN` or the ONE file's path. */
    readonly tokenSource: string | undefined,
  ) {
    this.#token = secrets.token;
    this.#password = secrets.password;
  }

  get token(): string | undefined {
    return this.#token;
  }

  get password(): string | undefined {
    return this.#password;
  }

  toJSON(): { baseUrl: string; username: string | undefined; tokenSource: string | undefined } {
    return { baseUrl: this.baseUrl, username: this.username, tokenSource: this.tokenSource };
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** Resolves what can be resolved without asking; a missing username or secret stays undefined. */
export function resolveCredentials(sources: CredentialSources): Credentials {
  const { env } = sources;
  const dir = oneParamsDir(sources.home, sources.platform, env);
  const rawUrl = nonEmpty(sources.baseUrl) ?? nonEmpty(env['ALYX_URL']) ?? readOneDefaultUrl(dir, sources.warn);
  if (rawUrl === undefined) {
    throw new UsageError('no Alyx URL: pass --base-url https://alyx.internationalbrainlab.org or set ALYX_URL (or set up ONE with a default Alyx).');
  }
  const baseUrl = normaliseBaseUrl(rawUrl);
  const one = readOneParams(dir, baseUrl, sources.warn);
  const oneOnlyUser = one?.tokenUsers.length === 1 ? one.tokenUsers[0] : undefined;
  const username = nonEmpty(sources.user) ?? nonEmpty(env['ALYX_LOGIN']) ?? one?.alyxLogin ?? oneOnlyUser;
  const envToken = nonEmpty(env['ALYX_TOKEN']);
  const oneToken = username !== undefined ? one?.tokenFor(username) : undefined;
  const token = envToken ?? oneToken;
  const tokenSource = envToken !== undefined ? 'ALYX_TOKEN' : oneToken !== undefined ? one?.file : undefined;
  const password = nonEmpty(env['ALYX_PASSWORD']) ?? one?.password;
  return new Credentials(baseUrl, username, { token, password }, tokenSource);
}
