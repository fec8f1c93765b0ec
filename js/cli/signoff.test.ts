/**
 * `alyx-qc signoff` against the development Alyx: the sign-off prompts, then the note and the
 * checklist; flags, `--no-note`, the dry run, aborting, and notes that need cleaning up first.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADMIN, AlyxFixture, defaultSessionJson, PASSWORD, USER, USER2 } from '../../tests/support/alyx-fixture.ts';
import { NOTE_KINDS } from '../core/index.ts';
import { localIsoDate, signOffDateKey, signOffTitle } from '../core/note-text.ts';
import { CliSession, runCli } from './testing/cli-process.ts';
import { signOffVectorText, vector } from './testing/vectors.ts';

const TASK = NOTE_KINDS['signoff-task'];
const KEY = '_ephysChoiceWorld_00';

let alyx: AlyxFixture;
let env: Record<string, string>;

before(async () => {
  alyx = await AlyxFixture.start();
  env = { ALYX_URL: alyx.baseUrl, ALYX_LOGIN: USER.username, ALYX_PASSWORD: PASSWORD };
});
after(() => alyx.stop());

function checklistOf(json: unknown): Record<string, unknown> {
  return (json as { sign_off_checklist: Record<string, unknown> }).sign_off_checklist;
}

describe('typed at the prompts', () => {
  test('re-asks invalid answers, then writes the note (typed text lower-cased) and the checklist', async () => {
    const eid = await alyx.newSession();
    const run = await runCli(['signoff', eid, '--key', KEY, '--kind', 'task'], { env, input: '7\n1,4\n Estoy un poco PREOCUPADA\n' });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.stdout.includes(`${TASK.promptHeader} \n 0) raw trial data does not exist\n 1) wheel data corrupt\n`));
    assert.ok(run.stdout.includes('7 is invalid, please try again...\n'));
    assert.ok(run.stdout.includes("You selected reason(s): ['wheel data corrupt', 'Other']\n"));
    const today = new Date();
    const notes = await alyx.notesOf(eid);
    assert.deepEqual(notes.map((note) => note.text), [signOffVectorText(vector('task sign-off, new note'), signOffDateKey(USER.username, today))]);
    const json = (await alyx.sessionJson(eid)) as Record<string, unknown>;
    const expected = defaultSessionJson();
    assert.deepEqual(checklistOf(json), { ...checklistOf(expected), [KEY]: { date: localIsoDate(today), user: USER.username } });
    assert.deepEqual(json['extraction_version'], expected['extraction_version'], 'other keys of json are kept');
    assert.deepEqual(json['qc_notes'], expected['qc_notes']);
  });

  test('a second reviewer adds an entry to the same note', async () => {
    const eid = await alyx.newSession();
    const first = await runCli(['signoff', eid, '--key', KEY, '--kind', 'task', '--reasons', '1,4', '--other', 'estoy un poco preocupada'], { env });
    assert.equal(first.code, 0, first.stderr);
    const run = await runCli(['signoff', eid, '--key', KEY, '--kind', 'task'], { env: { ...env, ALYX_LOGIN: USER2.username, ALYX_PASSWORD: USER2.password }, input: '0\n' });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`Already signed off by ${USER.username} on \\d{4}-\\d\\d-\\d\\d`));
    const today = new Date();
    const [note, ...rest] = await alyx.notesOf(eid);
    assert.equal(rest.length, 0);
    const firstEntry = signOffVectorText(vector('task sign-off, new note'), signOffDateKey(USER.username, today)).slice(0, -1);
    assert.equal(note?.text, `${firstEntry}, "${signOffDateKey(USER2.username, today)}": {"reasons_selected": ["raw trial data does not exist"], "reason_for_other": []}}`);
    assert.deepEqual(checklistOf(await alyx.sessionJson(eid))[KEY], { date: localIsoDate(today), user: USER2.username });
  });

  test('Ctrl-D at the first question: nothing written, exit 1', async () => {
    const eid = await alyx.newSession();
    const session = new CliSession(['signoff', eid, '--key', KEY, '--kind', 'task'], { env });
    await session.waitFor('-> enter: ');
    session.endInput();
    const run = await session.exit();
    assert.equal(run.code, 1);
    assert.match(run.stderr, /Aborted: nothing was written\./);
    assert.deepEqual(await alyx.notesOf(eid), []);
    assert.deepEqual(await alyx.sessionJson(eid), defaultSessionJson());
  });
});

describe('flags', () => {
  test('--reasons: non-ASCII reasons escaped as json.dumps does (the spec vector)', async () => {
    const eid = await alyx.newSession();
    const run = await runCli(['signoff', eid, '--key', '_passiveChoiceWorld_00', '--kind', 'passive', '--reasons', '0,2'], { env });
    assert.equal(run.code, 0, run.stderr);
    const text = signOffVectorText(vector('passive sign-off: non-ASCII apostrophes are escaped'), signOffDateKey(USER.username, new Date()));
    assert.deepEqual((await alyx.notesOf(eid)).map((note) => note.text), [text]);
  });

  test('--no-note signs the checklist off only', async () => {
    const eid = await alyx.newSession();
    const run = await runCli(['signoff', eid, '--key', '_camera_left', '--kind', 'video', '--no-note', '--json'], { env });
    assert.equal(run.code, 0, run.stderr);
    const entry = { date: localIsoDate(new Date()), user: USER.username };
    assert.deepEqual(JSON.parse(run.stdout), { status: 'written', note_id: null, text: null, checklist_entry: entry, sign_off_key: '_camera_left', eid, replaced_same_day: false });
    assert.deepEqual(await alyx.notesOf(eid), []);
    assert.deepEqual(checklistOf(await alyx.sessionJson(eid))['_camera_left'], entry);
  });

  test('--dry-run: the note and checklist requests are printed, nothing is written', async () => {
    const eid = await alyx.newSession();
    const run = await runCli(['signoff', eid, '--key', KEY, '--kind', 'task', '--reasons', '1,4', '--other', 'estoy un poco preocupada', '--dry-run'], { env });
    assert.equal(run.code, 0, run.stderr);
    const text = signOffVectorText(vector('task sign-off, new note'), signOffDateKey(USER.username, new Date()));
    assert.ok(run.stdout.includes(`  POST /notes\n    ${JSON.stringify({ user: USER.username, content_type: 'session', object_id: eid, text })}\n`));
    // The body as the plan prints it (key order is the server's: jsonb orders shorter keys first).
    const patch = JSON.parse(run.stdout.split(`  PATCH /sessions/${eid}\n    `)[1]?.split('\n')[0] ?? 'null') as { json: { sign_off_checklist: Record<string, unknown> } };
    assert.deepEqual(patch.json.sign_off_checklist[KEY], { date: localIsoDate(new Date()), user: USER.username });
    assert.deepEqual(Object.keys(patch.json).sort(), Object.keys(defaultSessionJson()).sort(), 'every other key kept');
    assert.ok(run.stdout.endsWith(`Note text:\n${text}\n`));
    assert.deepEqual(await alyx.notesOf(eid), []);
    assert.deepEqual(await alyx.sessionJson(eid), defaultSessionJson());
  });
});

describe('exit status 2', () => {
  // After the questions, as ibllib: the notes are read by the write (see askAtTerminal), before any write.
  test('two sign-off notes for the key: asks the reviewer to clean up, and writes nothing', async () => {
    const eid = await alyx.newSession();
    const admin = await alyx.inspector();
    for (let i = 0; i < 2; i++) {
      await admin.request('POST', '/notes', { body: { user: ADMIN.username, content_type: 'session', object_id: eid, text: `{"title": "${signOffTitle(KEY)}"}` } });
    }
    const run = await runCli(['signoff', eid, '--key', KEY, '--kind', 'task'], { env, input: '1\n' });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /Found 2 sign-off notes .* Merge or delete the extra notes/);
    assert.equal((await alyx.notesOf(eid)).length, 2);
    assert.deepEqual(await alyx.sessionJson(eid), defaultSessionJson());
  });

  test('an unknown kind, a bad key, --no-note with reasons', async () => {
    const eid = await alyx.newSession();
    const kind = await runCli(['signoff', eid, '--key', KEY, '--kind', 'wheel'], { env });
    assert.equal(kind.code, 2);
    assert.match(kind.stderr, /Unknown note kind "wheel"/);
    const key = await runCli(['signoff', eid, '--key', 'ephys,choice', '--kind', 'task', '--reasons', '1'], { env });
    assert.equal(key.code, 2);
    assert.match(key.stderr, /is not a sign-off key/);
    const mixed = await runCli(['signoff', eid, '--key', KEY, '--kind', 'task', '--no-note', '--reasons', '1'], { env });
    assert.equal(mixed.code, 2);
    assert.match(mixed.stderr, /--no-note signs off without a note/);
  });
});
