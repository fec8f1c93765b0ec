import { sendKeys } from '@web/test-runner-commands';
import { criticalNoteText } from '../core/note-text.ts';
import { NOTE_KINDS, type CriticalKind } from '../core/note-kinds.ts';
import './overwrite-dialog.ts';
import {
  afterEach,
  cleanup,
  deepActiveElement,
  deepQuery,
  deepQueryAll,
  describe,
  equal,
  expect,
  fixture,
  it,
  note,
  recordEvents,
  settle,
  visibleText,
} from './test-support.ts';

const insertion = NOTE_KINDS['critical-insertion'] as CriticalKind;
const existing = [
  note({ user: 'alice', date_time: '2024-03-04T10:12:31.5', text: criticalNoteText(insertion, { reasons: ['Drift', 'Other'], other: 'probe moved' }) }),
  note({ id: 'n2', user: 'bob', date_time: '2024-03-05T08:00:00', text: 'Track looks odd, check histology.' }),
];
const newText = criticalNoteText(insertion, { reasons: ['Poor neural yield'], other: null });

async function openDialog(): Promise<HTMLElementTagNameMap['alyx-qc-overwrite-dialog']> {
  const el = await fixture('alyx-qc-overwrite-dialog', { notes: existing, text: newText, user: 'carol', what: 'this insertion as critical' });
  const trigger = document.createElement('button');
  trigger.textContent = 'Open';
  el.before(trigger);
  trigger.focus();
  el.open = true;
  await settle(el);
  return el;
}

const button = (el: Element, label: RegExp): HTMLButtonElement => {
  const found = deepQueryAll<HTMLButtonElement>(el, 'button').find((b) => label.test(b.textContent ?? ''));
  expect(found, `no button ${label}`);
  return found;
};

describe('<alyx-qc-overwrite-dialog>', () => {
  afterEach(cleanup);

  it('is closed until opened', async () => {
    const el = await fixture('alyx-qc-overwrite-dialog', { notes: existing, text: newText });
    expect(!deepQuery<HTMLDialogElement>(el, 'dialog').open, 'dialog closed');
    equal(visibleText(el), '', 'visible text');
  });

  it('shows how many notes, who wrote them, when, their reasons, and the new note', async () => {
    const el = await openDialog();
    const dialog = deepQuery<HTMLDialogElement>(el, 'dialog');
    expect(dialog.open && dialog.matches(':modal'), 'a modal dialog is open');
    const text = visibleText(el);
    for (const part of [
      'Replace 2 existing notes?',
      'alice, bob already marked this insertion as critical',
      'Existing notes (2)',
      'alice · 2024-03-04 10:12',
      'Drift',
      'Other: probe moved',
      'bob · 2024-03-05 08:00',
      'Track looks odd, check histology.',
      'Will be written by carol',
      'Poor neural yield',
      newText,
      'Replace 2 notes',
    ]) {
      expect(text.includes(part), `"${part}" not in: ${text}`);
    }
    expect(dialog.getAttribute('aria-labelledby') === 'title', 'the dialog is named by its heading');
  });

  it('moves focus into the dialog (to Cancel), where Enter cancels', async () => {
    const el = await openDialog();
    const seen = recordEvents(el, 'alyx-qc-confirm', 'alyx-qc-cancel');
    expect(deepActiveElement() === button(el, /^Cancel$/), `focus is on ${deepActiveElement()?.outerHTML}`);
    await sendKeys({ press: 'Enter' });
    await settle(el);
    equal(seen.map((e) => e.type), ['alyx-qc-cancel'], 'events');
    expect(!el.open && !deepQuery<HTMLDialogElement>(el, 'dialog').open, 'closed');
  });

  it('confirms with Enter only on the confirm button', async () => {
    const el = await openDialog();
    const seen = recordEvents(el, 'alyx-qc-confirm', 'alyx-qc-cancel');
    await sendKeys({ press: 'Tab' });
    expect(deepActiveElement() === button(el, /^Replace/), 'Tab reaches the confirm button');
    await sendKeys({ press: 'Enter' });
    await settle(el);
    equal(seen.map((e) => e.type), ['alyx-qc-confirm'], 'events');
    expect(!el.open, 'closed');
  });

  it('cancels on Escape, and gives focus back to where it was', async () => {
    const el = await openDialog();
    const trigger = el.previousElementSibling;
    const seen = recordEvents(el, 'alyx-qc-confirm', 'alyx-qc-cancel');
    await sendKeys({ press: 'Escape' });
    await settle(el);
    equal(seen.map((e) => e.type), ['alyx-qc-cancel'], 'events');
    expect(!el.open, 'closed');
    expect(document.activeElement === trigger, `focus returned to ${document.activeElement?.outerHTML}`);
  });

  it('confirms and cancels with the mouse', async () => {
    const el = await openDialog();
    const seen = recordEvents(el, 'alyx-qc-confirm', 'alyx-qc-cancel');
    button(el, /^Replace/).click();
    await settle(el);
    el.open = true;
    await settle(el);
    button(el, /^Cancel$/).click();
    await settle(el);
    equal(seen.map((e) => e.type), ['alyx-qc-confirm', 'alyx-qc-cancel'], 'events');
  });

  it('closes without an event when closed from code', async () => {
    const el = await openDialog();
    const seen = recordEvents(el, 'alyx-qc-confirm', 'alyx-qc-cancel');
    el.open = false;
    await settle(el);
    expect(!deepQuery<HTMLDialogElement>(el, 'dialog').open, 'closed');
    equal(seen.length, 0, 'events');
  });

  it('keeps key presses from the notebook', async () => {
    const el = await openDialog();
    const leaked = recordEvents(document, 'keydown');
    await sendKeys({ press: 'd' });
    await sendKeys({ press: 'Tab' });
    equal(leaked.length, 0, 'keydown events reaching the document');
    el.open = false;
  });
});
