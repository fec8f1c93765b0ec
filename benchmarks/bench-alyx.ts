/**
 * The Alyx the benchmarks run against: the development Alyx the tests start (by default), or any
 * Alyx given by environment as the test suites take it (`ALYX_QC_TEST_URL` and its credentials,
 * see `tests/support/alyx-fixture.ts`), so the same tables can be made against a lab's own Alyx.
 */
import type { AlyxClient } from '../js/core/client.ts';
import { AlyxFixture, PASSWORD } from '../tests/support/alyx-fixture.ts';
import type { SessionSource } from './workflows.ts';

/**
 * The reviewer both sides log in as. Not `test_user`: ibllib's `SignOffNote.sign_off()` splits
 * `<date>_<username>` on `_`, so a name with `_` would be stored cut in the checklist.
 */
export const DEV_USER = 'reviewer2';

export interface BenchAlyx extends SessionSource {
  readonly baseUrl: string;
  readonly username: string;
  readonly password: string;
  /** What it is, for the report: "the development Alyx" or the URL given. */
  readonly description: string;
  /** Whether the benchmark started it (and so can restart it with a throttle). */
  readonly local: boolean;
  login(): Promise<AlyxClient>;
  /** The reviewer's token, fetched directly (as a notebook's ONE holds it), not through any proxy. */
  token(): Promise<string>;
  stop(): Promise<void>;
}

/** The Alyx given by environment, if any (the URL only; the fixture reads the credentials). */
export function externalAlyxUrl(): string | undefined {
  const url = process.env['ALYX_QC_TEST_URL'];
  return url && url.trim() !== '' ? url.trim() : undefined;
}

export async function startBenchAlyx(options: { throttle?: string } = {}): Promise<BenchAlyx> {
  const fixture = await AlyxFixture.start(options.throttle ? { throttle: options.throttle } : {});
  const fixtureUser = (fixture as unknown as { reviewer?: { username: string; password: string } }).reviewer;
  const username = externalAlyxUrl() && fixtureUser ? fixtureUser.username : DEV_USER;
  const password = externalAlyxUrl() && fixtureUser ? fixtureUser.password : PASSWORD;
  let other: AlyxClient | undefined;
  return {
    baseUrl: fixture.baseUrl,
    username,
    password,
    description: externalAlyxUrl() ? `the Alyx at ${fixture.baseUrl} (ALYX_QC_TEST_URL)` : 'the development Alyx (dev/alyx-server, SQLite)',
    local: !externalAlyxUrl(),
    login: () => fixture.login(username),
    token: () => fixture.token(username),
    newSession: () => fixture.newSession(),
    // The admin: another user than the reviewer, whose note a merge or an overwrite finds.
    other: async () => (other ??= await fixture.inspector()),
    stop: () => fixture.stop(),
  };
}
