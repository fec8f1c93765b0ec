/**
 * The example notebook (examples/observable) run by Observable's runtime in Debian's Chromium,
 * against the development Alyx: what a reviewer does and sees, and what Alyx stores.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startNotebookServer, type NotebookServer } from '../../examples/observable/server.ts';
import { signOffDateKey, signOffNoteText } from '../../js/core/note-text.ts';
import { AlyxFixture, PASSWORD, seed } from '../support/alyx-fixture.ts';
import { ensureBuilt } from './support/build.ts';
import { launchChromium } from './support/chromium.ts';

const KEY = '_ephysChoiceWorld_00';

let server: NotebookServer;
let withCors: AlyxFixture;
let withoutCors: AlyxFixture;
let browser: Browser;

before(async () => {
  ensureBuilt();
  server = await startNotebookServer();
  [withCors, withoutCors, browser] = await Promise.all([
    AlyxFixture.start({ corsOrigins: [server.origin] }),
    AlyxFixture.start(),
    launchChromium(),
  ]);
  // The same-origin proxy at /alyx leads to the Alyx that sends no CORS headers.
  server.alyxTarget = withoutCors.baseUrl;
});

after(async () => {
  await browser?.close();
  await Promise.all([withCors?.stop(), withoutCors?.stop(), server?.stop()]);
});

/** A page of its own (fresh localStorage), failing the test on any script error or off-machine request. */
async function openNotebook(query: Record<string, string>): Promise<{ page: Page; context: BrowserContext; problems: string[] }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.hostname !== '127.0.0.1') problems.push(`request off the machine: ${request.url()}`);
  });
  await page.goto(`${server.notebookUrl}?${new URLSearchParams(query)}`);
  return { page, context, problems };
}

async function logIn(page: Page, options: { remember?: boolean } = {}): Promise<void> {
  await page.getByLabel('Username', { exact: true }).fill('test_user');
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  if (options.remember) await page.getByLabel(/Remember me on this device/).check();
  await page.getByRole('button', { name: 'Log in' }).click();
}

/** A cell's rendered output, as the Inspector shows it. */
function cell(page: Page, name: string) {
  return page.locator(`[data-cell="${name}"]`);
}

/** A cell's current value, read from the runtime. */
function cellValue(page: Page, name: string): Promise<unknown> {
  return page.evaluate((variable) => (window as unknown as { notebook: { value(name: string): Promise<unknown> } }).notebook.value(variable), name);
}

async function waitForText(page: Page, name: string, text: string | RegExp): Promise<void> {
  await cell(page, name).filter({ hasText: text }).waitFor({ timeout: 10_000 });
}

describe('the example notebook with an Alyx that allows its origin', () => {
  test('viewof follows the clicks, a dependent cell re-runs, and Sign off writes the note', async () => {
    const eid = await withCors.newSession();
    const { page, context, problems } = await openNotebook({ alyx: withCors.baseUrl, eid });
    try {
      await logIn(page);
      await waitForText(page, 'summary', '0 reason(s): none');
      assert.deepEqual(await cellValue(page, 'signoff'), { reasons: [], other: null });
      // Logged in without "Remember me": the token is in memory only.
      assert.equal(await page.evaluate(() => localStorage.length), 0);

      await page.getByRole('checkbox', { name: 'wheel data corrupt' }).check();
      await waitForText(page, 'summary', '1 reason(s): wheel data corrupt');
      assert.deepEqual(await cellValue(page, 'signoff'), { reasons: ['wheel data corrupt'], other: null });

      await page.getByRole('checkbox', { name: 'stimulus timings unreliable' }).check();
      await waitForText(page, 'summary', '2 reason(s): wheel data corrupt; stimulus timings unreliable');
      await page.getByRole('checkbox', { name: 'wheel data corrupt' }).uncheck();
      await waitForText(page, 'summary', '1 reason(s): stimulus timings unreliable');
      const choice = { reasons: ['stimulus timings unreliable'], other: null };
      assert.deepEqual(await cellValue(page, 'signoff'), choice);
      assert.deepEqual(await withCors.notesOf(eid), [], 'nothing is written before Sign off');

      await page.getByRole('button', { name: 'Sign off' }).click();
      await page.getByText(/Signed off as test_user/).waitFor({ timeout: 15_000 });
      const notes = await withCors.notesOf(eid);
      assert.equal(notes.length, 1);
      assert.equal(notes[0]?.user, 'test_user');
      assert.equal(notes[0]?.text, signOffNoteText(KEY, signOffDateKey('test_user', new Date()), choice));
      const json = (await withCors.sessionJson(eid)) as { sign_off_checklist: Record<string, unknown> };
      assert.deepEqual(json.sign_off_checklist[KEY], { date: signOffDateKey('test_user', new Date()).slice(0, 10), user: 'test_user' });
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('"Remember me" keeps the token in localStorage, says so, and Log out forgets it', async () => {
    const eid = await withCors.newSession();
    const { page, context, problems } = await openNotebook({ alyx: withCors.baseUrl, eid });
    try {
      await logIn(page, { remember: true });
      await page.getByText(/saved in this browser\u2019s localStorage/).waitFor();
      const stored = await page.evaluate(() => Object.keys(localStorage));
      assert.deepEqual(stored, [`alyx-qc:token:${withCors.baseUrl}`]);
      assert.ok(!(await page.evaluate(() => JSON.stringify(localStorage))).includes(PASSWORD), 'never the password');

      await page.reload();
      // Restored without a login: the sign-off input loads straight away.
      await waitForText(page, 'summary', '0 reason(s): none');
      await page.getByRole('button', { name: /Log out and forget the saved token/ }).click();
      assert.equal(await page.evaluate(() => localStorage.length), 0);
      await page.getByLabel('Username', { exact: true }).waitFor();
      assert.deepEqual(problems.filter((problem) => !problem.includes('"alyx" option is missing')), []);
    } finally {
      await context.close();
    }
  });
});

describe('an Alyx that sends no CORS headers (a stock Alyx)', () => {
  test('the failed fetch is explained as CORS, naming the origin to allow', async () => {
    const { page, context } = await openNotebook({ alyx: withoutCors.baseUrl, eid: seed.sessions[0]?.id ?? '' });
    try {
      await logIn(page);
      const alert = page.getByRole('alert');
      await alert.waitFor({ timeout: 10_000 });
      const message = await alert.innerText();
      assert.match(message, /CORS/);
      assert.ok(message.includes(`allow "${server.origin}"`), message);
      assert.match(message, /CORS_ALLOWED_ORIGINS/);
      assert.match(message, /same-origin|own origin/);
      assert.doesNotMatch(message, /^\s*(TypeError: )?Failed to fetch\s*$/);
    } finally {
      await context.close();
    }
  });

  test('a base URL pointing at a same-origin proxy works instead', async () => {
    const eid = await withoutCors.newSession();
    const { page, context, problems } = await openNotebook({ alyx: '/alyx', eid });
    try {
      await logIn(page);
      await page.getByRole('checkbox', { name: 'task data could not be synced' }).check();
      await waitForText(page, 'summary', '1 reason(s): task data could not be synced');
      await page.getByRole('button', { name: 'Sign off' }).click();
      await page.getByText(/Signed off as test_user/).waitFor({ timeout: 15_000 });
      const notes = await withoutCors.notesOf(eid);
      assert.equal(notes.length, 1);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('a server that does not answer at all is not called a CORS problem', async () => {
    const { page, context } = await openNotebook({ alyx: 'http://127.0.0.1:9', eid: seed.sessions[0]?.id ?? '' });
    try {
      await logIn(page);
      const alert = page.getByRole('alert');
      await alert.waitFor({ timeout: 15_000 });
      const message = await alert.innerText();
      assert.match(message, /did not answer at all/);
      assert.doesNotMatch(message, /CORS/);
    } finally {
      await context.close();
    }
  });
});

test('importing the bundle twice (two URLs) registers each element once, without errors', async () => {
  const { page, context, problems } = await openNotebook({ alyx: '/alyx' });
  try {
    await page.getByLabel('Username', { exact: true }).waitFor();
    // A string, not a function: tsx's helpers (`__name`) do not exist in the page.
    const result = await page.evaluate(`(async () => {
      const tags = ['alyx-qc-signoff', 'alyx-qc-critical-note', 'alyx-qc-reason-checklist', 'alyx-qc-login', 'alyx-qc-input-loader'];
      const before = tags.map((tag) => customElements.get(tag));
      // Two URLs are two module instances, each running its registrations (Lit included).
      const first = await import('/dist/observable/index.js?copy=1');
      const second = await import('/dist/observable/index.js?copy=2');
      const form = second.loginForm({ baseUrl: '/alyx' });
      return {
        distinctModules: first.signOffInput !== second.signOffInput,
        allDefinedBefore: before.every(Boolean),
        unchanged: tags.every((tag, index) => customElements.get(tag) === before[index]),
        formIsRegisteredClass: form instanceof customElements.get('alyx-qc-login'),
      };
    })()`);
    assert.deepEqual(result, { distinctModules: true, allDefinedBefore: true, unchanged: true, formIsRegisteredClass: true });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
