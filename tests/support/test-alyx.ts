/**
 * Which Alyx the server tests talk to, and as whom: the development Alyx (started per test file,
 * with its seed users), or any Alyx given by environment, e.g. a lab's staging Alyx or alyx-local:
 *
 *   ALYX_QC_TEST_URL              the Alyx's base URL (as ONE's ALYX_URL); unset: the development Alyx
 *   ALYX_QC_TEST_ADMIN            a superuser, for creating and cleaning up test objects (default admin)
 *   ALYX_QC_TEST_ADMIN_PASSWORD
 *   ALYX_QC_TEST_USER             a plain user, the reviewer under test (default test_user)
 *   ALYX_QC_TEST_USER_PASSWORD
 *   ALYX_QC_TEST_USER2            a second plain user, the other reviewer (default reviewer2)
 *   ALYX_QC_TEST_USER2_PASSWORD
 *   ALYX_QC_TEST_PUBLIC_USER      optional: a user with Alyx's is_public_user, who may read and not
 *   ALYX_QC_TEST_PUBLIC_USER_PASSWORD   write (default public_viewer; its tests fail without it)
 *   ALYX_QC_TEST_LAB              the lab of the test subject (default: the first lab Alyx lists)
 *
 * With ALYX_QC_TEST_URL set the passwords of the first three must be given; without it they are
 * the seed's.
 */
import { readFileSync } from 'node:fs';

export interface TestCredentials {
  readonly username: string;
  readonly password: string;
}

const SEED_PASSWORD = (JSON.parse(readFileSync(new URL('../../dev/alyx-server/seed.json', import.meta.url), 'utf8')) as { password: string }).password;
const env = process.env;

/** The external Alyx's base URL, without a trailing slash; undefined for the development Alyx. */
export const EXTERNAL_URL: string | undefined = env['ALYX_QC_TEST_URL']?.trim().replace(/\/+$/, '') || undefined;
export const EXTERNAL = EXTERNAL_URL !== undefined;
export const TEST_LAB: string | undefined = env['ALYX_QC_TEST_LAB'] || undefined;

const missing: string[] = [];
function credentials(variable: string, seedName: string, required = true): TestCredentials {
  const password = env[`${variable}_PASSWORD`];
  if (EXTERNAL && !password && required) missing.push(`${variable}_PASSWORD`);
  return { username: env[variable] || seedName, password: password || SEED_PASSWORD };
}

export const ADMIN = credentials('ALYX_QC_TEST_ADMIN', 'admin');
export const USER = credentials('ALYX_QC_TEST_USER', 'test_user');
export const USER2 = credentials('ALYX_QC_TEST_USER2', 'reviewer2');
export const PUBLIC_USER = credentials('ALYX_QC_TEST_PUBLIC_USER', 'public_viewer', false);

/** Why the external Alyx cannot be used as configured (a missing password), or undefined. */
export const CONFIG_ERROR: string | undefined = missing.length
  ? `ALYX_QC_TEST_URL is set (${EXTERNAL_URL}) but ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not: set the password of each test user (see tests/support/test-alyx.ts).`
  : undefined;

/** The password of one of the test users. */
export function passwordOf(username: string): string {
  const known = [USER, USER2, ADMIN, PUBLIC_USER].find((user) => user.username === username);
  if (!known) throw new Error(`[alyx-qc tests] ${username} is none of the test users (${USER.username}, ${USER2.username}, ${ADMIN.username}, ${PUBLIC_USER.username}).`);
  if (known === PUBLIC_USER && EXTERNAL && !env['ALYX_QC_TEST_PUBLIC_USER_PASSWORD']) {
    throw new Error('[alyx-qc tests] this test needs a user with is_public_user: set ALYX_QC_TEST_PUBLIC_USER and ALYX_QC_TEST_PUBLIC_USER_PASSWORD.');
  }
  return known.password;
}

/**
 * node:test options that skip a test or suite against an external Alyx, for what only the
 * development Alyx can do (start with a throttle or CORS origins, run behind a fault proxy the
 * test starts in front of a server it also starts). `reason` says which ability.
 */
export function devAlyxOnly(reason: string): { skip: string | false } {
  return { skip: EXTERNAL ? `needs the development Alyx: ${reason}` : false };
}
