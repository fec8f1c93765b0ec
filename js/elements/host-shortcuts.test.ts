/**
 * The two things a notebook host needs to keep its shortcuts away from typing in an element
 * (host-shortcuts.ts): every element carries `data-lm-suppress-shortcuts`, and focus moving
 * between controls inside an element reaches the page as a `focusin`, exactly once. The host suite
 * (tests/hosts) checks the effect in JupyterLab, Notebook 7, Voila and marimo.
 */
import { sendKeys } from '@web/test-runner-commands';
import './critical-note-panel.ts';
import './signoff-panel.ts';
import { afterEach, cleanup, deepActiveElement, deepQuery, deepQueryAll, describe, equal, expect, fixture, it, settle } from './test-support.ts';

const EID = '2ffd3ed5-477e-4153-9af7-7fdad3c6946b';

async function panel(): Promise<HTMLElementTagNameMap['alyx-qc-signoff']> {
  return fixture('alyx-qc-signoff', {
    context: { eid: EID, kind: 'signoff-task', signOffKey: '_ephysChoiceWorld_00', user: 'carol', existingNotes: [], checklistEntry: null },
    value: { reasons: ['Other'], other: null },
  });
}

describe('keys typed in an element', () => {
  afterEach(cleanup);

  it('every alyx-qc element, nested ones included, asks Lumino to suppress its shortcuts', async () => {
    const el = await fixture('alyx-qc-critical-note', { context: { uuid: EID, kind: 'critical-session', contentType: 'session', user: 'carol', existingNotes: [] } });
    const elements = [el, ...deepQueryAll(el, 'alyx-qc-reason-checklist, alyx-qc-overwrite-dialog')];
    equal(elements.length, 3, 'the panel, its checklist and its dialog');
    for (const element of elements) expect(element.hasAttribute('data-lm-suppress-shortcuts'), `${element.localName} carries data-lm-suppress-shortcuts`);
  });

  it('focus moving from a checkbox to the "Other" box reaches the page once, from the element', async () => {
    const el = await panel();
    const seen: EventTarget[] = [];
    const record = (event: Event): void => void seen.push(event.target as EventTarget);
    document.addEventListener('focusin', record);
    try {
      const other = deepQueryAll<HTMLInputElement>(el, 'fieldset input[type=checkbox]').at(-1);
      expect(other, 'the Other checkbox');
      other.focus();
      seen.length = 0;
      // A key press, as a reviewer moves on: the browser moves focus inside the checklist's shadow root.
      await sendKeys({ press: 'Tab' });
      await settle(el);
      equal(deepActiveElement()?.localName, 'textarea', 'focus is in the text box');
      equal(seen.length, 1, 'focusin events the page saw');
      expect(seen[0] === el, 'retargeted to the panel, as the page sees it');
    } finally {
      document.removeEventListener('focusin', record);
    }
  });

  it('typed keys still type into the text box', async () => {
    const el = await panel();
    deepQuery<HTMLTextAreaElement>(el, 'textarea').focus();
    await sendKeys({ type: 'jk x' });
    equal(deepQuery<HTMLTextAreaElement>(el, 'textarea').value, 'jk x', 'the text box');
  });
});
