/**
 * The host suite (`npm run test:hosts`): the two widgets in every notebook a reviewer uses, each
 * installed from PyPI by the project's setup and driven in Debian's Chromium: JupyterLab 4
 * (light, then dark switched at run time), Notebook 7, Voila (light and dark) and marimo (`edit` and
 * `run`; the sign-off widget shown directly, the critical one in `mo.ui.anywidget`). In each, a reviewer
 * signs off and marks an insertion critical with the keyboard (see reviewer.ts), confirming an
 * overwrite; the notes on the development Alyx are checked byte for byte; where the host has
 * shortcuts, they work again after the widget. Each host works on a session and insertion of its
 * own. Screenshots go to test-results/hosts/ (with ALYX_QC_UPDATE_SCREENSHOTS=1, docs/screenshots/).
 *
 * ALYX_QC_HOSTS=notebook,voila runs only those hosts.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import type { AlyxNote } from '../../js/core/alyx-types.ts';
import { NOTE_KINDS, type CriticalKind } from '../../js/core/note-kinds.ts';
import { criticalNoteText, signOffDateKey, signOffNoteText, signOffTitle } from '../../js/core/note-text.ts';
import { AlyxFixture } from '../support/alyx-fixture.ts';
import { hostIpynb, hostMarimoApp } from './host-notebooks.ts';
import { CRITICAL_CHOICE, SIGN_OFF_CHOICE, WIDGET_TIMEOUT_MS, confirmOverwrite, markCriticalByKeyboard, signOffByKeyboard, type Fingerprint } from './reviewer.ts';
import { startHost, type HostName, type RunningHost } from './start-host.ts';

const REPO = path.resolve(import.meta.dirname, '..', '..');
const SCREENSHOTS = process.env['ALYX_QC_UPDATE_SCREENSHOTS'] === '1' ? path.join(REPO, 'docs', 'screenshots') : path.join(REPO, 'test-results', 'hosts');
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--font-render-hinting=none'];
const ONLY = process.env['ALYX_QC_HOSTS']?.split(',').filter(Boolean);
/** Extra environment for the kernels (e.g. PYTHONPATH to try another build of the widget). */
const KERNEL_ENV = process.env['ALYX_QC_HOSTS_KERNEL_ENV'] ? (JSON.parse(process.env['ALYX_QC_HOSTS_KERNEL_ENV']) as Record<string, string>) : {};
const USER = 'test_user';
const KEY = '_ephysChoiceWorld_00';

declare global {
  interface Window {
    jupyterapp: { commands: { execute(id: string, args?: unknown): Promise<unknown> }; shell: { currentWidget: unknown } };
  }
}

/** JupyterLab's and Notebook 7's cells: kind, and which one is active; one letter each. */
const jupyterCells: Fingerprint = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('.jp-Notebook .jp-Cell')]
      .map((cell) => `${cell.classList.contains('jp-MarkdownCell') ? 'm' : 'c'}${cell.classList.contains('jp-mod-active') ? '*' : ''}`)
      .join(' '),
  );

/** marimo's cells (ids in order): a shortcut that adds, deletes or moves a cell changes them. */
const marimoCells: Fingerprint = (page) => page.evaluate(() => [...document.querySelectorAll('[data-cell-id]')].map((cell) => cell.getAttribute('data-cell-id')).join(' '));

interface Driver {
  readonly host: HostName;
  readonly file: string;
  readonly content: () => string;
  readonly fingerprint: Fingerprint;
  /** Opens the notebook and runs it, until both widgets show. */
  open(page: Page, host: RunningHost): Promise<void>;
  /** After the widgets: the host's own shortcuts work again. */
  shortcutsWork?(page: Page): Promise<void>;
  /** Switches to the dark theme (at run time, or by reloading). */
  dark?(page: Page, host: RunningHost): Promise<void>;
}

function command(page: Page, id: string, args?: unknown): Promise<unknown> {
  return page.evaluate(([name, options]) => window.jupyterapp.commands.execute(name as string, options), [id, args] as const);
}

async function openJupyter(page: Page, host: RunningHost, file: string): Promise<void> {
  await page.goto(host.pageUrl(file));
  await page.waitForFunction(
    () => (window.jupyterapp?.shell.currentWidget as { sessionContext?: { session?: { kernel?: { status: string } } } } | null)?.sessionContext?.session?.kernel?.status === 'idle',
    undefined,
    { timeout: WIDGET_TIMEOUT_MS },
  );
  await command(page, 'notebook:run-all-cells');
}

/** Escape then "b" in command mode inserts a cell below; "k" selects the one above again. */
async function jupyterShortcutsWork(page: Page): Promise<void> {
  const cells = async (): Promise<string[]> => (await jupyterCells(page)).split(' ');
  const before = await cells();
  await page.locator('.jp-Notebook .jp-MarkdownCell').last().click();
  await page.keyboard.press('Escape');
  await page.keyboard.press('b');
  await page.waitForFunction((n) => document.querySelectorAll('.jp-Notebook .jp-Cell').length === n + 1, before.length, { timeout: 10_000 });
  assert.equal((await cells()).findIndex((cell) => cell.endsWith('*')), before.length, '"b" selects the new last cell');
  await page.keyboard.press('k');
  assert.equal((await cells()).findIndex((cell) => cell.endsWith('*')), before.length - 1, '"k" selects the cell above');
}

const jupyterDark = async (page: Page): Promise<void> => {
  await command(page, 'apputils:change-theme', { theme: 'JupyterLab Dark' });
  await page.waitForSelector('body[data-jp-theme-light="false"]', { state: 'attached' });
};

const DRIVERS: readonly Driver[] = [
  {
    host: 'lab',
    file: 'host-check.ipynb',
    content: hostIpynb,
    fingerprint: jupyterCells,
    open: (page, host) => openJupyter(page, host, 'host-check.ipynb'),
    shortcutsWork: jupyterShortcutsWork,
    dark: jupyterDark,
  },
  {
    host: 'notebook',
    file: 'host-check.ipynb',
    content: hostIpynb,
    fingerprint: jupyterCells,
    open: (page, host) => openJupyter(page, host, 'host-check.ipynb'),
    shortcutsWork: jupyterShortcutsWork,
    dark: jupyterDark,
  },
  {
    host: 'voila',
    file: 'host-check.ipynb',
    content: hostIpynb,
    fingerprint: async () => '',
    open: async (page, host) => void (await page.goto(host.pageUrl('host-check.ipynb'))),
    // Voila renders (and runs) the notebook again in a fresh kernel, in the theme asked for.
    dark: async (page, host) => void (await page.goto(host.pageUrl('host-check.ipynb', 'theme=dark'))),
  },
  {
    host: 'marimo',
    file: 'host_check.py',
    content: hostMarimoApp,
    fingerprint: marimoCells,
    open: async (page, host) => void (await page.goto(host.pageUrl('host_check.py'))),
  },
  {
    host: 'marimo-run',
    file: 'host_check.py',
    content: hostMarimoApp,
    fingerprint: async () => '',
    open: async (page, host) => void (await page.goto(host.pageUrl('host_check.py'))),
  },
];

let alyx: AlyxFixture;
let browser: Browser;
const insertionKind = NOTE_KINDS['critical-insertion'] as CriticalKind;

before(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  alyx = await AlyxFixture.start();
});

after(async () => {
  await browser?.close();
  await alyx?.stop();
});

/** The part of the page from the sign-off panel to the critical one. */
async function screenshot(page: Page, name: string, from: Locator, to: Locator): Promise<void> {
  await from.evaluate((element) => element.scrollIntoView({ block: 'start' }));
  await page.waitForTimeout(200);
  const top = await from.boundingBox();
  const bottom = await to.boundingBox();
  assert.ok(top && bottom, `${name}: both widgets are on screen`);
  const y = Math.max(0, top.y - 8);
  const x = Math.max(0, Math.min(top.x, bottom.x) - 8);
  const viewport = page.viewportSize() ?? { width: 1280, height: 1400 };
  await page.screenshot({ path: path.join(SCREENSHOTS, name), clip: { x, y, width: Math.min(760, viewport.width - x), height: Math.min(viewport.height - y, bottom.y + Math.min(bottom.height, 420) + 8 - y) } });
}

for (const driver of DRIVERS) {
  describe(`in ${driver.host}`, { skip: ONLY && !ONLY.includes(driver.host) ? 'not in ALYX_QC_HOSTS' : false }, () => {
    let host: RunningHost;
    let page: Page;
    let eid: string;
    let pid: string;
    const pageErrors: string[] = [];

    before(async () => {
      eid = await alyx.newSession();
      pid = await alyx.newInsertion(eid);
      // Another reviewer's critical note: marking the insertion must ask before replacing it.
      const reviewer2 = await alyx.login('reviewer2');
      await reviewer2.request<AlyxNote>('POST', '/notes', {
        body: { user: 'reviewer2', content_type: 'probeinsertion', object_id: pid, text: criticalNoteText(insertionKind, { reasons: ['Drift'], other: null }) },
      });
      host = await startHost(driver.host, { [driver.file]: driver.content() }, { ALYX_QC_DEMO_URL: alyx.baseUrl, ALYX_QC_EID: eid, ALYX_QC_PID: pid, ...KERNEL_ENV });
      page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
      page.on('pageerror', (error) => {
        // Notebook 7.6 itself throws "Cannot read properties of undefined (reading 'schema')" while
        // it loads, before any cell runs (seen without alyx-qc on the page): its own, not ours.
        if (/\/static\/notebook\/notebook_core\./.test(error.stack ?? '') && /reading 'schema'/.test(error.message)) return;
        pageErrors.push(`${error.message} (${error.stack?.split('\n')[1]?.trim() ?? 'no stack'})`);
      });
      page.on('console', (message) => {
        if (message.type() === 'error' && message.text().includes('[alyx-qc]')) pageErrors.push(message.text());
      });
    });

    after(async () => {
      await page?.close();
      await host?.stop();
    });

    const signOffPanel = (): Locator => page.locator('alyx-qc-signoff');
    const criticalPanel = (): Locator => page.locator('alyx-qc-critical-note');

    test('shows both widgets, loaded through the kernel', async () => {
      await driver.open(page, host);
      await signOffPanel().getByText('Not signed off yet.').waitFor({ timeout: WIDGET_TIMEOUT_MS });
      await criticalPanel().getByText('Existing critical note (1)').waitFor({ timeout: WIDGET_TIMEOUT_MS });
    });

    test('a reviewer signs off with the keyboard; no key reaches the notebook', async () => {
      await signOffByKeyboard(page, signOffPanel(), driver.fingerprint);
      const notes = (await alyx.notesOf(eid)).filter((note) => note.text.includes(signOffTitle(KEY)));
      assert.equal(notes.length, 1);
      assert.equal(notes[0]?.text, signOffNoteText(KEY, signOffDateKey(USER, new Date()), SIGN_OFF_CHOICE));
    });

    test('marks the insertion critical with the keyboard, Escape cancels, then confirms the overwrite', async () => {
      const dialog = await markCriticalByKeyboard(page, criticalPanel(), driver.fingerprint);
      await screenshot(page, `host-${driver.host}-overwrite.png`, criticalPanel(), criticalPanel());
      await confirmOverwrite(criticalPanel(), dialog);
      const notes = await alyx.notesOf(pid);
      assert.equal(notes.length, 1);
      assert.equal(notes[0]?.text, criticalNoteText(insertionKind, CRITICAL_CHOICE));
      assert.equal(notes[0]?.user, USER);
      await screenshot(page, `host-${driver.host}-light.png`, signOffPanel(), criticalPanel());
    });

    if (driver.shortcutsWork) test("after the widgets, the notebook's own shortcuts work again", () => driver.shortcutsWork?.(page));

    if (driver.dark) {
      test('follows the dark theme', async () => {
        await driver.dark?.(page, host);
        await signOffPanel().getByText(/Signed off by test_user on/).first().waitFor({ timeout: WIDGET_TIMEOUT_MS });
        const colour = await signOffPanel().evaluate((el) => getComputedStyle(el.shadowRoot?.querySelector('.panel') ?? el).backgroundColor);
        const [r = 255, g = 255, b = 255] = (colour.match(/\d+/g) ?? []).map(Number);
        assert.ok(r + g + b < 3 * 110, `the panel is dark in the dark theme (background ${colour})`);
        await screenshot(page, `host-${driver.host}-dark.png`, signOffPanel(), criticalPanel());
      });
    }

    test('no errors in the page, none from Node reading the venv as ES modules in the log', () => {
      assert.deepEqual(pageErrors, []);
      assert.doesNotMatch(host.log(), /Dynamic require of "util"|require is not defined in ES module scope/);
    });
  });
}
