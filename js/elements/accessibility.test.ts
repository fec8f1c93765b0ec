/**
 * axe-core on every element in each host theme: plain light and dark (outside Jupyter), VS Code
 * dark, and JupyterLab's light and dark variables. Includes the states that add content: an
 * invalid choice, a failure with Retry, a written note, and the open overwrite dialog.
 */
import { criticalNoteText, signOffNoteText } from '../core/note-text.ts';
import { NOTE_KINDS, OTHER, type CriticalKind } from '../core/note-kinds.ts';
import type { CriticalResult, SignOffResult } from '../core/workflow-types.ts';
import './index.ts';
import {
  afterEach,
  cleanup,
  deepQuery,
  deepQueryAll,
  describe,
  expect,
  expectAccessible,
  fixture,
  it,
  note,
  settle,
  type HostTheme,
} from './test-support.ts';

const insertion = NOTE_KINDS['critical-insertion'] as CriticalKind;
const KEY = '_ephysChoiceWorld_00';
const signOffNote = note({ text: signOffNoteText(KEY, '2024-03-04_alice', { reasons: ['wheel data corrupt', OTHER], other: 'Wheel jammed' }) });
const criticalNote = note({ text: criticalNoteText(insertion, { reasons: ['Drift'], other: null }) });
const THEMES: HostTheme[] = ['light', 'dark', 'vscode-dark', 'jupyterlab-light', 'jupyterlab-dark'];

async function tickFirst(el: Element): Promise<void> {
  deepQuery<HTMLInputElement>(el, 'fieldset input').click();
  await settle(el);
}

describe('accessibility (axe-core)', () => {
  afterEach(cleanup);

  it('catches a violation inside a shadow root (so a clean run means something)', async () => {
    const host = document.createElement('div');
    host.attachShadow({ mode: 'open' }).innerHTML = '<p style="color:#ccc;background:#fff">faint</p><input type="checkbox">';
    document.body.append(host);
    try {
      await expectAccessible(host, 'a bad fixture');
      throw new Error('axe-core passed a fixture with poor contrast and an unlabelled checkbox');
    } catch (error) {
      expect(/color-contrast/.test(String(error)) && /label/.test(String(error)), String(error));
    } finally {
      host.remove();
    }
  });

  for (const theme of THEMES) {
    describe(theme, () => {
      it('panels waiting for a context', async () => {
        await expectAccessible(await fixture('alyx-qc-signoff', {}, theme), `empty sign-off panel (${theme})`);
        await expectAccessible(await fixture('alyx-qc-critical-note', {}, theme), `empty critical panel (${theme})`);
      });

      it('checklist, with Other open and its error shown', async () => {
        const el = await fixture('alyx-qc-reason-checklist', { kind: 'critical-session', value: { reasons: [OTHER], other: null } }, theme);
        el.reportValidity();
        await settle(el);
        await expectAccessible(el, `checklist (${theme})`);
      });

      it('sign-off panel: existing note, preview open, written', async () => {
        const written: SignOffResult = {
          status: 'written',
          note: signOffNote,
          noteAction: 'merged',
          text: signOffNote.text,
          checklistEntry: { date: '2024-03-05', user: 'carol' },
          replacedSameDay: true,
        };
        const el = await fixture(
          'alyx-qc-signoff',
          {
            context: { eid: '2ffd3ed5-477e-4153-9af7-7fdad3c6946b', kind: 'signoff-task', signOffKey: KEY, user: 'carol', existingNotes: [signOffNote], checklistEntry: { date: '2024-03-05', user: 'carol' } },
            now: new Date(2024, 2, 5),
            submit: async () => written,
          },
          theme,
        );
        deepQuery<HTMLDetailsElement>(el, 'details').open = true;
        await tickFirst(el);
        await expectAccessible(el, `sign-off panel (${theme})`);
        deepQuery<HTMLButtonElement>(el, '.actions > button').click();
        await settle(el);
        await settle(el);
        await expectAccessible(el, `sign-off panel after writing (${theme})`);
      });

      it('sign-off panel: several notes, failure with Retry', async () => {
        const el = await fixture(
          'alyx-qc-signoff',
          {
            context: { eid: '2ffd3ed5-477e-4153-9af7-7fdad3c6946b', kind: 'signoff-video', signOffKey: '_camera_left', user: 'carol', existingNotes: [signOffNote, signOffNote], checklistEntry: undefined },
            withNote: false,
            submit: async () => Promise.reject(new Error('PATCH /sessions/… failed with 503.')),
          },
          theme,
        );
        deepQuery<HTMLButtonElement>(el, '.actions > button').click();
        await settle(el);
        await settle(el);
        expect(deepQueryAll(el, 'button').some((b) => b.textContent === 'Retry'), 'failed state shown');
        await expectAccessible(el, `sign-off panel failed (${theme})`);
      });

      it('critical panel and its open overwrite dialog', async () => {
        const pending = new Promise<CriticalResult>(() => {});
        const el = await fixture(
          'alyx-qc-critical-note',
          {
            context: { uuid: '8d8f3c1a-4b5e-4f6a-9c7d-0e1f2a3b4c5d', kind: 'critical-insertion', contentType: 'probeinsertion', user: 'carol', existingNotes: [criticalNote] },
            submit: () => pending,
          },
          theme,
        );
        await tickFirst(el);
        await expectAccessible(el, `critical panel (${theme})`);
        deepQuery<HTMLButtonElement>(el, '.actions > button').click();
        await settle(el);
        await expectAccessible(el, `overwrite dialog (${theme})`);
        deepQuery<HTMLButtonElement>(el, 'dialog .danger').click();
        await settle(el);
        await expectAccessible(el, `critical panel while writing (${theme})`);
      });
    });
  }
});
