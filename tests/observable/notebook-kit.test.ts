/**
 * The Notebook Kit version of the example (examples/observable/notebook-kit/index.html), compiled
 * and served by Notebook Kit's preview server, in Chromium against the development Alyx through
 * the page's `/alyx` proxy: `view()` follows the clicks, the dependent cell re-runs, Sign off writes.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startNotebookKitServer, type NotebookKitServer } from '../../examples/observable/notebook-kit-server.ts';
import { signOffDateKey, signOffNoteText } from '../../js/core/note-text.ts';
import { AlyxFixture, PASSWORD } from '../support/alyx-fixture.ts';
import { ensureBuilt } from './support/build.ts';
import { launchChromium } from './support/chromium.ts';

let alyx: AlyxFixture;
let server: NotebookKitServer;
let browser: Browser;

before(async () => {
  ensureBuilt();
  [alyx, browser] = await Promise.all([AlyxFixture.start(), launchChromium()]);
  server = await startNotebookKitServer({ alyxTarget: alyx.baseUrl });
});

after(async () => {
  await browser?.close();
  await Promise.all([server?.stop(), alyx?.stop()]);
});

test('Notebook Kit: the sign-off view follows the clicks, a dependent cell re-runs, Sign off writes the note', async () => {
  const eid = await alyx.newSession();
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    if (new URL(request.url()).hostname !== '127.0.0.1') problems.push(`request off the machine: ${request.url()}`);
  });
  try {
    await page.goto(`${server.notebookUrl}?${new URLSearchParams({ alyx: '/alyx', eid })}`);
    await page.getByLabel('Username', { exact: true }).fill('test_user');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText('0 reason(s): none').waitFor({ timeout: 15_000 });
    await page.getByRole('checkbox', { name: 'raw trial data does not exist' }).check();
    await page.getByText('1 reason(s): raw trial data does not exist').waitFor();
    await page.getByRole('checkbox', { name: 'wheel data corrupt' }).check();
    await page.getByText('2 reason(s): raw trial data does not exist; wheel data corrupt').waitFor();

    await page.getByRole('button', { name: 'Sign off' }).click();
    await page.getByText(/Signed off as test_user/).waitFor({ timeout: 15_000 });
    const notes = await alyx.notesOf(eid);
    const choice = { reasons: ['raw trial data does not exist', 'wheel data corrupt'], other: null };
    assert.deepEqual(notes.map((note) => note.text), [signOffNoteText('_ephysChoiceWorld_00', signOffDateKey('test_user', new Date()), choice)]);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});
