/**
 * The pictures in docs/screenshots/, for the README: each panel in JupyterLab's light and dark
 * themes with realistic data. Every run renders them (and checks them with axe-core); only
 * `ALYX_QC_SCREENSHOTS=1 npx web-test-runner js/elements/screenshots.test.ts` writes the PNGs.
 */
import { executeServerCommand, setViewport } from '@web/test-runner-commands';
import type { AlyxNote } from '../core/alyx-types.ts';
import { NOTE_KINDS, OTHER, type CriticalKind } from '../core/note-kinds.ts';
import { criticalNoteText, signOffNoteText } from '../core/note-text.ts';
import type { CriticalContext, SignOffContext } from '../core/workflow-types.ts';
import './index.ts';
import { afterEach, cleanup, deepQuery, describe, expectAccessible, fixture, it, settle } from './test-support.ts';

const insertion = NOTE_KINDS['critical-insertion'] as CriticalKind;

const signOffContext: SignOffContext = {
  eid: '2ffd3ed5-477e-4153-9af7-7fdad3c6946b',
  kind: 'signoff-task',
  signOffKey: '_ephysChoiceWorld_00',
  user: 'olivier',
  existingNotes: [
    {
      id: '5c0f2e51-9d27-4a8e-b1a4-3f6e0d2c9b71',
      user: 'mayo',
      date_time: '2024-03-04T17:42:08.519000',
      content_type: 'actions.session',
      object_id: '2ffd3ed5-477e-4153-9af7-7fdad3c6946b',
      text: signOffNoteText('_ephysChoiceWorld_00', '2024-03-04_mayo', { reasons: ['wheel data corrupt'], other: null }),
    },
  ],
  checklistEntry: { date: '2024-03-04', user: 'mayo' },
};

const criticalNote: AlyxNote = {
  id: '0b7d9a3e-6f1c-4e2a-8d5b-2c9e7f4a1b36',
  user: 'nate',
  date_time: '2024-02-27T09:15:44.102000',
  content_type: 'experiments.probeinsertion',
  object_id: '8d8f3c1a-4b5e-4f6a-9c7d-0e1f2a3b4c5d',
  text: criticalNoteText(insertion, { reasons: ['Drift', OTHER], other: 'Probe moved ~200 um after 40 min' }),
};

const criticalContext: CriticalContext = {
  uuid: '8d8f3c1a-4b5e-4f6a-9c7d-0e1f2a3b4c5d',
  kind: 'critical-insertion',
  contentType: 'probeinsertion',
  user: 'olivier',
  existingNotes: [criticalNote],
};

/** A stand-in for a notebook output area, with JupyterLab's font stacks as found on this machine. */
function outputArea(el: Element): void {
  const area = el.parentElement!;
  area.id = 'shot';
  area.style.cssText += ';padding:12px 16px;width:680px;background:var(--jp-layout-color0);--jp-ui-font-family:Helvetica,Arial,sans-serif;--jp-code-font-family:"DejaVu Sans Mono",monospace;--jp-code-font-size:12px';
}

async function shoot(name: string, selector?: string): Promise<void> {
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50)));
  await executeServerCommand('alyx-qc-screenshot', { path: `docs/screenshots/${name}.png`, selector });
}

async function tick(el: Element, ...reasons: string[]): Promise<void> {
  for (const box of [...deepQuery(el, 'alyx-qc-reason-checklist').shadowRoot!.querySelectorAll('input')]) {
    if (reasons.includes(box.parentElement?.textContent?.trim() ?? '')) box.click();
  }
  await settle(el);
}

describe('screenshots', () => {
  afterEach(cleanup);

  for (const scheme of ['light', 'dark'] as const) {
    it(`sign-off panel, JupyterLab ${scheme}`, async () => {
      await setViewport({ width: 760, height: 900 });
      const el = await fixture('alyx-qc-signoff', { context: signOffContext, now: new Date(2024, 2, 5, 11, 20) }, `jupyterlab-${scheme}`);
      outputArea(el);
      await tick(el, 'stimulus timings unreliable', OTHER);
      const area = deepQuery<HTMLTextAreaElement>(el, 'textarea');
      area.value = 'Photodiode flips missing in the last 80 trials';
      area.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
      deepQuery<HTMLDetailsElement>(el, 'details').open = true;
      await settle(el);
      await expectAccessible(el, `sign-off screenshot (${scheme})`);
      await shoot(`signoff-${scheme}`, '#shot');
    });

    it(`critical-note panel, JupyterLab ${scheme}`, async () => {
      await setViewport({ width: 760, height: 900 });
      const el = await fixture('alyx-qc-critical-note', { context: criticalContext }, `jupyterlab-${scheme}`);
      outputArea(el);
      await tick(el, 'Noise and artifact', 'Poor neural yield');
      await expectAccessible(el, `critical screenshot (${scheme})`);
      await shoot(`critical-${scheme}`, '#shot');
    });

    it(`overwrite dialog, JupyterLab ${scheme}`, async () => {
      await setViewport({ width: 900, height: 560 });
      const el = await fixture('alyx-qc-critical-note', { context: criticalContext, submit: () => new Promise(() => {}) }, `jupyterlab-${scheme}`);
      outputArea(el);
      await tick(el, 'Noise and artifact', 'Poor neural yield');
      deepQuery<HTMLButtonElement>(el, '.actions > button').click();
      await settle(el);
      await expectAccessible(el, `overwrite dialog screenshot (${scheme})`);
      await shoot(`overwrite-dialog-${scheme}`);
      deepQuery<HTMLDialogElement>(el, 'dialog').close();
    });
  }
});
