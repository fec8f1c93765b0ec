/**
 * Issue #7, hostile and bad input: one table, each row an input and the error it must give. Every
 * message must name the problem and the fix, and nothing may be written on the server (its notes
 * and session JSON are compared before and after each row). Rows run against the real development
 * Alyx, some through the fault proxy (a server answering HTML); the CLI rows run the real command,
 * the Python rows the package in the project's venv (skipped where it is not built).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { venvPython } from '../../dev/alyx-server/start.ts';
import { startFaultProxy, type FaultProxy } from '../../dev/fault-proxy/proxy.ts';
import { AlyxClient } from '../../js/core/client.ts';
import { writeCriticalNote, writeCriticalNoteFromGui } from '../../js/core/critical-note.ts';
import { signOff } from '../../js/core/sign-off.ts';
import { AlyxFixture, PASSWORD, USER } from '../support/alyx-fixture.ts';
import { runCli } from './run-cli.ts';
// The workflows' own modules, not the core's index: load the note kinds as the index does.
import '../../js/core/note-kinds.ts';

const REPO = path.resolve(import.meta.dirname, '..', '..');
const EID = '2ffd3ed5-477e-4153-9af7-7fdad3c6946b';
const PY_MISSING = ['python/alyx_qc/_widget.py', 'python/alyx_qc/static/signoff.js'].filter((file) => !existsSync(path.join(REPO, file)));
const PY_SKIP = PY_MISSING.length > 0 && `the Python package is not built here (${PY_MISSING.join(', ')} missing)`;

/** A catalogue row: what was given, where, and the error it must produce. */
interface Row {
  readonly surface: 'API' | 'CLI' | 'Python' | 'elements';
  readonly input: string;
  readonly run: () => Promise<unknown>;
  /** Names the problem. */
  readonly problem: RegExp;
  /** Says what to do. */
  readonly fix: RegExp;
  /** Why the row cannot run here (a part not built), if so. */
  readonly skip?: string | false;
}

let alyx: AlyxFixture;
let client: AlyxClient;
let proxy: FaultProxy;
/** A session and an insertion with an existing critical note and a sign-off note. */
let eid: string;
let pid: string;
/** Sessions whose state is hostile: `json` a list, a checklist a string, `json` over the body limit. */
let listJsonEid: string;
let stringChecklistEid: string;
let bigJsonEid: string;
const watched: string[] = [];

const v4 = '2ffd3ed5-477e-4153-9af7-7fdad3c6946b';
const task = (extra: Record<string, unknown>): Promise<unknown> => signOff(client, { eid, signOffKey: '_ephysChoiceWorld_00', kind: 'task', ...extra } as Parameters<typeof signOff>[1]);

const ROWS: readonly Row[] = [
  { surface: 'API', input: 'eid "not-a-uuid"', run: () => task({ eid: 'not-a-uuid', reasons: [] }), problem: /"not-a-uuid" is not a UUID/, fix: /Pass the session eid as 36 characters/ },
  { surface: 'API', input: 'uuid missing (empty string)', run: () => writeCriticalNote(client, { uuid: '', reasons: [] }), problem: /session eid or insertion pid is missing/, fix: /Pass the session eid or insertion pid as 36 characters/ },
  { surface: 'API', input: 'version-1 UUID', run: () => writeCriticalNote(client, { uuid: 'a8098c1a-f86e-11da-bd1a-00112444be1e', reasons: [] }), problem: /version-1 UUID/, fix: /Alyx ids are version 4.*copy/ },
  { surface: 'API', input: 'UUID with a trailing character', run: () => writeCriticalNote(client, { uuid: `${v4}x`, reasons: [] }), problem: /is not a UUID/, fix: /36 characters/ },
  { surface: 'API', input: 'UUID with a django filter injected (`,pk,…`)', run: () => writeCriticalNote(client, { uuid: `${v4},text__icontains,x`, reasons: [] }), problem: /is not a UUID/, fix: /36 characters/ },
  { surface: 'API', input: 'unknown kind "histology"', run: () => task({ kind: 'histology', reasons: [] }), problem: /Unknown note kind "histology"/, fix: /Use one of: .*task/ },
  { surface: 'API', input: 'critical kind given to signOff', run: () => task({ kind: 'critical-session', reasons: [] }), problem: /"critical-session" is not a sign-off kind/, fix: /Use one of: task/ },
  { surface: 'API', input: 'kind "__proto__"', run: () => task({ kind: '__proto__', reasons: [] }), problem: /Unknown note kind "__proto__"/, fix: /Use one of/ },
  { surface: 'API', input: 'sign-off key without the leading "_"', run: () => task({ signOffKey: 'ephysChoiceWorld_00', reasons: [] }), problem: /"ephysChoiceWorld_00" is not a sign-off key/, fix: /"_" then letters/ },
  { surface: 'API', input: 'sign-off key with a comma and brackets (filter injection)', run: () => task({ signOffKey: '_x,object_id,(1)', reasons: [] }), problem: /is not a sign-off key/, fix: /"_" then letters, digits and underscores/ },
  { surface: 'API', input: 'empty sign-off key', run: () => task({ signOffKey: '', reasons: [] }), problem: /sign-off key is empty/, fix: /pass the key from the session's sign_off_checklist/ },
  { surface: 'API', input: 'reason number out of range (nums "1,9" for task)', run: () => task({ nums: '1,9' }), problem: /Reason number 9 is out of range/, fix: /choose between 0 and 4/ },
  { surface: 'API', input: 'negative reason number (nums "-1")', run: () => task({ nums: '-1' }), problem: /"-1" is not a list of reason numbers/, fix: /Enter numbers between 0 and 4/ },
  { surface: 'API', input: 'non-numeric reasons (nums "a,b")', run: () => task({ nums: 'a,b' }), problem: /"a,b" is not a list of reason numbers/, fix: /separated by commas, e\.g\. "1,3"/ },
  { surface: 'API', input: 'decimal reason number (nums "1.5")', run: () => task({ nums: '1.5' }), problem: /not a list of reason numbers/, fix: /Enter numbers between 0 and 4/ },
  { surface: 'API', input: 'reason of another kind ("Drift" for task)', run: () => task({ reasons: ['Drift'] }), problem: /"Drift" is not a reason of Task sign-off/, fix: /Choose from: "raw trial data does not exist"/ },
  { surface: 'API', input: 'reason with wrong apostrophe (passive, U+0027 for U+2019)', run: () => task({ kind: 'passive', reasons: ["RFmap file doesn't exist"] }), problem: /is not a reason of Passive/i, fix: /Choose from/ },
  { surface: 'API', input: 'reasons and nums both given', run: () => task({ reasons: ['Other'], nums: '1' }), problem: /either by text \(reasons\) or by number \(nums\), not both/, fix: /Give the reasons either/ },
  { surface: 'API', input: 'Other chosen, no text', run: () => writeCriticalNote(client, { uuid: pid, reasons: ['Other'], overwrite: true }), problem: /"Other" is selected but its text is empty/, fix: /Explain the other reason.*or unselect "Other"/ },
  { surface: 'API', input: 'Other chosen, whitespace only', run: () => task({ reasons: ['Other'], other: '   \n\t' }), problem: /"Other" is selected but its text is empty/, fix: /Explain the other reason/ },
  { surface: 'API', input: 'Other text not a string (42)', run: () => task({ reasons: ['Other'], other: 42 }), problem: /"Other" text must be a string/, fix: /or null for none/ },
  { surface: 'API', input: '1 MB of Other text', run: () => task({ reasons: ['Other'], other: 'x'.repeat(1_000_000) }), problem: /over the limit of 65536/, fix: /Shorten the "Other" text/ },
  { surface: 'API', input: '1 MB of Other text on a critical overwrite', run: () => writeCriticalNote(client, { uuid: pid, reasons: ['Other'], other: '\u00e9'.repeat(1_000_000), overwrite: true }), problem: /over the limit/, fix: /Shorten the "Other" text/ },
  { surface: 'API', input: 'alignment GUI path with "Other"', run: () => writeCriticalNoteFromGui(client, { pid, reasons: ['Other'] }), problem: /"Other" is not a reason|"Other" cannot be chosen there|text is empty/, fix: /Choose from|use writeCriticalNote|Explain/ },
  { surface: 'API', input: 'alignment GUI path with a non-GUI reason', run: () => writeCriticalNoteFromGui(client, { pid, reasons: ['Histological images missing'] }), problem: /"Histological images missing" is not a reason/, fix: /Choose from: "Noise and artifact"/ },
  { surface: 'API', input: 'content type not a model name ("session; drop")', run: () => writeCriticalNote(client, { uuid: v4, contentType: 'session; drop', reasons: ['Other'], other: 'x' }), problem: /"session; drop" is not an Alyx model name/, fix: /use a lower-case one such as "session"/ },
  { surface: 'API', input: 'UUID that is neither a session nor an insertion', run: () => writeCriticalNote(client, { uuid: v4, reasons: ['Other'], other: 'x' }), problem: /matches 0 session\(s\) and 0 insertion\(s\)/, fix: /pass the content type\./ },
  { surface: 'API', input: 'base URL "ftp://alyx.example.org"', run: () => AlyxClient.login('ftp://alyx.example.org', { username: 'a', password: 'b' }), problem: /must start with http:\/\/ or https:\/\/, not ftp:/, fix: /Pass it like "https:\/\/alyx/ },
  { surface: 'API', input: 'base URL "javascript:alert(1)"', run: () => AlyxClient.login('javascript:alert(1)', { username: 'a', password: 'b' }), problem: /must start with http:\/\/ or https:\/\//, fix: /Pass it like/ },
  { surface: 'API', input: 'base URL without a scheme ("alyx.example.org")', run: () => AlyxClient.login('alyx.example.org', { username: 'a', password: 'b' }), problem: /"alyx.example.org" is not a URL/, fix: /Pass it like "https:/ },
  { surface: 'API', input: 'base URL with user:password@', run: () => AlyxClient.login('http://u:secret@127.0.0.1:9', { username: 'a', password: 'b' }), problem: /must not hold a username, password/, fix: /pass credentials separately/ },
  { surface: 'API', input: 'session whose json is a list', run: () => signOff(client, { eid: listJsonEid, signOffKey: '_ephysChoiceWorld_00', kind: 'task', reasons: [] }), problem: /"json" is not an object \(a list\)/, fix: /Fix it in Alyx's admin, then sign off again/ },
  { surface: 'API', input: 'session whose sign_off_checklist is a string', run: () => signOff(client, { eid: stringChecklistEid, signOffKey: '_camera_left', kind: 'video', withNote: false }), problem: /"sign_off_checklist" is not an object/, fix: /Fix it in Alyx's admin, then sign off again/ },
  // A sign-off of a session whose json is over the body limit: refused before the note is written (13.11).
  { surface: 'API', input: 'session whose json is over 1 MiB', run: () => signOff(client, { eid: bigJsonEid, signOffKey: '_ephysChoiceWorld_00', kind: 'task', reasons: [] }), problem: /json is over 1048576 characters/, fix: /nothing was written\. Ask an Alyx administrator to trim it/ },
  // The same key checks as Python's (13.15): JavaScript's `$` would not match before a newline, but checked all the same.
  { surface: 'API', input: 'sign-off key with a trailing newline', run: () => task({ signOffKey: '_ephysChoiceWorld_00\n', reasons: [] }), problem: /"_ephysChoiceWorld_00\\u000a" is not a sign-off key/, fix: /"_" then letters, digits and underscores/ },
  { surface: 'API', input: 'sign-off key of 65 characters', run: () => task({ signOffKey: `_${'a'.repeat(64)}`, reasons: [] }), problem: /is not a sign-off key/, fix: /64 characters at most/ },
  { surface: 'API', input: 'content type of 65 characters', run: () => writeCriticalNote(client, { uuid: v4, contentType: 'a'.repeat(65), reasons: ['Other'], other: 'x' }), problem: /is not an Alyx model name/, fix: /use a lower-case one/ },
  {
    surface: 'API', input: 'server answering an HTML page instead of JSON',
    run: async () => {
      proxy.clear();
      proxy.inject({ match: {}, fault: 'html', times: 100 });
      const viaProxy = await AlyxClient.login(proxy.baseUrl, { username: USER.username, token: 'x'.repeat(40) }, { retry: { baseDelayMs: 10 } });
      try {
        return await signOff(viaProxy, { eid, signOffKey: '_ephysChoiceWorld_00', kind: 'task', reasons: [] });
      } finally {
        proxy.clear();
      }
    },
    problem: /expected JSON, got <!DOCTYPE html>/, fix: /check the base URL \(the API root/,
  },
  {
    surface: 'API', input: 'login to a server answering HTML',
    run: async () => {
      proxy.clear();
      proxy.inject({ match: {}, fault: 'html', times: 100 });
      try {
        return await AlyxClient.login(proxy.baseUrl, { username: USER.username, password: PASSWORD });
      } finally {
        proxy.clear();
      }
    },
    problem: /expected JSON|without a token/, fix: /check the base URL|Check that the base URL points at an Alyx server/i,
  },
  {
    surface: 'API', input: 'expired token, no password',
    run: async () => signOff(await AlyxClient.login(alyx.baseUrl, { username: USER.username, token: 'e'.repeat(40) }), { eid, signOffKey: '_ephysChoiceWorld_00', kind: 'task', reasons: [] }),
    problem: /Invalid token\./, fix: /Log in again, or pass a fresh token/,
  },
  { surface: 'API', input: 'wrong password', run: () => AlyxClient.login(alyx.baseUrl, { username: USER.username, password: 'not-the-password' }), problem: /username or password is wrong/, fix: /check them and log in again/ },
  { surface: 'API', input: 'no password and no token', run: () => AlyxClient.login(alyx.baseUrl, { username: USER.username } as never), problem: /No way to authenticate/, fix: /pass a password or a token/ },
  // The CLI: exit 2 for bad input, 3 for a server that is not answering like Alyx; message on stderr.
  { surface: 'CLI', input: '`critical not-a-uuid --reasons 1` (exit 2)', run: cli(['critical', 'not-a-uuid', '--reasons', '1'], 2), problem: /^alyx-qc: "not-a-uuid" is not a UUID/, fix: /36 characters/ },
  { surface: 'CLI', input: '`critical <version-1 UUID>` (exit 2)', run: cli(['critical', 'a8098c1a-f86e-11da-bd1a-00112444be1e', '--reasons', '1'], 2), problem: /version-1 UUID/, fix: /version 4/ },
  { surface: 'CLI', input: '`signoff --kind histology` (exit 2)', run: () => cli(['signoff', eid, '--key', '_ephysChoiceWorld_00', '--kind', 'histology', '--reasons', '1'], 2)(), problem: /Unknown note kind "histology"/, fix: /Use one of/ },
  { surface: 'CLI', input: '`signoff --key "_x,(pk)"` (exit 2)', run: () => cli(['signoff', eid, '--key', '_x,(pk)', '--kind', 'task', '--reasons', '1'], 2)(), problem: /is not a sign-off key/, fix: /"_" then letters/ },
  { surface: 'CLI', input: '`critical <eid> --reasons 9` (exit 2)', run: () => cli(['critical', eid, '--reasons', '9'], 2)(), problem: /Reason number 9 is out of range/, fix: /choose between 0 and 4/ },
  { surface: 'CLI', input: '`signoff --reasons a,b` (exit 2)', run: () => cli(['signoff', eid, '--key', '_ephysChoiceWorld_00', '--kind', 'task', '--reasons', 'a,b'], 2)(), problem: /not a list of reason numbers/, fix: /separated by commas/ },
  { surface: 'CLI', input: '`signoff --reason-text Drift` (kind task, exit 2)', run: () => cli(['signoff', eid, '--key', '_ephysChoiceWorld_00', '--kind', 'task', '--reason-text', 'Drift'], 2)(), problem: /"Drift" is not a reason/, fix: /Choose from/ },
  { surface: 'CLI', input: '`critical --reasons 4 --other "   "` (exit 2)', run: () => cli(['critical', eid, '--reasons', '4', '--other', '   '], 2)(), problem: /"Other" is (selected but its text is empty|among the reasons)/, fix: /Explain the other reason|explain it with --other/ },
  { surface: 'CLI', input: '`critical --other <100 kB>` (exit 2)', run: () => cli(['critical', eid, '--reasons', '4', '--other', 'y'.repeat(100_000)], 2)(), problem: /over the limit/, fix: /Shorten/ },
  { surface: 'CLI', input: '`--base-url ftp://alyx.example.org` (exit 2)', run: () => cli(['critical', eid, '--reasons', '1', '--base-url', 'ftp://alyx.example.org'], 2)(), problem: /must start with http:\/\/ or https:\/\//, fix: /Pass it like/ },
  { surface: 'CLI', input: 'expired $ALYX_TOKEN, no password (exit 2)', run: () => cli(['critical', eid, '--reasons', '1'], 2, { ALYX_TOKEN: 'e'.repeat(40), ALYX_PASSWORD: undefined })(), problem: /Invalid token/, fix: /log in again|fresh token|ALYX_TOKEN/ },
  { surface: 'CLI', input: 'unknown option `--frobnicate` (exit 2)', run: () => cli(['critical', eid, '--frobnicate'], 2)(), problem: /unknown option --frobnicate/, fix: /alyx-qc critical --help/ },
  { surface: 'CLI', input: '`--gui-reasons "Histological images missing"` (exit 2)', run: () => cli(['critical', pid, '--gui-reasons', 'Histological images missing'], 2)(), problem: /"Histological images missing" is not a reason/, fix: /Choose from/ },
  { surface: 'CLI', input: '`signoff` on a session whose json is a list (exit 2)', run: () => cli(['signoff', listJsonEid, '--key', '_ephysChoiceWorld_00', '--kind', 'task', '--reasons', '1'], 2)(), problem: /not an object/, fix: /Fix it in Alyx's admin/ },
  {
    surface: 'CLI', input: 'server answering HTML (exit 3)',
    run: async () => {
      proxy.clear();
      proxy.inject({ match: {}, fault: 'html', times: 100 });
      try {
        return await cli(['critical', eid, '--reasons', '1', '--base-url', proxy.baseUrl], 3, { ALYX_TOKEN: 'x'.repeat(40) })();
      } finally {
        proxy.clear();
      }
    },
    problem: /expected JSON/, fix: /check the base URL/,
  },
  // The Python shim: it raises at once, before any widget is shown or request sent.
  { surface: 'Python', input: 'SignOff(base_url="ftp://x")', skip: PY_SKIP, run: py(`SignOff("${EID}", "_ephysChoiceWorld_00", "task", base_url="ftp://x", token="t", username="u")`), problem: /ValueError: \[alyx-qc\] The Alyx base URL must start with http:\/\/ or https:\/\//, fix: /Pass it like/ },
  { surface: 'Python', input: 'SignOff(base_ur=...) (misspelt keyword)', skip: PY_SKIP, run: py(`SignOff("${EID}", "_ephysChoiceWorld_00", "task", base_ur="http://127.0.0.1:9", token="t", username="u")`), problem: /TypeError: .*unexpected keyword argument 'base_ur'/, fix: /Did you mean 'base_url'\?/ },
  { surface: 'Python', input: 'SignOff without credentials', skip: PY_SKIP, run: py(`SignOff("${EID}", "_ephysChoiceWorld_00", "task")`), problem: /No Alyx to talk to/, fix: /Pass alyx=one\.alyx/ },
  { surface: 'Python', input: 'CriticalNote(token=" ")', skip: PY_SKIP, run: py(`CriticalNote("${EID}", base_url="http://127.0.0.1:9", token=" ", username="u")`), problem: /token= is empty/, fix: /Copy the token from Alyx/ },
  { surface: 'Python', input: 'CriticalNote(base_url=..., token=...) without username', skip: PY_SKIP, run: py(`CriticalNote("${EID}", base_url="http://127.0.0.1:9", token="t")`), problem: /Pass username= with base_url=/, fix: /Notes are written in that user's name/ },
  { surface: 'Python', input: 'SignOff(alyx=42)', skip: PY_SKIP, run: py(`SignOff("${EID}", "_ephysChoiceWorld_00", "task", alyx=42)`), problem: /alyx= must be ONE's AlyxClient/, fix: /\(one\.alyx\) or a ONE instance/ },
  { surface: 'Python', input: 'SignOff("not-a-uuid")', skip: PY_SKIP, run: py(`SignOff("not-a-uuid", "_ephysChoiceWorld_00", "task", base_url="http://127.0.0.1:9", token="t", username="u")`), problem: /ValueError: \[alyx-qc\] "not-a-uuid" is not a UUID/, fix: /36 characters/ },
  { surface: 'Python', input: 'CriticalNote(<version-1 UUID>)', skip: PY_SKIP, run: py(`CriticalNote("a8098c1a-f86e-11da-bd1a-00112444be1e", base_url="http://127.0.0.1:9", token="t", username="u")`), problem: /is a version-1 UUID/, fix: /copied the session eid or insertion pid from Alyx/ },
  { surface: 'Python', input: 'SignOff(kind="histology")', skip: PY_SKIP, run: py(`SignOff("${EID}", "_ephysChoiceWorld_00", "histology", base_url="http://127.0.0.1:9", token="t", username="u")`), problem: /Unknown sign-off kind "histology"/, fix: /Use one of: task/ },
  { surface: 'Python', input: 'SignOff(key="x,(y)")', skip: PY_SKIP, run: py(`SignOff("${EID}", "x,(y)", "task", base_url="http://127.0.0.1:9", token="t", username="u")`), problem: /"x,\(y\)" is not a sign-off key/, fix: /must start with "_"/ },
  { surface: 'Python', input: 'submit() before the widget is displayed', skip: PY_SKIP, run: py(`CriticalNote("${EID}", base_url="http://127.0.0.1:9", token="t", username="u").submit(reasons=["Other"], other="x")`), problem: /submit\(\) needs the widget on screen/, fix: /Display it first/ },
];

/**
 * A CLI row: the real `alyx-qc` with the dev Alyx's URL and test_user's password in its environment
 * (plus `env`); it must exit with `code`, and its stderr is the message checked.
 */
function cli(args: readonly string[], code: number, env: Record<string, string | undefined> = {}): () => Promise<never> {
  return async () => {
    const run = await runCli(args, { ALYX_URL: alyx.baseUrl, ALYX_LOGIN: USER.username, ALYX_PASSWORD: PASSWORD, ...env });
    assert.equal(run.code, code, `exit status (stderr: ${run.stderr})`);
    throw new Error(`${run.stderr}${run.stdout ? `\n[stdout] ${run.stdout}` : ''}`);
  };
}


/**
 * A Python row: `code` runs after `from alyx_qc import SignOff, CriticalNote` in the project's venv;
 * it must raise, and the exception's last line (type and message) is the message checked.
 */
function py(code: string): () => Promise<never> {
  return () => new Promise<never>((_resolve, reject) => {
    const child = spawn(venvPython(), ['-c', `from alyx_qc import SignOff, CriticalNote\n${code}`], { cwd: REPO, env: { ...process.env, PYTHONPATH: path.join(REPO, 'python') }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('close', (exit) => {
      const last = stderr.trim().split('\n').at(-1) ?? '';
      reject(new Error(exit === 0 ? 'no exception was raised' : last));
    });
  });
}

/** What the server holds for every object the rows touch. */
async function snapshot(): Promise<string> {
  const parts = await Promise.all(watched.map(async (uuid) => ({
    uuid,
    notes: (await alyx.notesOf(uuid)).map((note) => `${note.id} ${note.user} ${note.text}`).sort(),
    json: uuid === pid ? null : await alyx.sessionJson(uuid),
  })));
  const admin = await alyx.inspector();
  // Also no stray note anywhere: the total count of notes on the server.
  const total = (await admin.request<{ count: number }>('GET', '/notes', { query: { limit: 1 } })).count;
  return JSON.stringify({ parts, total });
}

before(async () => {
  alyx = await AlyxFixture.start();
  client = await alyx.login();
  proxy = await startFaultProxy({ target: alyx.baseUrl });
  eid = await alyx.newSession();
  pid = await alyx.newInsertion(eid);
  await writeCriticalNote(client, { uuid: pid, reasons: ['Drift'] });
  await signOff(client, { eid, signOffKey: '_ephysChoiceWorld_00', kind: 'task', reasons: ['wheel data corrupt'], now: new Date(2024, 0, 14) });
  listJsonEid = await alyx.newSession(['not', 'an', 'object']);
  stringChecklistEid = await alyx.newSession({ sign_off_checklist: 'done', keep: true });
  bigJsonEid = await alyx.newSession({ sign_off_checklist: { _ephysChoiceWorld_00: null }, traces: 'x'.repeat(1_100_000) });
  watched.push(eid, pid, listJsonEid, stringChecklistEid, bigJsonEid);
});
after(async () => {
  await proxy.stop();
  await alyx.stop();
  const surfaces = new Map<string, number>();
  for (const row of ROWS) surfaces.set(row.surface, (surfaces.get(row.surface) ?? 0) + 1);
  process.stderr.write(`\n## Bad-input catalogue\n\n${ROWS.length} rows (${[...surfaces].map(([surface, count]) => `${surface} ${count}`).join(', ')}).\n`);
});

describe('bad-input catalogue: each row a clear error naming the problem and the fix, nothing written', () => {
  test('the catalogue has at least 25 rows', () => {
    assert.ok(ROWS.length >= 25, `only ${ROWS.length} rows`);
  });
  for (const row of ROWS) {
    test(`${row.surface}: ${row.input}`, { skip: row.skip ?? false }, async () => {
      const before = await snapshot();
      await assert.rejects(row.run(), (error: Error) => {
        assert.match(error.message, row.problem, 'names the problem');
        assert.match(error.message, row.fix, 'says what to do');
        assert.ok(!error.message.includes(PASSWORD), 'no password in the message');
        assert.ok(!error.message.includes('e'.repeat(40)) && !error.message.includes('x'.repeat(40)), 'no token in the message');
        assert.ok(error.message.length < 2_000, 'a message, not a dump');
        return true;
      });
      assert.equal(await snapshot(), before, 'nothing changed on the server');
    });
  }
});
