/** The parts that need no Alyx: help, describe, usage errors, the Python text helpers, ONE's file names, the bin. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, test } from 'node:test';
import { NOTE_KINDS } from '../core/index.ts';
import { oneClientKey } from './one-params.ts';
import { pythonListRepr, pythonStrip, typedAnswer } from './python-text.ts';
import { REPO, runCli } from './testing/cli-process.ts';

describe('help', () => {
  test('says how typed answers are stored, what Ctrl-C does, and the exit statuses', async () => {
    const run = await runCli(['--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /Answers typed at a prompt are stored as\nibllib's prompt stores them: stripped and lower-cased\./);
    assert.match(run.stdout, /--other\nis stored exactly as given/);
    assert.match(run.stdout, /Ctrl-C or end of input \(Ctrl-D\) at any prompt writes nothing and exits with 1\./);
    for (const line of ['0  written', '1  declined', '2  usage or bad input', '3  server or network error after retries']) assert.ok(run.stdout.includes(line), line);
    assert.match(run.stdout, /The token is never printed\./);
  });

  test('each command has its own', async () => {
    const commands = [['critical', '--gui-reasons'], ['signoff', '--no-note'], ['describe', '--json']] as const;
    const runs = await Promise.all(commands.map(([command]) => runCli([command, '--help'])));
    for (const [index, [command, option]] of commands.entries()) {
      const run = runs[index];
      assert.ok(run);
      assert.equal(run.code, 0);
      assert.ok(run.stdout.startsWith(`Usage: alyx-qc ${command}`));
      assert.ok(run.stdout.includes(option));
    }
  });

  test('no command prints the help; an unknown one is a usage error with a hint', async () => {
    assert.match((await runCli([])).stdout, /^alyx-qc: sign off QC/);
    const run = await runCli(['critcal']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /unknown command "critcal"; did you mean critical\?/);
  });
});

describe('describe', () => {
  test('the numbered reasons, 0-based, under the kind header', async () => {
    const run = await runCli(['describe', 'session']);
    assert.equal(run.code, 0);
    const kind = NOTE_KINDS['critical-session'];
    assert.ok(run.stdout.includes(`${kind.promptHeader}\n${kind.reasons.map((reason, index) => `${index}) ${reason}`).join('\n')}\n`));
  });

  test('every kind, by short name, as JSON', async () => {
    const kinds = [['insertion', 'critical-insertion'], ['task', 'signoff-task'], ['passive', 'signoff-passive'], ['raw-ephys', 'signoff-raw-ephys'], ['signoff-alignment', 'signoff-alignment']] as const;
    const runs = await Promise.all(kinds.map(([name]) => runCli(['describe', name, '--json'])));
    for (const [index, [, id]] of kinds.entries()) {
      const run = runs[index];
      assert.ok(run);
      assert.equal(run.code, 0, run.stderr);
      const described = JSON.parse(run.stdout) as { kind: string; reasons: string[]; header: string };
      assert.equal(described.kind, id);
      assert.deepEqual(described.reasons, NOTE_KINDS[id].reasons);
      assert.equal(described.header, NOTE_KINDS[id].promptHeader);
    }
  });

  test('an unknown kind: exit 2', async () => {
    const run = await runCli(['describe', 'wheel']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^alyx-qc: Unknown note kind "wheel"/);
  });
});

describe('usage errors: exit 2 before any request', () => {
  test('options that belong to another command, missing values, missing arguments', async () => {
    const cases: [string[], RegExp][] = [
      [['critical', '2ffd3ed5-477e-4153-9af7-7fdad3c6946b', '--key', '_x'], /alyx-qc critical has no option --key \(it belongs to alyx-qc signoff and alyx-qc queue and alyx-qc status\)/],
      [['critical', '2ffd3ed5-477e-4153-9af7-7fdad3c6946b', '--reasons'], /--reasons needs a value, e\.g\. --reasons 1,3/],
      [['critical', '2ffd3ed5-477e-4153-9af7-7fdad3c6946b', '--reasons', '--yes'], /--reasons needs a value/],
      [['critical'], /alyx-qc critical needs the session eid or insertion pid/],
      [['critical', 'a', 'b'], /takes one session eid or insertion pid, got 2/],
      [['signoff', '2ffd3ed5-477e-4153-9af7-7fdad3c6946b', '--kind', 'task'], /needs --key/],
      [['critical', '2ffd3ed5-477e-4153-9af7-7fdad3c6946b', '--reasons', '1', '--reason-text', 'Drift'], /not both/],
      [['critical', '2ffd3ed5-477e-4153-9af7-7fdad3c6946b', '--yes=1'], /--yes takes no value/],
    ];
    const runs = await Promise.all(cases.map(([args]) => runCli(args, { env: { ALYX_URL: 'http://127.0.0.1:9' } })));
    for (const [index, [args, message]] of cases.entries()) {
      const run = runs[index];
      assert.ok(run);
      assert.equal(run.code, 2, args.join(' '));
      assert.match(run.stderr, message);
      assert.match(run.stderr, /See alyx-qc (critical|signoff) --help\./);
    }
  });

  test('--json turns a usage error into JSON on stdout too', async () => {
    const run = await runCli(['critical', '--json', '--nope']);
    assert.equal(run.code, 2);
    assert.deepEqual(Object.keys(JSON.parse(run.stdout) as object), ['status', 'code', 'message']);
  });
});

describe('Python text', () => {
  test("repr of the selected reasons, as ibllib prints them", () => {
    assert.equal(pythonListRepr(['synching impossible', 'Other']), "['synching impossible', 'Other']");
    assert.equal(pythonListRepr([]), '[]');
    assert.equal(pythonListRepr(['RFmap file doesn\u2019t exist']), "['RFmap file doesn\u2019t exist']");
    assert.equal(pythonListRepr(["it's", 'say "hi"', 'both \' and "', 'tab\tnew\nline\\', '\x00\x7f\u200b']), `["it's", 'say "hi"', 'both \\' and "', 'tab\\tnew\\nline\\\\', '\\x00\\x7f\\u200b']`);
  });

  test("strip() and lower() as Python's", () => {
    assert.equal(pythonStrip('\x1c\x85 a b \u3000\n'), 'a b');
    assert.equal(pythonStrip('\ufeffa'), '\ufeffa', 'U+FEFF is not whitespace in Python');
    assert.equal(typedAnswer('  Estoy Un Poco PREOCUPADA \r'), 'estoy un poco preocupada');
  });
});

describe("ONE's parameter file names (one.params._key_from_url)", () => {
  test('protocol and end slashes dropped, other characters made safe', () => {
    assert.equal(oneClientKey('https://alyx.internationalbrainlab.org/'), 'alyx.internationalbrainlab.org');
    assert.equal(oneClientKey('http://127.0.0.1:8000'), '127.0.0.1_8000');
    assert.equal(oneClientKey('https://Alyx.Example.org/api/v1'), 'alyx.example.org_api_v1');
    assert.equal(oneClientKey('http://my host--x'), 'my-host-x');
  });
});

describe('bin/alyx-qc.js', () => {
  const built = existsSync(path.join(REPO, 'dist', 'cli', 'main.js'));
  test('runs the built command', { skip: !built && 'dist/cli/main.js not built (npm run build)' }, () => {
    const run = spawnSync(process.execPath, [path.join(REPO, 'bin', 'alyx-qc.js'), '--version'], { encoding: 'utf8' });
    const { version } = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, `${version}\n`);
  });
});
