/**
 * reviewQueueInput in Observable's runtime, in Chromium against the development Alyx (with CORS
 * for the page's origin): `viewof statuses` is the queue, `statuses` follows its value as the
 * reviewer signs off with the keyboard; bad options throw a TypeError at once.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startNotebookServer, type NotebookServer } from '../../examples/observable/server.ts';
import { signOffDateKey, signOffNoteText } from '../../js/core/note-text.ts';
import { AlyxFixture, PASSWORD } from '../support/alyx-fixture.ts';
import { REPO } from './support/build.ts';
import { launchChromium } from './support/chromium.ts';

const KEY = '_ephysChoiceWorld_00';
let server: NotebookServer;
let alyx: AlyxFixture;
let browser: Browser;
let page: Page;

before(async () => {
  // This suite needs the Observable bundle as the source is now (it holds reviewQueueInput).
  execFileSync('npx', ['vite', 'build', '--mode', 'observable', '--logLevel', 'warn'], { cwd: REPO, stdio: 'inherit' });
  server = await startNotebookServer();
  [alyx, browser] = await Promise.all([AlyxFixture.start({ corsOrigins: [server.origin] }), launchChromium()]);
  page = await browser.newPage();
  await page.goto(`${server.notebookUrl}?alyx=/alyx`);
  await page.evaluate(`(async () => {
    window.alyxqc = await import('/dist/observable/index.js');
    window.observable = await import('/node_modules/@observablehq/runtime/dist/runtime.js');
  })()`);
});

after(async () => {
  await browser?.close();
  await Promise.all([alyx?.stop(), server?.stop()]);
});

test('bad options throw a TypeError naming the option', async () => {
  const client = `{ request() {}, list() {}, user: 'test_user', baseUrl: 'http://127.0.0.1' }`;
  const cases: [string, RegExp][] = [
    [`alyxqc.reviewQueueInput({ alyx: ${client}, eids: [], kind: 'task', key: '${KEY}' })`, /reviewQueueInput: the "eids" option is not valid: The review queue is empty/],
    [`alyxqc.reviewQueueInput({ alyx: ${client}, eids: ['nope'], kind: 'task', key: '${KEY}' })`, /the "eids" option is not valid: "nope" is not a UUID/],
    [`alyxqc.reviewQueueInput({ alyx: ${client}, eids: ['2ffd3ed5-477e-4153-9af7-7fdad3c6946b'], kind: 'tsak', key: '${KEY}' })`, /the "kind" option is not valid/],
    [`alyxqc.reviewQueueInput({ alyx: ${client}, eids: ['2ffd3ed5-477e-4153-9af7-7fdad3c6946b'], kind: 'task', key: '${KEY}', plot: 'a.png' })`, /the "plot" option must be a function/],
    [`alyxqc.reviewQueueInput({ alyx: ${client}, eid: [], kind: 'task', key: '${KEY}' })`, /unknown option "eid"; did you mean "eids"\?/],
  ];
  for (const [call, expected] of cases) {
    const error = (await page.evaluate(`(() => { try { ${call}; return null; } catch (error) { return { name: error.name, message: error.message }; } })()`)) as { name: string; message: string } | null;
    assert.equal(error?.name, 'TypeError', call);
    assert.match(error?.message ?? '', expected, call);
  }
});

test('in the runtime: viewof statuses is the queue, statuses follows it as the reviewer signs off with the keyboard', async () => {
  const eids = [await alyx.newSession(), await alyx.newSession(), await alyx.newSession()];
  await page.evaluate(`(() => {
    const runtime = new observable.Runtime();
    const main = runtime.module();
    window.seen = [];
    main.variable(true).define('alyx', [], () => alyxqc.AlyxClient.login(${JSON.stringify(alyx.baseUrl)}, { username: 'test_user', password: ${JSON.stringify(PASSWORD)} }));
    main.variable({ fulfilled(view) { document.body.append(view); window.view = view; } }).define('viewof statuses', ['alyx'], (alyx) =>
      alyxqc.reviewQueueInput({ alyx, eids: ${JSON.stringify(eids)}, kind: 'task', key: '${KEY}', plot: (eid) => 'data:image/svg+xml,' + encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="80" height="20"><text y="15">' + eid.slice(0, 8) + '</text></svg>') }));
    // Generators.input as Observable's standard library defines it (through Generators.observe):
    // its listener stays registered and keeps the latest value, so an input event that comes while
    // the runtime has not asked for the next value yet is not lost.
    main.variable({ fulfilled(value) { window.seen.push(value); } }).define('statuses', ['viewof statuses'], function* (view) {
      let changed = true;
      let pending = null;
      view.addEventListener('input', () => {
        if (pending) pending(view.value);
        else changed = true;
        pending = null;
      });
      for (;;) {
        if (changed) {
          changed = false;
          yield view.value;
        } else yield new Promise((resolve) => (pending = resolve));
      }
    });
  })()`);
  const queue = page.locator('alyx-qc-review-queue');
  await queue.locator('.progress-text').getByText('0 of 3 signed off \u00b7 0 with reasons').waitFor({ timeout: 20_000 });
  await queue.locator('.plot img').waitFor();
  await queue.locator('.queue > header > h2').click();
  await page.keyboard.press('Enter');
  await page.keyboard.press('1');
  await page.keyboard.press('Enter');
  await queue.locator('.progress-text').getByText('2 of 3 signed off \u00b7 1 with reasons').waitFor({ timeout: 20_000 });
  await page.waitForFunction(() => (window as unknown as { seen: { status: string }[][] }).seen.at(-1)?.filter((row) => row.status === 'signed-off').length === 2);
  const last = (await page.evaluate('window.seen.at(-1)')) as { eid: string; status: string; reasons: string[] }[];
  assert.deepEqual(last.map((row) => [row.eid, row.status, row.reasons]), [[eids[0], 'signed-off', []], [eids[1], 'signed-off', ['wheel data corrupt']], [eids[2], 'due', []]]);
  const [note] = await alyx.notesOf(eids[1]!);
  assert.equal(note?.text, signOffNoteText(KEY, signOffDateKey('test_user', new Date()), { reasons: ['wheel data corrupt'], other: null }));
});
