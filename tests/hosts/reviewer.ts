/**
 * What a reviewer does in any host, with the keyboard as a reviewer uses it: Space on the
 * checkboxes, arrows between them, the "Other" text typed key by key (never `fill`, which sends
 * no key presses), Enter and Shift+Enter in the text box, Enter on the buttons, Escape in the
 * dialog. `fingerprint` reads the host's own state (cells, their types, the selected one): if any
 * key reached the notebook's shortcuts, it changes.
 */
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { NOTE_KINDS, OTHER } from '../../js/core/note-kinds.ts';
import type { ReasonChoice } from '../../js/core/reasons.ts';

export const WIDGET_TIMEOUT_MS = 60_000;

/**
 * Typed into "Other": a reviewer's words with accents and a symbol; the letters that are notebook
 * shortcuts (a b c d j k m v x y z 1 2); then every printable ASCII key.
 */
const LINES = ['wheel jitter after trial 12 (café ✓)', 'axbdd jkmyz 1 2 cv', ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~'];

/** The sign-off the reviewer makes: two reasons and the three typed lines as "Other". */
export const SIGN_OFF_CHOICE: ReasonChoice = {
  reasons: [NOTE_KINDS['signoff-task'].reasons[0] as string, NOTE_KINDS['signoff-task'].reasons[2] as string, OTHER],
  other: LINES.join('\n'),
};

export const CRITICAL_CHOICE: ReasonChoice = { reasons: ['Drift', OTHER], other: 'probe moved 200 µm; see x j k' };

/** The host's state that no key typed in a widget may change; `''` where the host has no shortcuts. */
export type Fingerprint = (page: Page) => Promise<string>;

async function tick(box: Locator, page: Page): Promise<void> {
  await box.focus();
  await page.keyboard.press('Space');
  assert.equal(await box.isChecked(), true, `Space ticks ${await box.getAttribute('name') ?? 'the checkbox'}`);
}

/** Ticks the choice's reasons with the keyboard and types its "Other" text, line by line. */
async function choose(page: Page, panel: Locator, choice: ReasonChoice): Promise<void> {
  for (const reason of choice.reasons) {
    const box = panel.getByRole('checkbox', { name: reason, exact: true });
    await tick(box, page);
    // Arrows on a checkbox do nothing in the page; in a notebook they would move the selection.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
  }
  const lines = (choice.other ?? '').split('\n');
  const text = panel.getByRole('textbox');
  await text.click();
  for (const [i, line] of lines.entries()) {
    // Enter, then Shift+Enter (which runs a cell in a notebook): both are new lines here.
    if (i > 0) await page.keyboard.press(i % 2 ? 'Enter' : 'Shift+Enter');
    await page.keyboard.type(line);
  }
  assert.equal(await text.inputValue(), choice.other, 'the "Other" box holds what was typed, key by key');
}

/** Signs off with the keyboard; returns when the panel says it is written. */
export async function signOffByKeyboard(page: Page, panel: Locator, fingerprint: Fingerprint): Promise<void> {
  await panel.getByText('Not signed off yet.').waitFor({ timeout: WIDGET_TIMEOUT_MS });
  // Focus into the widget first: the host may select the widget's cell on that click.
  await panel.getByRole('checkbox').first().focus();
  await page.keyboard.press('Space');
  await page.keyboard.press('Space');
  const before = await fingerprint(page);
  await choose(page, panel, SIGN_OFF_CHOICE);
  assert.equal(await fingerprint(page), before, 'no key typed in the sign-off widget reached the notebook');
  await panel.getByRole('button', { name: 'Sign off' }).focus();
  await page.keyboard.press('Enter');
  await panel.getByText(/Signed off as test_user on \d{4}-\d\d-\d\d/).first().waitFor({ timeout: WIDGET_TIMEOUT_MS });
  assert.equal(await fingerprint(page), before, 'Enter on Sign off reached the notebook');
}

/** Marks the insertion critical: Escape cancels the overwrite dialog once, then the reviewer confirms. */
export async function markCriticalByKeyboard(page: Page, panel: Locator, fingerprint: Fingerprint): Promise<Locator> {
  await panel.getByText('Existing critical note (1)').waitFor({ timeout: WIDGET_TIMEOUT_MS });
  await panel.getByRole('checkbox').first().focus();
  const before = await fingerprint(page);
  await choose(page, panel, CRITICAL_CHOICE);
  const button = panel.getByRole('button', { name: 'Mark as critical' });
  await button.focus();
  await page.keyboard.press('Enter');
  const dialog = panel.getByRole('dialog', { name: 'Replace 1 existing note?' });
  await dialog.waitFor();
  await page.keyboard.press('Escape');
  await panel.getByText('Cancelled: nothing was written.').waitFor();
  assert.equal(await fingerprint(page), before, 'no key typed in the critical-note widget (Escape included) reached the notebook');
  await button.focus();
  await page.keyboard.press('Enter');
  await dialog.waitFor();
  return dialog;
}

/** Confirms the open overwrite dialog and waits for the note. */
export async function confirmOverwrite(panel: Locator, dialog: Locator): Promise<void> {
  await dialog.getByRole('button', { name: 'Replace note' }).click();
  await panel.getByText(/Marked as critical: note [0-9a-f-]{36} written, 1 older note deleted\./).waitFor({ timeout: WIDGET_TIMEOUT_MS });
}
