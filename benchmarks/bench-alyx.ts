/**
 * The Alyx the benchmarks run against: the development Alyx the tests start (by default), or any
 * Alyx given by environment as the test suites take it (`ALYX_QC_TEST_URL` and its users'
 * credentials, listed in `tests/support/test-alyx.ts`), so the same tables can be made against a
 * lab's own Alyx. The fixture creates the sessions (as its admin) and cleans up on stop.
 */
import type { AlyxClient } from '../js/core/client.ts';
import { AlyxFixture, EXTERNAL, USER2 } from '../tests/support/alyx-fixture.ts';
import { EXTERNAL_URL } from '../tests/support/test-alyx.ts';
import type { SessionSource } from './workflows.ts';

export interface BenchAlyx extends SessionSource {
  readonly baseUrl: string;
  /**
   * The reviewer both sides log in as: the second test user (`reviewer2` on the development
   * Alyx). Not `test_user`: ibllib's `SignOffNote.sign_off()` splits `<date>_<username>` on `_`,
   * so a name with `_` would be stored cut in the checklist.
   */
  readonly username: string;
  readonly password: string;
  /** What it is, for the report. */
  readonly description: string;
  login(): Promise<AlyxClient>;
  /** The reviewer's token, fetched directly (as a notebook's ONE holds it), not through any proxy. */
  token(): Promise<string>;
  stop(): Promise<void>;
}

/** The Alyx given by environment, if any: it is not restarted (no throttled runs against it). */
export function externalAlyxUrl(): string | undefined {
  return EXTERNAL ? EXTERNAL_URL : undefined;
}

export async function startBenchAlyx(options: { throttle?: string } = {}): Promise<BenchAlyx> {
  const fixture = await AlyxFixture.start(options.throttle ? { throttle: options.throttle } : {});
  const { username, password } = USER2;
  return {
    baseUrl: fixture.baseUrl,
    username,
    password,
    description: EXTERNAL ? `the Alyx at ${fixture.baseUrl} (ALYX_QC_TEST_URL)` : 'the development Alyx (dev/alyx-server on SQLite, started by the benchmark)',
    login: () => fixture.login(username),
    token: () => fixture.token(username),
    newSession: () => fixture.newSession(),
    // The fixture's admin: another user than the reviewer, whose note a merge or an overwrite finds.
    other: () => fixture.inspector(),
    stop: () => fixture.stop(),
  };
}
