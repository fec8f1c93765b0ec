/**
 * `alyx-qc critical` driven as a reviewer drives it, against the development Alyx: answers typed
 * at its prompts (invalid ones too), flags, the dry run, Ctrl-C and Ctrl-D, and each exit status;
 * what the server stored is compared byte for byte with the spec's vectors.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AlyxFixture, PASSWORD, USER, USER2 } from '../../tests/support/alyx-fixture.ts';
import { NOTE_KINDS, type CriticalKind } from '../core/index.ts';
import { CliSession, runCli } from './testing/cli-process.ts';
import { vector } from './testing/vectors.ts';

const SESSION_KIND = NOTE_KINDS['critical-session'] as CriticalKind;
const INSERTION_KIND = NOTE_KINDS['critical-insertion'] as CriticalKind;
const REASONS_QUESTION = 'and enter the corresponding numbers separated by commas, e.g. 1,3 -> enter: ';

let alyx: AlyxFixture;
let env: Record<string, string>;

before(async () => {
  alyx = await AlyxFixture.start();
  env = { ALYX_URL: alyx.baseUrl, ALYX_LOGIN: USER.username, ALYX_PASSWORD: PASSWORD };
});
after(() => alyx.stop());

function count(text: string, part: string): number {
  return text.split(part).length - 1;
}

/** A session (or insertion) that already holds one critical note, written by reviewer2. */
async function withExistingNote(target: 'session' | 'insertion'): Promise<{ uuid: string; oldId: string }> {
  const uuid = target === 'session' ? await alyx.newSession() : await alyx.newInsertion();
  const run = await runCli(['critical', uuid, '--reasons', '0'], { env: { ...env, ALYX_LOGIN: USER2.username, ALYX_PASSWORD: USER2.password } });
  assert.equal(run.code, 0, run.stderr);
  const [old] = await alyx.notesOf(uuid);
  assert.ok(old);
  return { uuid, oldId: old.id };
}

describe('typed at the prompts', () => {
  test('invalid answers are asked again; typed free text is stored stripped and lower-cased, as ibllib stores it', async () => {
    const eid = await alyx.newSession();
    const run = await runCli(['critical', eid], { env, input: '9\nabc\n\n-1\n 1, 4 \n\n  Estoy Un Poco PREOCUPADA  \n' });
    assert.equal(run.code, 0, run.stderr);
    // The header and the numbered reasons, 0-based, then ibllib's closing question.
    assert.ok(run.stdout.includes(`${SESSION_KIND.promptHeader} \n 0) within experiment system crash\n 1) synching impossible\n 2) dud or mock session\n 3) essential dataset missing\n 4) Other\n ${REASONS_QUESTION}`));
    for (const bad of ['9', 'abc', '', '-1']) assert.ok(run.stdout.includes(`${bad} is invalid, please try again...\n`), `"${bad}" re-asked`);
    assert.equal(count(run.stdout, REASONS_QUESTION), 5);
    assert.ok(run.stdout.includes("You selected reason(s): ['synching impossible', 'Other']\n"));
    assert.equal(count(run.stdout, 'Explain why you selected "other" (free text): '), 2, 'an empty explanation is asked again');
    const notes = await alyx.notesOf(eid);
    assert.equal(notes.length, 1);
    assert.equal(notes[0]?.text, vector('critical session with Other').text);
    assert.equal(notes[0]?.user, USER.username);
    assert.equal(notes[0]?.content_type, 'actions.session');
    assert.ok(run.stdout.includes(`The selected reasons were saved on Alyx: note ${notes[0]?.id} on the session ${eid}.`));
  });

  test('one answer at a time, each after its question, as a person types them', async () => {
    const pid = await alyx.newInsertion();
    const session = new CliSession(['critical', pid], { env });
    await session.waitFor(REASONS_QUESTION);
    assert.ok(session.stdout.includes(`${INSERTION_KIND.promptHeader} \n 0) Histological images missing\n`));
    assert.ok(session.stdout.includes(' 6) Other\n'));
    session.type('7\n');
    await session.waitFor('7 is invalid, please try again...');
    await session.waitFor(REASONS_QUESTION, { times: 2 });
    session.type('1,2,4\n');
    const run = await session.exit();
    assert.equal(run.code, 0, run.stderr);
    const notes = await alyx.notesOf(pid);
    assert.deepEqual(notes.map((note) => note.text), [vector('critical insertion, several reasons').text]);
    assert.equal(notes[0]?.content_type, 'experiments.probeinsertion');
  });

  test('existing notes: the y/n question is asked again until y or n; n keeps them and exits 1', async () => {
    const { uuid, oldId } = await withExistingNote('session');
    const before = await alyx.notesOf(uuid);
    const run = await runCli(['critical', uuid], { env, input: '2\nmaybe\nYES\n N \n' });
    assert.equal(run.code, 1, run.stderr);
    const question = 'You are about to delete 1 existing notes; do you want to proceed? y/n: ';
    assert.equal(count(run.stdout, question), 3);
    assert.ok(run.stdout.includes('maybe is invalid, please try again...'));
    assert.ok(run.stdout.includes('yes is invalid, please try again...'), 'answers are lower-cased before they are checked');
    assert.ok(run.stdout.includes(oldId), 'the notes to be deleted are listed before the question');
    assert.ok(run.stdout.includes('The selected reasons were NOT saved on Alyx; old notes remain.'));
    assert.deepEqual(await alyx.notesOf(uuid), before);
  });

  test('existing notes: y replaces them with the new note', async () => {
    const { uuid, oldId } = await withExistingNote('session');
    const run = await runCli(['critical', uuid], { env, input: '2\ny\n' });
    assert.equal(run.code, 0, run.stderr);
    const notes = await alyx.notesOf(uuid);
    assert.equal(notes.length, 1);
    assert.notEqual(notes[0]?.id, oldId);
    assert.deepEqual(JSON.parse(notes[0]?.text ?? '').reasons_selected, ['dud or mock session']);
    assert.ok(run.stdout.includes(`Old notes deleted (1): ${oldId}`));
  });
});

describe('stopping at a prompt writes nothing and exits 1', () => {
  test('end of input (Ctrl-D) at the "Other" question', async () => {
    const eid = await alyx.newSession();
    const session = new CliSession(['critical', eid], { env });
    await session.waitFor(REASONS_QUESTION);
    session.type('1,4\n');
    await session.waitFor('Explain why you selected "other" (free text): ');
    session.endInput();
    const run = await session.exit();
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^alyx-qc: Aborted: nothing was written\.$/m);
    assert.deepEqual(await alyx.notesOf(eid), []);
  });

  test('end of input before the first answer', async () => {
    const eid = await alyx.newSession();
    const run = await runCli(['critical', eid], { env, input: '' });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /Aborted: nothing was written\./);
    assert.deepEqual(await alyx.notesOf(eid), []);
  });

  test('Ctrl-C at the y/n question', async () => {
    const { uuid } = await withExistingNote('insertion');
    const before = await alyx.notesOf(uuid);
    const session = new CliSession(['critical', uuid], { env });
    await session.waitFor(REASONS_QUESTION);
    session.type('3\n');
    await session.waitFor('do you want to proceed? y/n: ');
    session.interrupt();
    const run = await session.exit();
    assert.equal(run.code, 1);
    assert.match(run.stderr, /Aborted: nothing was written\./);
    assert.deepEqual(await alyx.notesOf(uuid), before);
  });
});

describe('answers as flags', () => {
  test('--reasons 1,4 --other keeps the text exactly as given (the spec vector)', async () => {
    const eid = await alyx.newSession();
    const run = await runCli(['critical', eid, '--reasons', '1,4', '--other', 'estoy un poco preocupada'], { env });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual((await alyx.notesOf(eid)).map((note) => note.text), [vector('critical session with Other').text]);
  });

  test('--other is not lower-cased; quotes, backslash, newline and accents are escaped as json.dumps does', async () => {
    const eid = await alyx.newSession();
    const { inputs, text } = vector('free text with quotes, backslash, newline, accents');
    const run = await runCli(['critical', eid, '--reasons', '4', '--other', inputs.other ?? ''], { env });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual((await alyx.notesOf(eid)).map((note) => note.text), [text]);
  });

  test('--reason-text, repeated', async () => {
    const pid = await alyx.newInsertion();
    const run = await runCli(['critical', pid, '--reason-text', 'Track not visible on imaging data', '--reason-text', 'Noise and artifact', '--reason-text', 'Poor neural yield'], { env });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual((await alyx.notesOf(pid)).map((note) => note.text), [vector('critical insertion, several reasons').text]);
  });

  test('existing notes with flags: the y/n question is still asked (as upload_note does); --yes replaces without asking', async () => {
    const { uuid, oldId } = await withExistingNote('session');
    const asked = await runCli(['critical', uuid, '--reasons', '3'], { env, input: 'n\n' });
    assert.equal(asked.code, 1);
    assert.ok(asked.stdout.includes('You are about to delete 1 existing notes; do you want to proceed? y/n: '));
    const run = await runCli(['critical', uuid, '--reasons', '3', '--yes'], { env });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(!run.stdout.includes('y/n'));
    const notes = await alyx.notesOf(uuid);
    assert.equal(notes.length, 1);
    assert.notEqual(notes[0]?.id, oldId);
  });

  test('--gui-reasons: the alignment GUI path overwrites without asking', async () => {
    const { uuid } = await withExistingNote('insertion');
    const run = await runCli(['critical', uuid, '--gui-reasons', 'Drift'], { env });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual((await alyx.notesOf(uuid)).map((note) => note.text), [vector('critical insertion from GUI reasons, no other reason').text]);
  });

  test('--json prints one JSON object with the note written', async () => {
    const eid = await alyx.newSession();
    const run = await runCli(['critical', eid, '--reasons', '0,2', '--json'], { env });
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout) as Record<string, unknown>;
    const [stored] = await alyx.notesOf(eid);
    assert.deepEqual(result, { status: 'written', note_id: stored?.id, text: stored?.text, uuid: eid, content_type: 'session', deleted_note_ids: [] });
  });
});

describe('--dry-run sends no write', () => {
  test('prints the exact requests and note text; the server is unchanged', async () => {
    const { uuid, oldId } = await withExistingNote('session');
    const before = await alyx.notesOf(uuid);
    const run = await runCli(['critical', uuid, '--reasons', '1,4', '--other', 'estoy un poco preocupada', '--yes', '--dry-run'], { env });
    assert.equal(run.code, 0, run.stderr);
    const text = vector('critical session with Other').text;
    const body = JSON.stringify({ user: USER.username, content_type: 'session', object_id: uuid, text });
    assert.ok(run.stdout.includes(`  POST /notes\n    ${body}\n  DELETE /notes/${oldId}\n`), run.stdout);
    assert.ok(run.stdout.endsWith(`Note text:\n${text}\n`));
    assert.deepEqual(await alyx.notesOf(uuid), before);
  });

  test('typed answers and --json: the planned requests as JSON, questions on stderr', async () => {
    const eid = await alyx.newSession();
    const run = await runCli(['critical', eid, '--dry-run', '--json'], { env, input: '3\n' });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.stderr.includes(REASONS_QUESTION));
    const result = JSON.parse(run.stdout) as { status: string; text: string; requests: { method: string; path: string; body: { text: string } }[] };
    assert.equal(result.status, 'dry-run');
    assert.deepEqual(result.requests.map((request) => `${request.method} ${request.path}`), ['POST /notes']);
    assert.equal(result.requests[0]?.body.text, result.text);
    assert.deepEqual(JSON.parse(result.text).reasons_selected, ['essential dataset missing']);
    assert.deepEqual(await alyx.notesOf(eid), []);
  });
});

describe('exit status 2: usage and bad input, nothing written', () => {
  test('a reason number out of range, with the valid range', async () => {
    const eid = await alyx.newSession();
    const run = await runCli(['critical', eid, '--reasons', '1,9'], { env });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^alyx-qc: Reason number 9 is out of range: choose between 0 and 4/m);
    assert.deepEqual(await alyx.notesOf(eid), []);
  });

  test('"Other" without --other', async () => {
    const eid = await alyx.newSession();
    const run = await runCli(['critical', eid, '--reasons', '4'], { env });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /explain it with --other/);
  });

  test('not a UUID; a UUID that is neither a session nor an insertion', async () => {
    const bad = await runCli(['critical', 'not-a-uuid'], { env });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /"not-a-uuid" is not a UUID/);
    const unknown = await runCli(['critical', '0b2fd9a3-1c5e-4f4e-9a56-1f2d3c4b5a69', '--reasons', '1'], { env });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /matches 0 session\(s\) and 0 insertion\(s\)/);
  });

  test('the GUI path is for insertions (a session eid is no insertion on this Alyx: exit 2, nothing sent twice), without Other', async () => {
    const eid = await alyx.newSession();
    const session = await runCli(['critical', eid, '--gui-reasons', 'Drift'], { env });
    assert.equal(session.code, 2);
    assert.match(session.stderr, new RegExp(`ProbeInsertion matching query does not exist\\. Alyx has no probeinsertion ${eid}: check the UUID, the content type and the base URL\\.`));
    assert.deepEqual(await alyx.notesOf(eid), []);
    const other = await runCli(['critical', eid, '--gui-reasons', 'Drift,Other'], { env });
    assert.equal(other.code, 2);
    assert.match(other.stderr, /cannot include "Other"/);
  });

  test('an unknown option, with a spelling hint', async () => {
    const run = await runCli(['critical', '--reason', '1'], { env });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /unknown option --reason; did you mean --reasons\?/);
  });

  test('a wrong password', async () => {
    const eid = await alyx.newSession();
    const run = await runCli(['critical', eid, '--reasons', '1'], { env: { ...env, ALYX_PASSWORD: 'not-the-password' } });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^alyx-qc: POST .*\/auth-token failed with 400/m);
    assert.ok(!run.stderr.includes('not-the-password'));
  });
});
