/**
 * A new user's ~/.one still named a dead Alyx as ONE's default (an old demo's): the error then
 * says the URL came from ONE's default and how to use another (issue 14). A URL given by the
 * user is not blamed on ONE.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { oneClientKey } from './one-params.ts';
import { emptyHome, runCli } from './testing/cli-process.ts';

const EID = 'd9e994e1-c4aa-4d58-a958-c247286598f6';

/** A port nothing listens on (bound, then released). */
function deadPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function homeWithDefault(url: string): string {
  const home = emptyHome();
  const key = oneClientKey(url);
  mkdirSync(path.join(home, '.one'));
  writeFileSync(path.join(home, '.one', `.${key}`), JSON.stringify({ ALYX_URL: url, ALYX_LOGIN: 'test_user', TOKEN: { test_user: { token: 'a'.repeat(40) } } }));
  writeFileSync(path.join(home, '.one', '.caches'), JSON.stringify({ CLIENT_MAP: { [key]: path.join(home, 'ONE') }, DEFAULT: key }));
  return home;
}

test("an unreachable Alyx that came from ONE's default says so, and how to use another", async () => {
  const url = `http://127.0.0.1:${await deadPort()}`;
  const run = await runCli(['signoff', EID, '--key', '_ephysChoiceWorld_00', '--kind', 'task', '--reasons', '1', '--dry-run'], { env: { HOME: homeWithDefault(url) } });
  assert.equal(run.code, 3, run.stderr);
  assert.match(run.stderr, new RegExp(`${url.replace(/[.:/]/g, '\\$&')} is ONE's default Alyx, from ~/\\.one: pass --base-url or set ALYX_URL for another`));
});

test('an unreachable Alyx given with --base-url is not blamed on ONE', async () => {
  const url = `http://127.0.0.1:${await deadPort()}`;
  const run = await runCli(['signoff', EID, '--key', '_ephysChoiceWorld_00', '--kind', 'task', '--reasons', '1', '--dry-run', '--base-url', url], { env: { HOME: homeWithDefault(url) } });
  assert.equal(run.code, 3, run.stderr);
  assert.doesNotMatch(run.stderr, /ONE's default/);
});
