/**
 * `alyx-qc queue` and `alyx-qc status` against the development Alyx, driven through stdin: the
 * eids from a file or stdin, the pending look-up, the progress line, ibllib's questions, the
 * writes, the table and the JSON lines.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AlyxFixture, PASSWORD, USER } from '../../tests/support/alyx-fixture.ts';
import { localIsoDate, signOffDateKey, signOffNoteText, signOffTitle } from '../core/note-text.ts';
import { runCli } from './testing/cli-process.ts';

const KEY = '_ephysChoiceWorld_00';
let alyx: AlyxFixture;
let env: Record<string, string>;

before(async () => {
  alyx = await AlyxFixture.start();
  env = { ALYX_URL: alyx.baseUrl, ALYX_LOGIN: USER.username, ALYX_PASSWORD: PASSWORD };
});
after(() => alyx.stop());

async function sessions(count: number): Promise<string[]> {
  const eids: string[] = [];
  for (let index = 0; index < count; index++) eids.push(await alyx.newSession());
  return eids;
}

function eidFile(eids: readonly string[]): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'alyx-qc-eids-')), 'eids.txt');
  writeFileSync(file, `# the queue\n${eids.join('\n')}\n`);
  return file;
}

function entry(json: unknown): unknown {
  return (json as { sign_off_checklist: Record<string, unknown> }).sign_off_checklist[KEY];
}

describe('alyx-qc queue', () => {
  test('walks the due sessions: fine, reasons with Other, skip; a progress line each; the table at the end', async () => {
    const eids = await sessions(4);
    const run = await runCli(['queue', '--key', KEY, '--kind', 'task', '--eids', eidFile(eids)], { env, input: 'f\nx\nr\n1,4\nPhotodiode FLAT\ns\nf\n' });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.stdout.includes('[1/4] '), run.stdout);
    // The first write runs while the second session is asked about: the progress line says so, or that it is done.
    assert.match(run.stdout, /\[2\/4\] .* \u00b7 (0 of 4 signed off \u00b7 0 with reasons \u00b7 1 being written|1 of 4 signed off \u00b7 0 with reasons)\n/);
    assert.ok(run.stdout.includes('x is invalid, please try again...'));
    assert.ok(run.stdout.includes(' 0) raw trial data does not exist\n 1) wheel data corrupt\n'), 'ibllib\u2019s reasons question');
    assert.ok(run.stdout.includes('Explain why you selected "other" (free text): '));
    assert.ok(run.stdout.trimEnd().endsWith('3 of 4 signed off \u00b7 1 with reasons'), run.stdout);
    const today = new Date();
    assert.deepEqual(entry(await alyx.sessionJson(eids[0]!)), { date: localIsoDate(today), user: USER.username });
    assert.deepEqual((await alyx.notesOf(eids[0]!)).length, 0, 'fine: the checklist only');
    const [note] = (await alyx.notesOf(eids[1]!)).filter((n) => n.text.includes(signOffTitle(KEY)));
    // Typed answers are stored as ibllib's prompt stores them: stripped and lower-cased.
    assert.equal(note?.text, signOffNoteText(KEY, signOffDateKey(USER.username, today), { reasons: ['wheel data corrupt', 'Other'], other: 'photodiode flat' }));
    assert.equal(entry(await alyx.sessionJson(eids[2]!)), null, 'skipped');
    assert.deepEqual(entry(await alyx.sessionJson(eids[3]!)), { date: localIsoDate(today), user: USER.username });
  });

  test('eids from stdin up to an empty line, then the answers; q stops and nothing more is written', async () => {
    const eids = await sessions(3);
    const run = await runCli(['queue', '--key', KEY, '--kind', 'task', '--eids', '-'], { env, input: `${eids.join('\n')}\n\nf\nq\n` });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.stdout.includes('1 of 3 signed off'));
    assert.equal(entry(await alyx.sessionJson(eids[1]!)), null);
    assert.equal(entry(await alyx.sessionJson(eids[2]!)), null);
  });

  test('bad input says what to do and writes nothing', async () => {
    const [eid] = await sessions(1);
    const cases: [string[], RegExp][] = [
      [['queue', '--key', KEY, '--kind', 'task'], /needs the sessions: --eids FILE/],
      [['queue', '--key', KEY, '--kind', 'task', '--eids', 'x', '--pending'], /not both/],
      [['queue', '--key', KEY, '--eids', 'x'], /needs --kind/],
      [['queue', '--key', KEY, '--kind', 'tsk', '--eids', eidFile([eid!])], /Unknown note kind "tsk"/],
      [['queue', '--key', 'ephys', '--kind', 'task', '--eids', eidFile([eid!])], /not a sign-off key/],
      [['queue', '--key', KEY, '--kind', 'task', '--eids', eidFile(['not-an-eid'])], /"not-an-eid" is not a UUID/],
      [['queue', '--key', KEY, '--kind', 'task', '--eids', eidFile([])], /queue is empty/],
      [['queue', '--key', KEY, '--kind', 'task', '--eids', '/nonexistent/eids.txt'], /cannot read the eids from \/nonexistent\/eids.txt \(ENOENT\)/],
      [['status', '--key', KEY, '--eids', 'x', '--django', 'lab__name,x'], /--django narrows the --pending look-up/],
    ];
    for (const [argv, message] of cases) {
      const run = await runCli(argv, { env, input: '' });
      assert.equal(run.code, 2, `${argv.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
    }
    assert.equal(entry(await alyx.sessionJson(eid!)), null);
  });
});

describe('alyx-qc status', () => {
  test('the table, and --json lines, for eids and for the pending look-up', async () => {
    const eids = await sessions(3);
    const done = await runCli(['signoff', eids[1]!, '--key', KEY, '--kind', 'task', '--reasons', '2'], { env });
    assert.equal(done.code, 0, done.stderr);
    const missing = '0b2fd9a3-1c5e-4f4e-9a56-1f2d3c4b5a69';
    const run = await runCli(['status', '--key', KEY, '--eids', '-'], { env, input: `${[...eids, missing].join(',')}\n` });
    assert.equal(run.code, 0, run.stderr);
    // (The eids read from stdin end with its end, after which the prompter ends its line.)
    const lines = run.stdout.trim().split('\n');
    // The protocol as Alyx lists it; alyx-local's session list has no task_protocol ("-").
    assert.match(lines[1]!, new RegExp(`^${eids[1]}  \\S+  2024-01-15  #\\d+  (_iblrig_tasks_ephysChoiceWorld6\\.6\\.2|-)  signed off by ${USER.username} on ${localIsoDate(new Date())}: task data could not be synced$`));
    assert.match(lines[0]!, /  due$/);
    assert.match(lines[3]!, /invalid: Alyx has no session 0b2fd9a3/);
    assert.equal(lines.at(-1), '1 of 4 signed off \u00b7 1 with reasons \u00b7 1 cannot be signed off');

    const json = await runCli(['status', '--key', KEY, '--eids', eidFile(eids), '--json'], { env });
    const rows = json.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { eid: string; status: string; reasons: string[] });
    assert.deepEqual(rows.map((row) => [row.eid, row.status]), [[eids[0], 'due'], [eids[1], 'signed-off'], [eids[2], 'due']]);

    // The pending look-up, narrowed to a day of its own.
    const day = '2031-08-08';
    const due = await alyx.newSession({ sign_off_checklist: { [KEY]: null } }, { startTime: `${day}T09:00:00` });
    // The fixture's subject too: another Alyx may hold other sessions of that day.
    const pending = await runCli(['status', '--key', KEY, '--pending', '--django', `start_time__date,${day},subject__nickname,${(await alyx.subject()).nickname}`, '--json'], { env });
    assert.equal(pending.code, 0, pending.stderr);
    assert.deepEqual(pending.stdout.trimEnd().split('\n').map((line) => (JSON.parse(line) as { eid: string }).eid), [due]);
  });
});
