/**
 * `bash scripts/demo.sh` as a new user runs it (issue 14): it leaves the user's own ~/.one alone
 * (the kernel's ONE writes into the demo's private HOME, which goes away with the demo), shows no
 * Jupyter news pop-up, opens the notebook unmodified, and JupyterLab's log has no ES-module errors
 * from the venv. The demo runs with a HOME of the test's own standing in for the user's.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { freePort } from './start-host.ts';

const REPO = path.resolve(import.meta.dirname, '..', '..');
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

declare global {
  interface Window {
    jupyterapp: { commands: { execute(id: string, args?: unknown): Promise<unknown> }; shell: { currentWidget: unknown } };
  }
}

test('the demo keeps ONE in a private HOME that goes away with it, and opens the notebook clean', { timeout: 240_000 }, async () => {
  const userHome = mkdtempSync(path.join(tmpdir(), 'alyx-qc-user-home-'));
  const demoTmp = mkdtempSync(path.join(tmpdir(), 'alyx-qc-demo-tmp-'));
  const [alyxPort, labPort] = [await freePort(), await freePort()];
  const demo = spawn('bash', ['scripts/demo.sh'], {
    cwd: REPO,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own copy of the notebook (tmp/demo/ is the user's), HOME and TMPDIR of the test's own.
    env: { ...process.env, HOME: userHome, TMPDIR: demoTmp, ALYX_QC_DEMO_ALYX_PORT: String(alyxPort), ALYX_QC_DEMO_LAB_PORT: String(labPort), ALYX_QC_DEMO_DIR: path.join(demoTmp, 'work'), ALYX_QC_DEMO_LAB_ARGS: '--LabApp.expose_app_in_browser=True',
      // `npm run test:hosts` ran the setup and built the widget already.
      ALYX_QC_DEMO_SKIP_SETUP: '1',
    },
  });
  let output = '';
  demo.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  demo.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => demo.once('exit', resolve));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  try {
    const deadline = Date.now() + 180_000;
    while (!/Press Ctrl-C/.test(output)) {
      assert.ok(Date.now() < deadline && demo.exitCode === null, `the demo did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const url = /(http:\/\/127\.0\.0\.1:\d+\/lab\/tree\/qc-demo\.ipynb\?token=\w+)/.exec(output)?.[1];
    assert.ok(url, output);
    const demoHome = readdirSync(demoTmp).filter((name) => name.startsWith('alyx-qc-demo-home.')).map((name) => path.join(demoTmp, name))[0];
    assert.ok(demoHome, 'the demo made its private HOME');

    const page = await browser.newPage({ viewport: { width: 1280, height: 1200 } });
    await page.goto(url);
    await page.waitForFunction(
      () => (window.jupyterapp?.shell.currentWidget as { sessionContext?: { session?: { kernel?: { status: string } } } } | null)?.sessionContext?.session?.kernel?.status === 'idle',
      undefined,
      { timeout: 60_000 },
    );
    await page.waitForTimeout(1500);
    assert.equal(await page.evaluate(() => (window.jupyterapp.shell.currentWidget as { context: { model: { dirty: boolean } } }).context.model.dirty), false, 'the notebook opens unmodified');
    await page.evaluate(() => window.jupyterapp.commands.execute('notebook:run-all-cells'));
    await page.locator('alyx-qc-signoff').first().getByText('Not signed off yet.').waitFor({ timeout: 60_000 });
    assert.equal(await page.getByText('official Jupyter news').count(), 0, 'no news pop-up');

    assert.ok(existsSync(path.join(demoHome, '.one')), "the kernel's ONE wrote its parameters in the demo's HOME");
    assert.ok(!existsSync(path.join(userHome, '.one')), "the user's ~/.one is untouched");
    const log = readFileSync(path.join(demoTmp, 'work', 'jupyterlab.log'), 'utf8');
    assert.doesNotMatch(log, /Dynamic require of "util"|require is not defined in ES module scope/);

    process.kill(-(demo.pid ?? 0), 'SIGINT');
    await exited;
    assert.ok(!existsSync(demoHome), 'the private HOME goes away with the demo');
    assert.ok(!existsSync(path.join(userHome, '.one')), "the user's ~/.one is still untouched");
  } finally {
    await browser.close();
    if (demo.exitCode === null) process.kill(-(demo.pid ?? 0), 'SIGKILL');
    rmSync(userHome, { recursive: true, force: true });
    rmSync(demoTmp, { recursive: true, force: true });
  }
});
