/**
 * Reading (never writing) the parameters ONE keeps per Alyx URL, so that a reviewer who already
 * logged in with ONE is not asked again. Layout as in ONE's `one/params.py` and iblutil's
 * `iblutil/io/params.py`: `~/.one/.caches` maps client keys to cache folders and names the
 * `DEFAULT` one; `~/.one/.<client key>` holds `ALYX_URL`, `ALYX_LOGIN`, optionally `ALYX_PWD`,
 * and `TOKEN` = `{ "<username>": { "token": "<token>" } }` once ONE has cached a login.
 * On Windows the folder is `%APPDATA%\.one`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** What ONE stored for one Alyx URL. Tokens are kept out of `toJSON`, so they never print. */
export class OneParams {
  readonly #tokens: ReadonlyMap<string, string>;
  readonly #password: string | undefined;
  constructor(
    /** The file read. */
    readonly file: string,
    readonly alyxUrl: string | undefined,
    readonly alyxLogin: string | undefined,
    tokens: ReadonlyMap<string, string>,
    password: string | undefined,
  ) {
    this.#tokens = tokens;
    this.#password = password;
  }

  /** The token ONE cached for `username`, if any. */
  tokenFor(username: string): string | undefined {
    return this.#tokens.get(username);
  }

  /** The users ONE holds a token for. */
  get tokenUsers(): readonly string[] {
    return [...this.#tokens.keys()];
  }

  /** `ALYX_PWD`, which ONE keeps only if the user added it to the file by hand. */
  get password(): string | undefined {
    return this.#password;
  }

  toJSON(): { file: string; alyxUrl: string | undefined; alyxLogin: string | undefined } {
    return { file: this.file, alyxUrl: this.alyxUrl, alyxLogin: this.alyxLogin };
  }
}

/** Where ONE keeps its parameter files: `~/.one`, or `%APPDATA%\.one` on Windows. */
export function oneParamsDir(home: string, platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  const root = platform === 'win32' && env['APPDATA'] ? env['APPDATA'] : home;
  return path.join(root, '.one');
}

/**
 * ONE's `_key_from_url`: the URL without protocol and end slashes, lower-cased, characters other
 * than word characters, `.`, `-` and spaces turned into `_`, runs of `-` and spaces into `-`.
 * `https://alyx.internationalbrainlab.org` → `alyx.internationalbrainlab.org`,
 * `http://127.0.0.1:8000` → `127.0.0.1_8000`.
 */
export function oneClientKey(url: string): string {
  const bare = url
    .normalize('NFKC')
    .replace(/^https?:\/\//, '')
    .replace(/^\/+|\/+$/g, '');
  return bare
    .toLowerCase()
    .replace(/[^.\p{L}\p{N}_\s-]/gu, '_')
    .replace(/[-\s]+/gu, '-');
}

type Warn = (message: string) => void;

function readJsonObject(file: string, warn: Warn): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined; // No file: ONE was never set up for this URL.
  }
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Fall through: say the file is unreadable, never what it holds.
  }
  warn(`ignoring ONE's parameter file ${file}: it is not a JSON object.`);
  return undefined;
}

function stringField(object: Record<string, unknown>, key: string): string | undefined {
  const value = object[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** ONE's parameters for `baseUrl`, or `undefined` when ONE has none. */
export function readOneParams(dir: string, baseUrl: string, warn: Warn = () => {}): OneParams | undefined {
  const file = path.join(dir, `.${oneClientKey(baseUrl)}`);
  const object = readJsonObject(file, warn);
  if (!object) return undefined;
  const tokens = new Map<string, string>();
  const tokenField = object['TOKEN'];
  if (tokenField !== null && typeof tokenField === 'object' && !Array.isArray(tokenField)) {
    for (const [user, entry] of Object.entries(tokenField as Record<string, unknown>)) {
      const token = entry !== null && typeof entry === 'object' ? (entry as Record<string, unknown>)['token'] : undefined;
      if (typeof token === 'string' && token !== '') tokens.set(user, token);
    }
  }
  return new OneParams(file, stringField(object, 'ALYX_URL'), stringField(object, 'ALYX_LOGIN'), tokens, stringField(object, 'ALYX_PWD'));
}

/** The URL of ONE's default Alyx (`DEFAULT` in `.caches`), if ONE has one. */
export function readOneDefaultUrl(dir: string, warn: Warn = () => {}): string | undefined {
  const caches = readJsonObject(path.join(dir, '.caches'), warn);
  const key = caches ? stringField(caches, 'DEFAULT') : undefined;
  if (!key) return undefined;
  const params = readJsonObject(path.join(dir, `.${key}`), warn);
  return params ? stringField(params, 'ALYX_URL') : undefined;
}
