/**
 * Where the command finds its credentials (environment, ONE's cached token, a password prompt
 * that does not echo), that the token is never printed, and exit status 3 for servers that fail.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AlyxFixture, PASSWORD, USER } from '../../tests/support/alyx-fixture.ts';
import { oneClientKey } from './one-params.ts';
import { canRunInTerminal, CliSession, emptyHome, runCli, type CliRun } from './testing/cli-process.ts';

let alyx: AlyxFixture;
let token: string;

before(async () => {
  alyx = await AlyxFixture.start();
  token = await alyx.token();
  assert.ok(token.length >= 20);
});
after(() => alyx.stop());

/** A home folder holding ONE's parameters for the dev Alyx, as ONE writes them after a login. */
function homeWithOne(options: { token?: string; login?: string; makeDefault?: boolean } = {}): { home: string; file: string } {
  const home = emptyHome();
  const key = oneClientKey(alyx.baseUrl);
  mkdirSync(path.join(home, '.one'));
  const file = path.join(home, '.one', `.${key}`);
  const params = {
    ALYX_URL: alyx.baseUrl,
    ALYX_LOGIN: options.login ?? USER.username,
    HTTP_DATA_SERVER: 'https://ibl.flatironinstitute.org/public',
    HTTP_DATA_SERVER_LOGIN: null,
    HTTP_DATA_SERVER_PWD: null,
    TOKEN: { [options.login ?? USER.username]: { token: options.token ?? token } },
  };
  writeFileSync(file, JSON.stringify(params, null, 4));
  if (options.makeDefault) {
    writeFileSync(path.join(home, '.one', '.caches'), JSON.stringify({ CLIENT_MAP: { [key]: path.join(home, 'Downloads', 'ONE', key) }, DEFAULT: key }, null, 4));
  }
  return { home, file };
}

describe("ONE's cached token", () => {
  test('is used for the URL given, and the parameter file is only read', async () => {
    const { home, file } = homeWithOne();
    const before = { text: readFileSync(file, 'utf8'), mtime: statSync(file).mtimeMs };
    const eid = await alyx.newSession();
    const run = await runCli(['critical', eid, '--reasons', '2'], { env: { HOME: home, ALYX_URL: alyx.baseUrl } });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual((await alyx.notesOf(eid)).map((note) => note.user), [USER.username]);
    assert.deepEqual({ text: readFileSync(file, 'utf8'), mtime: statSync(file).mtimeMs }, before);
  });

  test("ONE's default Alyx is used when no URL is given", async () => {
    const { home } = homeWithOne({ makeDefault: true });
    const eid = await alyx.newSession();
    const run = await runCli(['critical', eid, '--reasons', '2'], { env: { HOME: home } });
    assert.equal(run.code, 0, run.stderr);
    assert.equal((await alyx.notesOf(eid)).length, 1);
  });

  test('a stale cached token without a terminal: exit 2, saying how to log in again', async () => {
    const { home } = homeWithOne({ token: 'f'.repeat(40) });
    const eid = await alyx.newSession();
    const run = await runCli(['critical', eid, '--reasons', '2'], { env: { HOME: home, ALYX_URL: alyx.baseUrl } });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /Invalid token\..*Set ALYX_TOKEN to a fresh token/s);
    assert.ok(!`${run.stdout}${run.stderr}`.includes('f'.repeat(40)));
  });
});

describe('without a token or password', () => {
  test('no terminal: exit 2, naming the variables to set', async () => {
    const eid = await alyx.newSession();
    const run = await runCli(['critical', eid, '--reasons', '2'], { env: { ALYX_URL: alyx.baseUrl, ALYX_LOGIN: USER.username }, input: PASSWORD });
    assert.equal(run.code, 2);
    assert.match(run.stderr, new RegExp(`no Alyx credentials for ${USER.username} .*set ALYX_TOKEN \\(or ALYX_PASSWORD, for automation\\)`));
    const noUrl = await runCli(['critical', eid, '--reasons', '2'], {});
    assert.equal(noUrl.code, 2);
    assert.match(noUrl.stderr, /no Alyx URL: pass --base-url .* or set ALYX_URL/);
  });

  test('in a terminal: the password is asked without echo, then the questions', { skip: !canRunInTerminal() && 'needs util-linux script' }, async () => {
    const eid = await alyx.newSession();
    const session = new CliSession(['critical', eid], { env: { ALYX_URL: alyx.baseUrl, ALYX_LOGIN: USER.username }, terminal: true });
    await session.waitFor(`Enter Alyx password for "${USER.username}": `);
    session.type(`${PASSWORD}\r`);
    await session.waitFor('-> enter: ');
    session.type('0\r');
    const run = await session.exit();
    assert.equal(run.code, 0, run.stdout);
    assert.ok(!run.stdout.includes(PASSWORD), 'the password is not echoed');
    assert.deepEqual((await alyx.notesOf(eid)).map((note) => note.user), [USER.username]);
  });

  test('in a terminal, a stale cached token: the password is asked, then it goes on', { skip: !canRunInTerminal() && 'needs util-linux script' }, async () => {
    const { home } = homeWithOne({ token: 'e'.repeat(40) });
    const eid = await alyx.newSession();
    const session = new CliSession(['critical', eid, '--reasons', '3'], { env: { HOME: home, ALYX_URL: alyx.baseUrl }, terminal: true });
    await session.waitFor(`Enter Alyx password for "${USER.username}": `);
    session.type(`${PASSWORD}\r`);
    const run = await session.exit();
    assert.equal(run.code, 0, run.stdout);
    assert.match(run.stdout, /Alyx refused the token from .*\.one/);
    assert.equal((await alyx.notesOf(eid)).length, 1);
  });
});

describe('the token is never printed', () => {
  test('ALYX_TOKEN: written, JSON, dry run, bad input, conflict, server errors', async () => {
    const env = { ALYX_URL: alyx.baseUrl, ALYX_LOGIN: USER.username, ALYX_TOKEN: token };
    const eid = await alyx.newSession();
    // The writes in order (the second replaces the first); then the rest, which write nothing, at once.
    const runs: CliRun[] = [
      await runCli(['critical', eid, '--reasons', '1,4', '--other', 'x'], { env }),
      await runCli(['critical', eid, '--reasons', '0', '--yes', '--json'], { env }),
      ...(await Promise.all([
        runCli(['critical', eid, '--reasons', '0', '--yes', '--dry-run'], { env }),
        runCli(['critical', eid, '--reasons', '0', '--yes', '--dry-run', '--json'], { env }),
        runCli(['signoff', eid, '--key', '_ephysChoiceWorld_00', '--kind', 'task', '--reasons', '1', '--dry-run', '--json'], { env }),
        runCli(['critical', eid, '--reasons', '99'], { env }),
        runCli(['critical', '0b2fd9a3-1c5e-4f4e-9a56-1f2d3c4b5a69', '--reasons', '1', '--json'], { env }),
        runCli(['critical', eid], { env, input: '1\n' }),
      ])),
    ];
    assert.deepEqual(runs.map((run) => run.code), [0, 0, 0, 0, 0, 2, 2, 1]);
    for (const run of runs) {
      assert.ok(!run.stdout.includes(token) && !run.stderr.includes(token), `token printed:\n${run.stdout}\n${run.stderr}`);
    }
  });
});

describe('exit status 3: server or network error after retries', () => {
  let stub: Server;
  let stubUrl: string;
  before(async () => {
    stub = createServer((_request, response) => {
      response.writeHead(503, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ detail: 'Service unavailable', status_code: 503 }));
    });
    await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
    stubUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => stub.close(() => resolve())));

  test('a server answering 503', async () => {
    const eid = await alyx.newSession();
    const run = await runCli(['critical', eid, '--reasons', '1', '--json'], { env: { ALYX_URL: stubUrl, ALYX_LOGIN: USER.username, ALYX_TOKEN: token } });
    assert.equal(run.code, 3);
    assert.match(run.stderr, /^alyx-qc: GET .* failed with 503: Service unavailable\./m);
    assert.equal((JSON.parse(run.stdout) as { code: string }).code, 'server');
  });

  test('no server at the URL', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const eid = await alyx.newSession();
    const run = await runCli(['critical', eid, '--reasons', '1'], { env: { ALYX_URL: `http://127.0.0.1:${port}`, ALYX_LOGIN: USER.username, ALYX_PASSWORD: PASSWORD } });
    assert.equal(run.code, 3);
    assert.match(run.stderr, /got no response/);
  });
});
