/**
 * What a new user hit in the setup (issue 14): a held apt lock made `scripts/setup.sh` fail at
 * once; JupyterLab's log filled with `Dynamic require of "util"` because Node read the venv's
 * files under the project's `"type": "module"`. The lock is a real POSIX lock on a file of the
 * test's own, taken by a real process (Python's fcntl, as apt takes its locks).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { venvPython } from '../../dev/alyx-server/start.ts';

const REPO = path.resolve(import.meta.dirname, '..', '..');

/** Holds a POSIX lock on `file` for `seconds`; resolves once it is held, with the holder's pid. */
function holdLock(file: string, seconds: number): Promise<number> {
  const child = spawn('python3', ['-c', `import fcntl, sys, time\nf = open(sys.argv[1], "w")\nfcntl.lockf(f, fcntl.LOCK_EX)\nprint("held", flush=True)\ntime.sleep(${seconds})`, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => child.stdout.once('data', () => resolve(child.pid ?? 0)));
}

function waitForApt(lock: string, limit: number): Promise<{ status: number | null; stderr: string }> {
  const child = spawn('bash', ['-c', 'source scripts/wait-for-apt.sh && wait_for_apt'], {
    cwd: REPO,
    env: { ...process.env, ALYX_QC_APT_LOCKS: lock, ALYX_QC_APT_WAIT_S: String(limit) },
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.once('exit', (status) => resolve({ status, stderr })));
}

test('setup waits for a held apt lock, naming its holder, and goes on once it is free', async () => {
  const lock = path.join(mkdtempSync(path.join(tmpdir(), 'alyx-qc-apt-')), 'lock-frontend');
  writeFileSync(lock, '');
  const pid = await holdLock(lock, 3);
  const { status, stderr } = await waitForApt(lock, 60);
  assert.equal(status, 0, stderr);
  assert.match(stderr, new RegExp(`waiting \\(at most 60s\\) for apt/dpkg, locked by pid ${pid} \\S*python3 -c`));
});

test('setup gives up on a lock held too long, saying who holds it and what to do', async () => {
  const lock = path.join(mkdtempSync(path.join(tmpdir(), 'alyx-qc-apt-')), 'lock');
  writeFileSync(lock, '');
  const pid = await holdLock(lock, 10);
  const { status, stderr } = await waitForApt(lock, 2);
  assert.equal(status, 1);
  assert.match(stderr, new RegExp(`still locked after 2s, by pid ${pid} \\S*python3 [^]*Wait for it to finish \\(or stop it\\), then run setup again`));
  process.kill(pid);
});

test('an unlocked apt is not waited for', async () => {
  const lock = path.join(mkdtempSync(path.join(tmpdir(), 'alyx-qc-apt-')), 'lock');
  writeFileSync(lock, '');
  assert.deepEqual(await waitForApt(lock, 2), { status: 0, stderr: '' });
});

test("the venv's files are outside the project's ES-module scope: Node reads them as CommonJS", () => {
  const venv = path.dirname(path.dirname(venvPython()));
  assert.deepEqual(JSON.parse(readFileSync(path.join(venv, 'package.json'), 'utf8')), { type: 'commonjs' });
  // A .js file in the venv that uses require(): Node runs it as JupyterLab's build tools would.
  const probe = path.join(venv, 'alyx-qc-scope-probe.js');
  writeFileSync(probe, 'require("util"); console.log(typeof module);');
  const run = spawnSync(process.execPath, [probe], { encoding: 'utf8' });
  spawnSync('rm', ['-f', probe]);
  assert.equal(run.stderr, '');
  assert.equal(run.stdout.trim(), 'object');
});
