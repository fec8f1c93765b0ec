/**
 * Issue 16 end to end in a real JupyterLab: a matplotlib figure given to `SignOff(..., figure=fig)`
 * is shown as a thumbnail with "Attach this figure to the note" ticked; the reviewer signs off, and
 * the development Alyx holds the sign-off and a figure note naming it, whose image is byte for byte
 * the PNG the kernel rendered (its SHA-256 is in the note's text and in the widget's trait).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { FIGURE_TITLE, figureNoteText } from '../../js/core/figure-note.ts';
import { signOffDateKey, signOffTitle } from '../../js/core/note-text.ts';
import { AlyxFixture } from '../support/alyx-fixture.ts';
import { startJupyterLab, type RunningLab } from './jupyterlab.ts';

const REPO = path.resolve(import.meta.dirname, '..', '..');
const SCREENSHOTS = process.env['ALYX_QC_UPDATE_SCREENSHOTS'] === '1' ? path.join(REPO, 'docs', 'screenshots') : path.join(REPO, 'test-results', 'jupyter');
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
const KEY = '_ephysChoiceWorld_00';
const USER = 'test_user';
const TIMEOUT_MS = 60_000;

let alyx: AlyxFixture;
let lab: RunningLab;
let browser: Browser;
let page: Page;
let eid: string;
const pageErrors: string[] = [];

/** A notebook of three cells: a matplotlib plot, the sign-off widget given that figure, a read-back. */
function figureNotebook(): string {
  const cell = (source: string): unknown => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source });
  const notebook = {
    cells: [
      cell([
        'import os',
        'import matplotlib.pyplot as plt',
        'import numpy as np',
        'from alyx_qc import SignOff',
        't = np.linspace(-0.5, 1.5, 200)',
        'fig, ax = plt.subplots(figsize=(6, 2.5), dpi=80)',
        'ax.plot(t, np.clip(t - 0.3, 0, None) * 4)',
        'ax.set(title="Wheel speed around stimulus onset", xlabel="time (s)")',
      ].join('\n')),
      cell([
        'signoff = SignOff(os.environ["ALYX_QC_EID"], key="_ephysChoiceWorld_00", kind="task", base_url=os.environ["ALYX_QC_URL"],',
        '                  token=os.environ["ALYX_QC_TOKEN"], username="test_user", figure=fig)',
        'signoff',
      ].join('\n')),
      cell('print("figure sha256:", signoff.figure["sha256"])'),
    ],
    metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  const folder = mkdtempSync(path.join(tmpdir(), 'alyx-qc-figure-'));
  const file = path.join(folder, 'figure.ipynb');
  writeFileSync(file, JSON.stringify(notebook));
  return file;
}

function command(id: string): Promise<unknown> {
  return page.evaluate((name) => (window as unknown as { jupyterapp: { commands: { execute(id: string): Promise<unknown> } } }).jupyterapp.commands.execute(name), id);
}

function panel(): Locator {
  return page.locator('.jp-Notebook alyx-qc-signoff');
}

before(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  alyx = await AlyxFixture.start();
  eid = await alyx.newSession();
  lab = await startJupyterLab(figureNotebook(), { ALYX_QC_URL: alyx.baseUrl, ALYX_QC_TOKEN: await alyx.token(USER), ALYX_QC_EID: eid });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  page = await browser.newPage({ viewport: { width: 1100, height: 1300 } });
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

test('a matplotlib figure attached to a sign-off in JupyterLab', async (t) => {
  await t.test('the widget shows the figure as a thumbnail, "Attach this figure to the note" ticked', async () => {
    await page.goto(`${lab.url}/lab/tree/figure.ipynb?token=${lab.token}`);
    await page.waitForFunction(
      () => ((window as unknown as { jupyterapp?: { shell: { currentWidget: unknown } } }).jupyterapp?.shell.currentWidget as { sessionContext?: { session?: { kernel?: { status: string } } } } | null)?.sessionContext?.session?.kernel?.status === 'idle',
      undefined,
      { timeout: TIMEOUT_MS },
    );
    await command('notebook:run-all-cells');
    await panel().getByText('Not signed off yet.').waitFor({ timeout: TIMEOUT_MS });
    const thumbnail = panel().locator('alyx-qc-figure-thumbnail');
    await thumbnail.getByRole('img', { name: 'The figure you judged' }).waitFor();
    await page.waitForFunction(() => {
      const host = document.querySelector('.jp-Notebook alyx-qc-signoff')?.shadowRoot?.querySelector('alyx-qc-figure-thumbnail');
      const img = host?.shadowRoot?.querySelector('img');
      return !!img && img.complete && img.naturalWidth > 0;
    });
    assert.equal(await thumbnail.getByRole('checkbox', { name: 'Attach this figure to the note' }).isChecked(), true);
    await thumbnail.getByText(/^PNG, [\d.]+ KB$/).waitFor();
  });

  await t.test('signing off writes the verdict and the figure note naming it', async () => {
    await panel().getByRole('checkbox', { name: 'wheel data corrupt', exact: true }).check();
    await panel().getByRole('button', { name: 'Sign off' }).click();
    await panel().getByText(/Figure note [0-9a-f-]{36} attached\./).waitFor({ timeout: TIMEOUT_MS });
    // The plot, and under it the panel with the figure's thumbnail and what was written.
    const plot = page.locator('.jp-OutputArea-output img').first();
    await plot.scrollIntoViewIfNeeded();
    await plot.evaluate((element) => element.scrollIntoView({ block: 'start' }));
    const [top, bottom] = [await plot.boundingBox(), await panel().boundingBox()];
    if (top && bottom) {
      const y = Math.max(0, top.y - 8);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'jupyterlab-figure.png'), clip: { x: bottom.x - 8, y, width: bottom.width + 16, height: Math.min(1300 - y, bottom.y + bottom.height - y + 8) } });
    }
  });

  await t.test('Alyx holds the figure byte for byte as the kernel rendered it', async () => {
    const readBack = page.locator('.jp-CodeCell').filter({ hasText: 'print("figure sha256:"' }).locator('.jp-OutputArea-output');
    const sha256 = /figure sha256: ([0-9a-f]{64})/.exec(await readBack.innerText())?.[1] ?? '';
    assert.match(sha256, /^[0-9a-f]{64}$/);
    const notes = await alyx.notesOf(eid);
    const figures = notes.filter((note) => note.text.includes(FIGURE_TITLE));
    assert.equal(figures.length, 1);
    assert.equal(figures[0]?.text, figureNoteText({ signOffKey: KEY, entry: signOffDateKey(USER, new Date()) }, sha256));
    const image = await fetch(figures[0]?.image ?? '', { headers: { authorization: `Token ${await alyx.token(USER)}` } });
    const bytes = new Uint8Array(await image.arrayBuffer());
    assert.deepEqual([...bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    assert.equal(createHash('sha256').update(bytes).digest('hex'), sha256);
    assert.equal(notes.filter((note) => note.text.includes(signOffTitle(KEY))).length, 1, 'one sign-off note');
    assert.ok(!figures[0]?.text.includes(signOffTitle(KEY)));
    // Python reads which figure note was written: its traits change once the sign-off's read-back
    // has ended (the panel said "attached" before it, while "Checking…").
    await panel().getByText('Checking…').waitFor({ state: 'detached', timeout: TIMEOUT_MS });
    await page.locator('.jp-CodeCell').last().locator('.jp-InputArea').click();
    await command('notebook:insert-cell-below');
    await page.keyboard.type('print("figure note:", signoff.last_written["figure_note_id"])');
    await command('notebook:run-cell');
    await page.locator('.jp-CodeCell').last().getByText(`figure note: ${figures[0]?.id}`).waitFor({ timeout: TIMEOUT_MS });
  });

  await t.test('a new widget on the session shows the figure of that sign-off, read through the kernel', async () => {
    await page.locator('.jp-CodeCell').last().locator('.jp-InputArea').click();
    await command('notebook:insert-cell-below');
    await page.keyboard.type('SignOff(os.environ["ALYX_QC_EID"], key="_ephysChoiceWorld_00", kind="task", base_url=os.environ["ALYX_QC_URL"], token=os.environ["ALYX_QC_TOKEN"], username="test_user")');
    await command('notebook:run-cell');
    const later = page.locator('.jp-CodeCell').last().locator('alyx-qc-signoff');
    await later.getByText('Figures of these sign-offs (1)').waitFor({ timeout: TIMEOUT_MS });
    const entry = signOffDateKey(USER, new Date());
    await page.waitForFunction((label) => {
      const panels = [...document.querySelectorAll('.jp-Notebook alyx-qc-signoff')];
      const img = panels.at(-1)?.shadowRoot?.querySelector('alyx-qc-figure-thumbnail')?.shadowRoot?.querySelector(`img[alt="${label}"]`) as HTMLImageElement | null | undefined;
      return !!img && img.complete && img.naturalWidth > 100;
    }, `Figure of ${entry}`, { timeout: TIMEOUT_MS });
    await later.getByRole('button', { name: `Figure of ${entry}` }).click();
    const dialog = later.getByRole('dialog', { name: `Figure of ${entry}` });
    await dialog.getByRole('img', { name: `Figure of ${entry}` }).waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  await t.test('CriticalNote(figure=): the critical note, then the figure note naming its id', async () => {
    await page.locator('.jp-CodeCell').last().locator('.jp-InputArea').click();
    await command('notebook:insert-cell-below');
    await page.keyboard.type('from alyx_qc import CriticalNote; CriticalNote(os.environ["ALYX_QC_EID"], base_url=os.environ["ALYX_QC_URL"], token=os.environ["ALYX_QC_TOKEN"], username="test_user", figure=fig)');
    await command('notebook:run-cell');
    const critical = page.locator('.jp-CodeCell').last().locator('alyx-qc-critical-note');
    await critical.getByRole('checkbox', { name: 'Attach this figure to the note' }).waitFor({ timeout: TIMEOUT_MS });
    await critical.getByRole('checkbox', { name: 'synching impossible', exact: true }).check();
    await critical.getByRole('button', { name: 'Mark as critical' }).click();
    await critical.getByText(/Marked as critical: note [0-9a-f-]{36} written\. Figure note [0-9a-f-]{36} attached\./).waitFor({ timeout: TIMEOUT_MS });
    const notes = await alyx.notesOf(eid);
    const criticalNote = notes.find((note) => note.text.includes('MARKING THE SESSION AS CRITICAL'));
    const figures = notes.filter((note) => note.text.includes(FIGURE_TITLE) && note.text.includes(`"critical_note": "${criticalNote?.id}"`));
    assert.equal(figures.length, 1);
    assert.equal(notes.filter((note) => note.text.includes(FIGURE_TITLE)).length, 2, 'the sign-off\u2019s figure is still there');
  });

  await t.test('no errors in the page', () => {
    assert.deepEqual(pageErrors, []);
  });
});
