/**
 * End to end in a real JupyterLab (from PyPI) on Debian's Chromium: the example notebook is run,
 * a reviewer ticks reasons and types an "Other" reason in the sign-off widget and submits,
 * confirms an overwrite in the critical-note widget, and saves the notebook with widget state.
 * What the development Alyx stored is checked byte for byte against the core's note text, and
 * the saved notebook must not hold the Alyx token.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import type { AlyxNote } from '../../js/core/alyx-types.ts';
import { NOTE_KINDS, type CriticalKind } from '../../js/core/note-kinds.ts';
import { criticalNoteText, localIsoDate, signOffDateKey, signOffNoteText, signOffTitle } from '../../js/core/note-text.ts';
import { AlyxFixture } from '../support/alyx-fixture.ts';
import { startJupyterLab, type RunningLab } from './jupyterlab.ts';

const REPO = path.resolve(import.meta.dirname, '..', '..');
const NOTEBOOK = path.join(REPO, 'examples', 'qc-demo.ipynb');
// Screenshots go to test-results/; with ALYX_QC_UPDATE_SCREENSHOTS=1, to the ones docs/ keeps.
const SCREENSHOTS = process.env['ALYX_QC_UPDATE_SCREENSHOTS'] === '1' ? path.join(REPO, 'docs', 'screenshots') : path.join(REPO, 'test-results', 'jupyter');
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

// The example notebook's seeded ids.
const EID = 'd9e994e1-c4aa-4d58-a958-c247286598f6';
/** A well-formed version-4 UUID that is no session in the seed. */
const MISSING_EID = '0b2fd9a3-1c5e-4f4e-9a56-1f2d3c4b5a69';
const PID = '9f7834cb-8a17-4681-a679-2909aeaaa688';
const USER = 'test_user';

const WIDGET_TIMEOUT_MS = 60_000;

let alyx: AlyxFixture;
let lab: RunningLab;
let browser: Browser;
let page: Page;
let alyxToken: string;
const pageErrors: string[] = [];

declare global {
  interface Window {
    jupyterapp: { commands: { execute(id: string, args?: unknown): Promise<unknown> }; shell: { currentWidget: unknown } };
  }
}

/** Runs one of JupyterLab's own commands (the menus call the same). */
function command(id: string, args?: unknown): Promise<unknown> {
  return page.evaluate(([name, options]) => window.jupyterapp.commands.execute(name as string, options), [id, args] as const);
}

function notesWithTitle(notes: readonly AlyxNote[], title: string): AlyxNote[] {
  return notes.filter((note) => note.text.includes(title));
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(folder, name))
    .filter((file) => statSync(file).isFile());
}

before(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  alyx = await AlyxFixture.start();
  alyxToken = await alyx.token(USER);
  lab = await startJupyterLab(NOTEBOOK, { ALYX_QC_DEMO_URL: alyx.baseUrl });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 1500 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text().includes('[alyx-qc]')) pageErrors.push(message.text());
  });
});

after(async () => {
  await browser?.close();
  await lab?.stop();
  await alyx?.stop();
});

test('the example notebook in JupyterLab: sign off, confirm an overwrite, save without the token', async (t) => {
  // Another reviewer's critical note on the insertion: submitting must ask before replacing it.
  const reviewer2 = await alyx.login('reviewer2');
  const insertionKind = NOTE_KINDS['critical-insertion'] as CriticalKind;
  const older = await reviewer2.request<AlyxNote>('POST', '/notes', {
    body: { user: 'reviewer2', content_type: 'probeinsertion', object_id: PID, text: criticalNoteText(insertionKind, { reasons: ['Drift'], other: null }) },
  });

  await t.test('opens and runs the notebook; the widgets load through the kernel', async () => {
    await page.goto(`${lab.url}/lab/tree/qc-demo.ipynb?token=${lab.token}`);
    await page.waitForFunction(
      () => (window.jupyterapp?.shell.currentWidget as { sessionContext?: { session?: { kernel?: { status: string } } } } | null)?.sessionContext?.session?.kernel?.status === 'idle',
      undefined,
      { timeout: WIDGET_TIMEOUT_MS },
    );
    // Opening it changes nothing: the kernel's language_info is already in the file.
    assert.equal(await page.evaluate(() => (window.jupyterapp.shell.currentWidget as { context: { model: { dirty: boolean } } }).context.model.dirty), false, 'the notebook shows as modified on opening');
    await command('notebook:run-all-cells');
    // Under Run All the read-back cell runs before the widgets wrote: it says to run it again.
    await readBackCell().locator('.jp-OutputArea-output').getByText('Not everything is written yet: run this cell again').waitFor({ timeout: WIDGET_TIMEOUT_MS });
    const task = taskPanel();
    await task.getByText('Not signed off yet.').waitFor({ timeout: WIDGET_TIMEOUT_MS });
    await criticalPanel().getByText('Existing critical note (1)').waitFor({ timeout: WIDGET_TIMEOUT_MS });
  });

  await t.test('a second view of the same widget shares its state, and goes away cleanly', async () => {
    // JupyterLab's "Create New View for Cell Output": render() runs again for the same model.
    await page.locator('.jp-CodeCell').filter({ hasText: 'signoff = SignOff(' }).locator('.jp-InputArea').click();
    await command('notebook:create-output-view');
    const view = page.locator('.jp-LinkedOutputView alyx-qc-signoff');
    await view.getByText('Not signed off yet.').waitFor({ timeout: WIDGET_TIMEOUT_MS });
    const reason = 'raw trial data does not exist';
    await view.getByRole('checkbox', { name: reason, exact: true }).check();
    await page.waitForFunction(
      (name) => [...document.querySelectorAll('.jp-Notebook alyx-qc-signoff')].some((panel) => (panel as unknown as { value: { reasons: string[] } }).value.reasons.includes(name)),
      reason,
    );
    assert.equal(await taskPanel().getByRole('checkbox', { name: reason, exact: true }).isChecked(), true);
    await view.getByRole('checkbox', { name: reason, exact: true }).uncheck();
    await page.waitForFunction((name) => ![...document.querySelectorAll('.jp-Notebook alyx-qc-signoff')].some((panel) => (panel as unknown as { value: { reasons: string[] } }).value.reasons.includes(name)), reason);
    await page.locator('.jp-LinkedOutputView').click();
    await command('application:close');
    await page.locator('.jp-LinkedOutputView').waitFor({ state: 'detached' });
    assert.equal(await page.locator('alyx-qc-signoff').filter({ hasText: '_ephysChoiceWorld_00' }).count(), 1);
  });

  const taskChoice = { reasons: ['wheel data corrupt', 'stimulus timings unreliable', 'Other'], other: 'wheel café jitters after "trial 12" \\ ✓' };

  await t.test('a reviewer ticks reasons, types an Other reason and signs off; another view of the widget shows it', async () => {
    // A second view open while the first one writes: it re-reads Alyx when `last_written` changes.
    await page.locator('.jp-CodeCell').filter({ hasText: 'signoff = SignOff(' }).locator('.jp-InputArea').click();
    await command('notebook:create-output-view');
    const view = page.locator('.jp-LinkedOutputView alyx-qc-signoff');
    await view.getByText('Not signed off yet.').waitFor({ timeout: WIDGET_TIMEOUT_MS });

    const task = taskPanel();
    for (const reason of taskChoice.reasons) await task.getByRole('checkbox', { name: reason, exact: true }).check();
    // Key by key, as a reviewer types (fill() sends no key presses, so it would miss shortcuts).
    await task.getByRole('textbox').click();
    await page.keyboard.type(taskChoice.other);
    await task.getByRole('button', { name: 'Sign off' }).click();
    await task.getByText(new RegExp(`Signed off as ${USER} on \\d{4}-\\d\\d-\\d\\d\\.`)).waitFor({ timeout: WIDGET_TIMEOUT_MS });

    await view.getByText(new RegExp(`Signed off by ${USER} on \\d{4}-\\d\\d-\\d\\d`)).waitFor({ timeout: WIDGET_TIMEOUT_MS });
    await view.getByText('Existing sign-off note (1)').waitFor();
    await page.locator('.jp-LinkedOutputView').click();
    await command('application:close');
    await page.locator('.jp-LinkedOutputView').waitFor({ state: 'detached' });
  });

  await t.test('Alyx holds exactly the note ibllib would write, and the checklist entry', async () => {
    const now = new Date();
    const notes = notesWithTitle(await alyx.notesOf(EID), signOffTitle('_ephysChoiceWorld_00'));
    assert.equal(notes.length, 1);
    assert.equal(notes[0]?.text, signOffNoteText('_ephysChoiceWorld_00', signOffDateKey(USER, now), taskChoice));
    assert.equal(notes[0]?.user, USER);
    const json = (await alyx.sessionJson(EID)) as { sign_off_checklist: Record<string, unknown>; some_other_key: unknown };
    assert.deepEqual(json.sign_off_checklist['_ephysChoiceWorld_00'], { date: localIsoDate(now), user: USER });
    // Every other key of the session's JSON is kept.
    assert.deepEqual(json.some_other_key, { extraction_version: '2.1.0', values: [1, 2.5, null, 'café'], flag: true });
    assert.equal(json.sign_off_checklist['_neuropixel_raw_probe00'], null);
  });

  await t.test('the sign-off submitted from Python (submit(nums="2")) was written the same way', async () => {
    const now = new Date();
    const passive = NOTE_KINDS['signoff-passive'];
    const notes = notesWithTitle(await alyx.notesOf(EID), signOffTitle('_passiveChoiceWorld_00'));
    assert.equal(notes.length, 1);
    assert.equal(notes[0]?.text, signOffNoteText('_passiveChoiceWorld_00', signOffDateKey(USER, now), { reasons: [passive.reasons[2] as string], other: null }));
    const json = (await alyx.sessionJson(EID)) as { sign_off_checklist: Record<string, unknown> };
    assert.deepEqual(json.sign_off_checklist['_passiveChoiceWorld_00'], { date: localIsoDate(now), user: USER });
  });

  const criticalChoice = { reasons: ['Drift', 'Other'], other: 'probe moved 200 µm' };

  await t.test('marking the insertion as critical asks to replace the older note; confirming does', async () => {
    const critical = criticalPanel();
    for (const reason of criticalChoice.reasons) await critical.getByRole('checkbox', { name: reason, exact: true }).check();
    await critical.getByRole('textbox').click();
    await page.keyboard.type(criticalChoice.other);
    await critical.getByRole('button', { name: 'Mark as critical' }).click();
    const dialog = critical.getByRole('dialog', { name: 'Replace 1 existing note?' });
    await dialog.waitFor();
    // The dialog is modal, centred over the whole page: keep the page.
    await critical.evaluate((element) => element.scrollIntoView({ block: 'center' }));
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'jupyterlab-critical-overwrite.png'), clip: { x: 0, y: 0, width: 1280, height: 1100 } });
    await dialog.getByRole('button', { name: 'Replace note' }).click();
    await critical.getByText(/Marked as critical: note [0-9a-f-]{36} written, 1 older note deleted\./).waitFor({ timeout: WIDGET_TIMEOUT_MS });

    const notes = await alyx.notesOf(PID);
    assert.equal(notes.length, 1);
    assert.notEqual(notes[0]?.id, older.id);
    assert.equal(notes[0]?.text, criticalNoteText(insertionKind, criticalChoice));
    assert.equal(notes[0]?.user, USER);
  });

  await t.test('Python reads back what the widgets wrote (traits synced from the front end)', async () => {
    // Run the read-back cells: the first prints each widget's status and last written text.
    const readBack = readBackCell();
    await readBack.click();
    await command('notebook:run-all-below');
    const output = readBack.locator('.jp-OutputArea-output');
    await output.getByText('critical note: written').waitFor({ timeout: WIDGET_TIMEOUT_MS });
    const printed = await output.innerText();
    const [taskNote] = notesWithTitle(await alyx.notesOf(EID), signOffTitle('_ephysChoiceWorld_00'));
    assert.ok(printed.includes(`task sign-off: written ${taskNote?.text}`), printed);
    assert.ok(printed.includes('passive sign-off: written {"title": "=== SIGN-OFF NOTE FOR _passiveChoiceWorld_00 ==="'), printed);
    assert.ok(printed.includes(`critical note: written ${criticalNoteText(insertionKind, criticalChoice)}`), printed);
  });

  await t.test('a mistake says what to fix, in the cell: in the widget, or at once from Python', async () => {
    // A well-formed eid that Alyx does not have: only the front end, asking Alyx, can tell.
    await page.locator('.jp-CodeCell').last().locator('.jp-InputArea').click();
    await command('notebook:insert-cell-below');
    await page.keyboard.type(`oops = SignOff("${MISSING_EID}", key="_ephysChoiceWorld_00", kind="task", alyx=alyx); oops`);
    await command('notebook:run-cell');
    const frame = page.locator('.jp-CodeCell').last().locator('alyx-qc-widget-frame');
    await frame.getByRole('alert').getByText('failed with 404').waitFor({ timeout: WIDGET_TIMEOUT_MS });
    await frame.getByRole('alert').getByText('Check the UUID and the Alyx base URL.').waitFor();
    await frame.getByRole('button', { name: 'Retry' }).waitFor();

    // A kind that does not exist is refused by the constructor, before any request.
    await page.locator('.jp-CodeCell').last().locator('.jp-InputArea').click();
    await command('notebook:insert-cell-below');
    await page.keyboard.type('SignOff(eid, key="_ephysChoiceWorld_00", kind="tsk", alyx=alyx)');
    await command('notebook:run-cell');
    await page.locator('.jp-CodeCell').last().getByText('Unknown sign-off kind "tsk". Use one of: task').waitFor({ timeout: WIDGET_TIMEOUT_MS });
  });

  await t.test('a screenshot of the sign-off widget under the plot', async () => {
    await screenshot('jupyterlab-signoff.png', taskPanel(), page.locator('.jp-OutputArea-output').filter({ has: page.locator('img') }));
  });

  await t.test('the notebook saved with widget state holds no token', async () => {
    await command('docmanager:save');
    const file = path.join(lab.root, 'qc-demo.ipynb');
    let saved = '';
    for (let attempt = 0; attempt < 100 && !saved.includes('application/vnd.jupyter.widget-state+json'); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      saved = readFileSync(file, 'utf8');
    }
    const state = (JSON.parse(saved) as { metadata: { widgets: Record<string, { state: Record<string, { state: Record<string, unknown> }> }> } }).metadata.widgets['application/vnd.jupyter.widget-state+json']?.state ?? {};
    const ours = Object.values(state).filter((model) => String(model.state['_anywidget_id']).startsWith('alyx_qc.'));
    assert.equal(ours.length, 4, 'the four widgets are saved with their state');
    assert.ok(ours.some((model) => model.state['status'] === 'failed' && String(model.state['error']).includes('failed with 404')));
    assert.ok(ours.some((model) => model.state['status'] === 'written' && JSON.stringify(model.state['selected']) === JSON.stringify(taskChoice.reasons)));
    // The kernel really used this token (ONE cached it in the kernel's HOME), and it is nowhere in the file.
    assert.ok(filesUnder(lab.home).some((name) => readFileSync(name, 'utf8').includes(alyxToken)), 'the kernel logged in with the token looked for');
    assert.ok(!saved.includes(alyxToken), 'the Alyx token is in the saved notebook');
  });

  await t.test('no errors in the page but the one made on purpose, also in the console', () => {
    const unexpected = pageErrors.filter((message) => !message.startsWith('[alyx-qc] loading the widget failed: AlyxNotFoundError'));
    assert.deepEqual(unexpected, []);
    assert.equal(pageErrors.length, 1);
  });
});

function readBackCell(): Locator {
  return page.locator('.jp-CodeCell').filter({ hasText: 'widgets = {"task sign-off"' });
}

function taskPanel(): Locator {
  return page.locator('.jp-Notebook alyx-qc-signoff').filter({ hasText: '_ephysChoiceWorld_00' });
}

function criticalPanel(): Locator {
  return page.locator('.jp-Notebook alyx-qc-critical-note');
}

/** Scrolls `from` (or `target`) to the top and keeps the part of the page from it to the end of `target`. */
async function screenshot(name: string, target: Locator, from: Locator = target): Promise<void> {
  await from.evaluate((element) => element.scrollIntoView({ block: 'start' }));
  await page.waitForTimeout(300);
  const top = await from.boundingBox();
  const bottom = await target.boundingBox();
  const notebook = await page.locator('.jp-NotebookPanel').boundingBox();
  assert.ok(top && bottom && notebook);
  const y = Math.max(notebook.y, top.y - 8);
  await page.screenshot({
    path: path.join(SCREENSHOTS, name),
    clip: { x: notebook.x, y, width: notebook.width, height: Math.min(notebook.y + notebook.height, bottom.y + bottom.height + 8) - y },
  });
}
