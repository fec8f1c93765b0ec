/**
 * The review queue end to end in a real JupyterLab and Notebook 7 on Debian's Chromium: the example notebook
 * with 20 sessions and its plot callback, reviewed with the keyboard only; a kernel restart
 * mid-queue, the cell run again, and the review resumed at the first due session. What the
 * development Alyx stored is checked against the core's note text, and the saved notebook holds
 * neither the token nor per-session state.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import type { AlyxSession } from '../../js/core/alyx-types.ts';
import { parseFigureNote } from '../../js/core/figure-note.ts';
import { localIsoDate, signOffDateKey, signOffNoteText, signOffTitle } from '../../js/core/note-text.ts';
import { AlyxFixture, seed } from '../support/alyx-fixture.ts';
import { startHost } from '../hosts/start-host.ts';
import { startJupyterLab } from './jupyterlab.ts';

const REPO = path.resolve(import.meta.dirname, '..', '..');
const NOTEBOOK = path.join(REPO, 'examples', 'review-queue.ipynb');
const SCREENSHOTS = process.env['ALYX_QC_UPDATE_SCREENSHOTS'] === '1' ? path.join(REPO, 'docs', 'screenshots') : path.join(REPO, 'test-results', 'jupyter');
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
const KEY = '_ephysChoiceWorld_00';
const USER = 'test_user';
const COUNT = 20;
const TIMEOUT_MS = 60_000;

/** A notebook server with the example in its folder. */
interface Host {
  readonly root: string;
  readonly pageUrl: string;
  stop(): Promise<void>;
}

/** JupyterLab through the suite's own helper; Notebook 7 through the host suite's. */
async function startNotebookHost(name: 'lab' | 'notebook', env: Record<string, string>): Promise<Host> {
  if (name === 'lab') {
    const lab = await startJupyterLab(NOTEBOOK, env);
    return { root: lab.root, pageUrl: `${lab.url}/lab/tree/review-queue.ipynb?token=${lab.token}`, stop: () => lab.stop() };
  }
  const host = await startHost('notebook', { 'review-queue.ipynb': readFileSync(NOTEBOOK, 'utf8') }, env);
  return { root: host.root, pageUrl: host.pageUrl('review-queue.ipynb'), stop: () => host.stop() };
}

let alyx: AlyxFixture;
let browser: Browser;
let page: Page;
let alyxToken: string;
/** The queue's sessions, in the notebook's order (sorted eids). */
let eids: string[];
let pageErrors: string[] = [];

declare global {
  interface Window {
    jupyterapp: { commands: { execute(id: string, args?: unknown): Promise<unknown> }; shell: { currentWidget: unknown } };
  }
}

type KernelHolder = { sessionContext?: { session?: { kernel?: { status: string; restart(): Promise<void> } } } } | null;

function command(id: string, args?: unknown): Promise<unknown> {
  return page.evaluate(([name, options]) => window.jupyterapp.commands.execute(name as string, options), [id, args] as const);
}

async function kernelIdle(): Promise<void> {
  await page.waitForFunction(() => (window.jupyterapp?.shell.currentWidget as KernelHolder)?.sessionContext?.session?.kernel?.status === 'idle', undefined, { timeout: TIMEOUT_MS });
}

function queue(): Locator {
  return page.locator('.jp-Notebook alyx-qc-review-queue');
}

async function waitForProgress(text: string): Promise<void> {
  await queue().locator('.progress-text').getByText(text, { exact: true }).waitFor({ timeout: TIMEOUT_MS });
}

/** The number (`#n`) of the session shown. */
async function current(): Promise<string> {
  return (await queue().locator('.detail h3').innerText()).match(/#(\d+)/)?.[1] ?? '?';
}

async function key(name: string): Promise<void> {
  await page.keyboard.press(name);
}

before(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  alyx = await AlyxFixture.start();
  alyxToken = await alyx.token(USER);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
});

after(async () => {
  await browser?.close();
  await alyx?.stop();
});

/** `COUNT` fresh sessions on `day`, the key due: the queue's, found by the notebook's filter. */
async function sessionsOn(day: string): Promise<string[]> {
  const admin = await alyx.inspector();
  const created: string[] = [];
  for (let number = 1; number <= COUNT; number++) {
    const record = await admin.request<AlyxSession>('POST', '/sessions', {
      body: { subject: seed.subjects[number % seed.subjects.length]!.nickname, number, start_time: `${day}T${String(8 + (number % 10)).padStart(2, '0')}:00:00`, task_protocol: '_iblrig_tasks_ephysChoiceWorld6.6.2', json: { sign_off_checklist: { [KEY]: null }, kept: { a: 1 } } },
    });
    created.push(record.id);
  }
  return created.sort();
}

/** The number of the session with `eid`, as the list shows it. */
async function numberOf(eid: string): Promise<number> {
  const record = await (await alyx.inspector()).request<AlyxSession>('GET', `/sessions/${eid}`);
  return record.number!;
}

for (const [name, title, day] of [['lab', 'JupyterLab', '2030-02-03'], ['notebook', 'Notebook 7', '2030-02-04']] as const) {
  test(`the review queue in ${title}: 20 sessions, keyboard only, a kernel restart and resume`, async (t) => {
    const choices = new Map<string, { reasons: string[]; other: string | null } | null>();
    eids = await sessionsOn(day);
    const host = await startNotebookHost(name, { ALYX_QC_DEMO_URL: alyx.baseUrl, ALYX_QC_QUEUE_FILTER: `start_time__date,${day}` });
    t.after(() => host.stop());
    pageErrors = [];
    page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    t.after(() => page.close());
    page.on('pageerror', (error) => pageErrors.push(`${error.message} ${error.stack ?? ''}`.trim()));
    page.on('console', (message) => {
      if (message.type() === 'error' && message.text().includes('[alyx-qc]')) pageErrors.push(message.text());
    });

    await t.test('runs the notebook: the queue loads 20 sessions and the first plot', async () => {
      await page.goto(host.pageUrl);
      await kernelIdle();
      await command('notebook:run-all-cells');
      await waitForProgress(`0 of ${COUNT} signed off \u00b7 0 with reasons`);
      const image = queue().locator('.plot img');
      await image.waitFor({ timeout: TIMEOUT_MS });
      await page.waitForFunction((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 100, await image.elementHandle());
      assert.equal(await queue().locator('ol button').count(), COUNT);
    });

    await t.test('keyboard only: three sessions signed off, each Enter moving on at once', async () => {
      await queue().locator('.queue > header > h2').click();
      // Fine (no reasons): the checklist only.
      choices.set(eids[0]!, null);
      await key('Enter');
      await page.waitForFunction(() => /#/.test(document.querySelector('.jp-Notebook alyx-qc-review-queue')?.shadowRoot?.querySelector('.detail h3')?.textContent ?? ''));
      // Reason 1, then Enter.
      choices.set(eids[1]!, { reasons: ['wheel data corrupt'], other: null });
      await key('1');
      await key('Enter');
      // Other, typed key by key, Escape back to the queue, Enter.
      choices.set(eids[2]!, { reasons: ['Other'], other: 'stim froze, trial 12' });
      await key('o');
      await page.keyboard.type('stim froze, trial 12');
      await key('Escape');
      await key('Enter');
      await waitForProgress(`3 of ${COUNT} signed off \u00b7 2 with reasons`);
      assert.equal(await current(), String(await numberOf(eids[3]!)), 'the fourth session is shown');
      await queue().locator('.plot img').waitFor({ timeout: TIMEOUT_MS });
    });

    await t.test('Alyx holds exactly what ibllib would write, every other key of the json kept', async () => {
      const now = new Date();
      for (const [eid, choice] of choices) {
        const notes = (await alyx.notesOf(eid)).filter((note) => note.text.includes(signOffTitle(KEY)));
        if (choice === null) assert.equal(notes.length, 0, 'fine: no note');
        else assert.deepEqual(notes.map((note) => note.text), [signOffNoteText(KEY, signOffDateKey(USER, now), choice)]);
        const json = (await alyx.sessionJson(eid)) as { sign_off_checklist: Record<string, unknown>; kept: unknown };
        assert.deepEqual(json.sign_off_checklist[KEY], { date: localIsoDate(now), user: USER });
        assert.deepEqual(json.kept, { a: 1 });
      }
    });

    await t.test('each sign-off from the queue has the plot the kernel rendered as its figure, written once', async () => {
      const entry = signOffDateKey(USER, new Date());
      for (const eid of choices.keys()) {
        const figures = (await alyx.notesOf(eid)).filter((note) => parseFigureNote(note.text) !== null);
        assert.equal(figures.length, 1, `one figure note on ${eid}`);
        const [figure] = figures;
        assert.deepEqual(parseFigureNote(figure!.text)?.verdict, { signOffKey: KEY, entry });
        // Read back with the token (Alyx serves no /uploaded/ file without one): the kernel's PNG, byte for byte.
        const image = Buffer.from(await (await fetch(figure!.image ?? '', { headers: { authorization: `Token ${alyxToken}` } })).arrayBuffer());
        assert.equal(image.subarray(0, 4).toString('latin1'), '\x89PNG');
        assert.equal(createHash('sha256').update(image).digest('hex'), parseFigureNote(figure!.text)?.sha256);
      }
    });

    await t.test('Python reads the statuses', async () => {
      const cell = page.locator('.jp-CodeCell').filter({ hasText: 'queue.summary()' });
      await cell.locator('.jp-InputArea').click();
      await command('notebook:run-cell');
      await cell.locator('.jp-OutputArea-output').getByText(`3 of ${COUNT} signed off \u00b7 2 with reasons`).waitFor({ timeout: TIMEOUT_MS });
    });

    await t.test('a kernel restart mid-queue, the cells run again: done sessions show as done, the review resumes at the first due one', async () => {
      await page.evaluate(() => (window.jupyterapp.shell.currentWidget as KernelHolder)?.sessionContext?.session?.kernel?.restart());
      await kernelIdle();
      await command('notebook:run-all-cells');
      await waitForProgress(`3 of ${COUNT} signed off \u00b7 2 with reasons`);
      assert.equal(await current(), String(await numberOf(eids[3]!)), 'resumed at the first due session');
      const rows = queue().locator('ol button');
      assert.match(await rows.nth(1).innerText(), new RegExp(`signed off by ${USER} on ${localIsoDate(new Date())} \\(1 reason\\)`));
      await queue().locator('.queue > header > h2').click();
      await key('0');
      await key('Enter');
      await key('s');
      await key('Enter');
      await waitForProgress(`5 of ${COUNT} signed off \u00b7 3 with reasons`);
      const skipped = (await alyx.sessionJson(eids[4]!)) as { sign_off_checklist: Record<string, unknown> };
      assert.equal(skipped.sign_off_checklist[KEY], null, 's skipped the fifth session');
    });

    if (name === 'lab') await t.test('screenshots of the queue, light and dark', async () => {
      await queue().evaluate((element) => element.scrollIntoView({ block: 'start' }));
      await page.waitForTimeout(300);
      await queue().screenshot({ path: path.join(SCREENSHOTS, 'queue-light.png') });
      await command('apputils:change-theme', { theme: 'JupyterLab Dark' });
      await page.waitForFunction(() => document.body.dataset['jpThemeLight'] === 'false');
      await page.waitForTimeout(500);
      await queue().screenshot({ path: path.join(SCREENSHOTS, 'queue-dark.png') });
      await command('apputils:change-theme', { theme: 'JupyterLab Light' });
    });

    await t.test('the saved notebook holds no token and no per-session state', async () => {
      await command('docmanager:save');
      const file = path.join(host.root, 'review-queue.ipynb');
      let saved = '';
      for (let attempt = 0; attempt < 100 && !saved.includes('application/vnd.jupyter.widget-state+json'); attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        saved = readFileSync(file, 'utf8');
      }
      assert.ok(!saved.includes(alyxToken), 'the Alyx token is in the saved notebook');
      const state = (JSON.parse(saved) as { metadata: { widgets: Record<string, { state: Record<string, { state: Record<string, unknown> }> }> } }).metadata.widgets['application/vnd.jupyter.widget-state+json']?.state ?? {};
      const [model] = Object.values(state).filter((entry) => String(entry.state['_anywidget_id']).startsWith('alyx_qc.'));
      assert.ok(model, 'the queue is saved');
      const { _esm: _bundle, eids: savedEids, ...rest } = model.state;
      assert.deepEqual(savedEids, eids);
      // Whatever was reviewed, only fixed fields: no statuses, plots or choices.
      assert.ok(JSON.stringify(rest).length < 1500, `the saved state is small: ${JSON.stringify(rest)}`);
      assert.ok(!JSON.stringify(rest).includes('stim froze'), 'no choice in the saved state');
    });

    await t.test('no errors in the page (but those thrown inside Notebook 7\u2019s own bundle)', () => {
      // Notebook 7 4.x throws "Cannot read properties of undefined (reading 'schema')" from its
      // notebook_core bundle in this run (a host bug, not ours: no alyx-qc frame in its stack).
      const firstFrame = (message: string): string => message.split('\n').find((line) => line.trim().startsWith('at ')) ?? '';
      const ours = pageErrors.filter((message) => !/\/static\/notebook\/notebook_core\.[0-9a-f]+\.js/.test(firstFrame(message)));
      assert.deepEqual(ours, []);
    });
  });
}
