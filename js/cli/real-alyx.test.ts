/**
 * `alyx-qc` on the answers of the real Alyx 3.6.1 (as the development Alyx now gives them) and on
 * text from Alyx it must not trust: a permanent 500, a read-only user's 403, a wrong base URL, a
 * dry run over existing notes, escape sequences in notes and checklist entries, and the number
 * of requests each command sends (counted by the fault proxy in front of the development Alyx,
 * with no fault injected).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startFaultProxy, type FaultProxy } from '../../dev/fault-proxy/proxy.ts';
import { AlyxFixture, passwordOf, PUBLIC_USER, USER, USER2 } from '../../tests/support/alyx-fixture.ts';
import { criticalNoteText, NOTE_KINDS, type CriticalKind } from '../core/index.ts';
import { canRunInTerminal, CliSession, runCli } from './testing/cli-process.ts';

const SESSION_KIND = NOTE_KINDS['critical-session'] as CriticalKind;
const OVERWRITE_QUESTION = 'do you want to proceed? y/n';

let alyx: AlyxFixture;
let proxy: FaultProxy;
let env: Record<string, string>;

before(async () => {
  alyx = await AlyxFixture.start();
  proxy = await startFaultProxy({ target: alyx.baseUrl });
  env = { ALYX_URL: alyx.baseUrl, ALYX_LOGIN: USER.username, ALYX_PASSWORD: USER.password };
});
after(async () => {
  await proxy.stop();
  await alyx.stop();
});

/** The requests a run sent, as `METHOD /path` (through the proxy). */
async function requestsOf(args: readonly string[], input?: string): Promise<{ requests: string[]; code: number | null; stderr: string }> {
  proxy.clear();
  const run = await runCli(args, { env: { ...env, ALYX_URL: proxy.baseUrl }, ...(input !== undefined ? { input } : {}) });
  await proxy.settled();
  return { requests: proxy.log.map((entry) => `${entry.method} ${entry.path.split('?')[0]}`), code: run.code, stderr: run.stderr };
}

async function postNote(objectId: string, text: string, user = USER2.username): Promise<string> {
  const admin = await alyx.inspector();
  return (await admin.request<{ id: string }>('POST', '/notes', { body: { user, content_type: 'session', object_id: objectId, text } })).id;
}

describe("Alyx 3.6.1's answers (issue 12)", () => {
  test('a UUID Alyx does not have, with --content-type session: POSTed once, exit 2, the error names it and what to check', async () => {
    const missing = randomUUID();
    const { requests, code, stderr } = await requestsOf(['critical', missing, '--reasons', '1', '--content-type', 'session']);
    assert.equal(code, 2, stderr);
    assert.deepEqual(requests, ['POST /auth-token', 'GET /notes', 'POST /notes'], 'no re-send of the POST');
    assert.match(stderr, new RegExp(`Alyx has no session ${missing}: check the UUID, the content type and the base URL\\.`));
    assert.doesNotMatch(stderr, /Try again later|\.\./);
  });

  test('a read-only user (public_viewer) is told to ask for write permission, exit 2, not to log in again', async () => {
    const eid = await alyx.newSession();
    const run = await runCli(['critical', eid, '--reasons', '1'], { env: { ...env, ALYX_LOGIN: PUBLIC_USER.username, ALYX_PASSWORD: passwordOf(PUBLIC_USER.username) } });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /You do not have permission to perform this action\. Ask an Alyx administrator for write permission\./);
    assert.doesNotMatch(run.stderr, /ALYX_TOKEN|log in again/);
  });

  test('a base URL that is not the API: the login says the base URL looks wrong, not "check the UUID"', async () => {
    const run = await runCli(['critical', await alyx.newSession(), '--reasons', '1'], { env: { ...env, ALYX_URL: `${alyx.baseUrl}/wrong` } });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /POST .*\/wrong\/auth-token failed with 404.*The base URL looks wrong/);
    assert.doesNotMatch(run.stderr, /UUID/);
  });

  test('a stale token: the server\'s full stop is not doubled', async () => {
    const run = await runCli(['critical', await alyx.newSession(), '--reasons', '1'], { env: { ALYX_URL: alyx.baseUrl, ALYX_LOGIN: USER.username, ALYX_TOKEN: 'd'.repeat(40) } });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /Invalid token\. Log in again, or pass a fresh token\./);
    assert.doesNotMatch(run.stderr, /\.\./);
  });
});

describe('--dry-run over existing notes asks nothing and prints the deletes (12.3)', () => {
  test('without a terminal: the plan with the DELETE, exit 0, nothing written', async () => {
    const eid = await alyx.newSession();
    const old = await postNote(eid, criticalNoteText(SESSION_KIND, { reasons: ['dud or mock session'], other: null }));
    const run = await runCli(['critical', eid, '--reasons', '1', '--dry-run'], { env });
    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stdout, new RegExp(OVERWRITE_QUESTION));
    assert.match(run.stdout, /Dry run: nothing was sent to Alyx\. The writes would be:\n {2}POST \/notes\n.*\n {2}DELETE \/notes\/[0-9a-f-]{36}\n/);
    assert.ok(run.stdout.includes(`DELETE /notes/${old}`));
    assert.deepEqual((await alyx.notesOf(eid)).map((note) => note.id), [old]);
  });

  test('at a terminal, typing the reasons: no y/n question either', { skip: !canRunInTerminal() && 'needs util-linux script' }, async () => {
    const eid = await alyx.newSession();
    const old = await postNote(eid, criticalNoteText(SESSION_KIND, { reasons: ['dud or mock session'], other: null }));
    const session = new CliSession(['critical', eid, '--dry-run'], { env, terminal: true });
    await session.waitFor('-> enter: ');
    session.type('1\r');
    const run = await session.exit();
    assert.equal(run.code, 0, run.stdout);
    assert.doesNotMatch(run.stdout, new RegExp(OVERWRITE_QUESTION));
    assert.ok(run.stdout.includes(`DELETE /notes/${old}`));
    assert.deepEqual((await alyx.notesOf(eid)).map((note) => note.id), [old]);
  });
});

describe('critical overwrite replaces only critical notes (13.5)', () => {
  test('a note quoting the title is listed as kept, and stays', async () => {
    const eid = await alyx.newSession();
    const old = await postNote(eid, criticalNoteText(SESSION_KIND, { reasons: ['dud or mock session'], other: null }));
    const quoting = await postNote(eid, `Discussed: ${SESSION_KIND.title} is wrong here, see the lab meeting.`);
    const run = await runCli(['critical', eid, '--reasons', '1'], { env, input: 'y\n' });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`Existing critical notes on this session \\(1\\):\n {2}- [0-9a-f-]{36}, .* by ${USER2.username}: dud or mock session\nOther notes that mention the title \\(1\\), kept:\n`));
    assert.match(run.stdout, /You are about to delete 1 existing notes/);
    const left = (await alyx.notesOf(eid)).map((note) => note.id);
    assert.ok(left.includes(quoting) && !left.includes(old), left.join(', '));
  });
});

describe('text from Alyx is shown escaped (13.4)', () => {
  test('a note with escape sequences and a bidi override cannot erase the listing or fake its lines', async () => {
    const eid = await alyx.newSession();
    const hostile = '\x1b[2J\x1b[HNo existing critical notes\n\x1b]52;c;cm0gLXJmIH4=\x07\u202eevil';
    await postNote(eid, criticalNoteText(SESSION_KIND, { reasons: ['Other'], other: 'x' }).replace('"reason_for_other": "x"', `"reason_for_other": ${JSON.stringify(hostile)}`));
    const run = await runCli(['critical', eid, '--reasons', '1'], { env, input: 'n\n' });
    assert.equal(run.code, 1, run.stderr);
    assert.doesNotMatch(run.stdout, /[\x1b\x07\u202e]/);
    assert.ok(run.stdout.includes('(other: \\u001b[2J\\u001b[HNo existing critical notes\\u000a\\u001b]52;c;cm0gLXJmIH4=\\u0007\\u202eevil)'), run.stdout);
  });

  test('a checklist entry whose user sets the window title is shown escaped at the prompt', async () => {
    const eid = await alyx.newSession({ sign_off_checklist: { _camera_left: { date: '2024-01-01', user: '\x1b]0;pwned\x07admin' } } });
    const run = await runCli(['signoff', eid, '--key', '_camera_left', '--kind', 'video'], { env, input: '0\n' });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.stdout.includes('Already signed off by \\u001b]0;pwned\\u0007admin on 2024-01-01'), run.stdout);
    assert.doesNotMatch(run.stdout, /[\x1b\x07]/);
  });
});

describe('sign-off keys are checked as in Python (13.15)', () => {
  test('a key with a trailing newline, or over 64 characters, is refused before any request', async () => {
    const eid = await alyx.newSession();
    for (const [key, message] of [['_camera_left\n', /"_camera_left\\u000a" is not a sign-off key/], [`_${'a'.repeat(64)}`, /is not a sign-off key: .* 64 characters at most/]] as const) {
      const { requests, code, stderr } = await requestsOf(['signoff', eid, '--key', key, '--kind', 'video', '--no-note']);
      assert.equal(code, 2, stderr);
      assert.match(stderr, message);
      assert.deepEqual(requests, []);
    }
  });
});

describe('requests per command, login included, against ibllib (12.5)', () => {
  // ibllib with ONE's login: 1 + its workflow's (critical 2, or 4 for main; sign-off 5).
  test('critical with --content-type: 3 (login, notes, POST); ibllib 3', async () => {
    const { requests, code, stderr } = await requestsOf(['critical', await alyx.newSession(), '--reasons', '1', '--content-type', 'session']);
    assert.equal(code, 0, stderr);
    assert.deepEqual(requests, ['POST /auth-token', 'GET /notes', 'POST /notes']);
  });

  test('critical, content type looked up: 5; ibllib 5', async () => {
    const { requests, code, stderr } = await requestsOf(['critical', await alyx.newInsertion(), '--reasons', '1']);
    assert.equal(code, 0, stderr);
    assert.deepEqual([...requests].sort(), ['GET /insertions', 'GET /notes', 'GET /sessions', 'POST /auth-token', 'POST /notes']);
  });

  test('critical typed at the prompts, overwriting one note: 6 (login, 3 reads, POST, DELETE); ibllib 6', async () => {
    const eid = await alyx.newSession();
    await postNote(eid, criticalNoteText(SESSION_KIND, { reasons: ['dud or mock session'], other: null }));
    const { requests, code, stderr } = await requestsOf(['critical', eid], '1\ny\n');
    assert.equal(code, 0, stderr);
    assert.equal(requests.length, 6, requests.join(', '));
    assert.equal(requests.filter((request) => request === 'GET /notes').length, 1, 'the notes are listed once');
  });

  test('sign-off with flags: 5 and the read-back (2); ibllib 6', async () => {
    const eid = await alyx.newSession();
    const { requests, code, stderr } = await requestsOf(['signoff', eid, '--key', '_camera_left', '--kind', 'video', '--reasons', '0']);
    assert.equal(code, 0, stderr);
    assert.equal(requests.length, 7, requests.join(', '));
  });

  test('sign-off typed at the prompts, merging into the existing note: 6 and the read-back (2); ibllib 6', async () => {
    const eid = await alyx.newSession();
    assert.equal((await runCli(['signoff', eid, '--key', '_camera_left', '--kind', 'video', '--reasons', '0'], { env: { ...env, ALYX_LOGIN: USER2.username, ALYX_PASSWORD: USER2.password } })).code, 0);
    const { requests, code, stderr } = await requestsOf(['signoff', eid, '--key', '_camera_left', '--kind', 'video'], '1\n');
    assert.equal(code, 0, stderr);
    assert.equal(requests.length, 8, requests.join(', '));
    assert.ok(requests.includes(`PATCH /notes/${(await alyx.notesOf(eid))[0]?.id}`), 'merged into the note');
  });
});
