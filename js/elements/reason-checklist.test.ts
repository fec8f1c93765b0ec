import { sendKeys } from '@web/test-runner-commands';
import { NOTE_KINDS, OTHER, type CriticalKind, type NoteKindId } from '../core/note-kinds.ts';
import './reason-checklist.ts';
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
  recordEvents,
  settle,
  visibleText,
} from './test-support.ts';

const boxes = (el: Element): HTMLInputElement[] => deepQueryAll<HTMLInputElement>(el, 'input[type=checkbox]');
const labels = (el: Element): string[] => deepQueryAll(el, 'label:not(.other) span').map((span) => span.textContent ?? '');

async function click(el: Element, reason: string): Promise<void> {
  const index = labels(el).indexOf(reason);
  expect(index >= 0, `no checkbox for "${reason}"`);
  boxes(el)[index]!.click();
  await settle(el);
}

async function type(el: Element, text: string): Promise<void> {
  const area = deepQuery<HTMLTextAreaElement>(el, 'textarea');
  area.focus();
  await sendKeys({ type: text });
  await settle(el);
}

describe('<alyx-qc-reason-checklist>', () => {
  afterEach(cleanup);

  for (const kind of Object.keys(NOTE_KINDS) as NoteKindId[]) {
    it(`renders the ${kind} reasons in order, Other last, in a fieldset with a legend`, async () => {
      const el = await fixture('alyx-qc-reason-checklist', { kind });
      equal(labels(el), NOTE_KINDS[kind].reasons, 'checkbox labels');
      equal(labels(el).at(-1), OTHER, 'last reason');
      const legend = deepQuery(el, 'fieldset > legend');
      expect(legend.textContent?.trim().startsWith('Select from this list the reason(s)'), `legend was "${legend.textContent}"`);
      expect(boxes(el).every((box) => !box.checked), 'nothing is ticked at first');
      expect(deepQueryAll(el, 'textarea').length === 0, 'no Other text field before Other is chosen');
    });
  }

  it('offers only the given reasons (the alignment GUI subset)', async () => {
    const gui = (NOTE_KINDS['critical-insertion'] as CriticalKind).guiReasons!;
    const el = await fixture('alyx-qc-reason-checklist', { kind: 'critical-insertion', reasons: gui });
    equal(labels(el), gui, 'labels');
  });

  it('keeps reasons in the kind\u2019s order whatever the click order, and unselects', async () => {
    const el = await fixture('alyx-qc-reason-checklist', { kind: 'signoff-task' });
    await click(el, 'stimulus timings unreliable');
    await click(el, 'raw trial data does not exist');
    await click(el, 'wheel data corrupt');
    equal(el.value, { reasons: ['raw trial data does not exist', 'wheel data corrupt', 'stimulus timings unreliable'], other: null }, 'value');
    await click(el, 'wheel data corrupt');
    equal(el.value, { reasons: ['raw trial data does not exist', 'stimulus timings unreliable'], other: null }, 'value after unselecting');
    expect(el.checkValidity(), 'a choice without Other is valid');
  });

  it('reveals a labelled, required text field for Other; the choice is invalid until it has text', async () => {
    const el = await fixture('alyx-qc-reason-checklist', { kind: 'critical-session' });
    await click(el, OTHER);
    const area = deepQuery<HTMLTextAreaElement>(el, 'textarea');
    expect(area.required, 'the Other text is required');
    expect(area.labels?.[0]?.textContent?.includes('Explain why you selected'), 'the text field has a label');
    equal(el.value, { reasons: [OTHER], other: null }, 'Other without text');
    expect(!el.checkValidity(), 'Other without text is invalid');
    expect(/"Other" is selected but its text is empty/.test(el.validationMessage), `message was: ${el.validationMessage}`);

    expect(!el.reportValidity(), 'reportValidity fails');
    await settle(el);
    expect(deepActiveElement() === area, 'reportValidity moves focus to the Other text');
    expect(area.getAttribute('aria-invalid') === 'true', 'the field is marked invalid');
    expect(visibleText(el).includes('Explain the other reason'), 'the reason is shown');

    await type(el, '  Fibre broke  ');
    equal(el.value, { reasons: [OTHER], other: '  Fibre broke  ' }, 'text is kept as typed');
    expect(el.checkValidity(), 'Other with text is valid');
    expect(!visibleText(el).includes('Explain the other reason'), 'the error goes once fixed');
  });

  it('treats whitespace-only Other text as missing', async () => {
    const el = await fixture('alyx-qc-reason-checklist', { kind: 'critical-session' });
    await click(el, OTHER);
    await type(el, '   ');
    expect(!el.checkValidity(), 'blank text is not an explanation');
  });

  it('keeps the Other text while Other is unticked, without putting it in the value', async () => {
    const el = await fixture('alyx-qc-reason-checklist', { kind: 'signoff-raw-ephys' });
    await click(el, OTHER);
    await type(el, 'probe moved');
    await click(el, OTHER);
    equal(el.value, { reasons: [], other: null }, 'value without Other');
    await click(el, OTHER);
    equal(deepQuery<HTMLTextAreaElement>(el, 'textarea').value, 'probe moved', 'restored text');
    equal(el.value, { reasons: [OTHER], other: 'probe moved' }, 'value with Other again');
  });

  it('requires a reason when `required`', async () => {
    const el = await fixture('alyx-qc-reason-checklist', { kind: 'critical-session', required: true });
    expect(!el.checkValidity(), 'nothing chosen');
    equal(el.validationMessage, 'Choose at least one reason.', 'message');
    el.reportValidity();
    await settle(el);
    expect(deepActiveElement() === boxes(el)[0], 'focus goes to the first checkbox');
  });

  it('dispatches one bubbling, composed input event per user change, carrying the value', async () => {
    const el = await fixture('alyx-qc-reason-checklist', { kind: 'signoff-spike-sorting' });
    const seen = recordEvents(document, 'input', 'change');
    await click(el, 'Poor quality spikesorting');
    equal(seen.map((e) => e.type), ['input', 'change'], 'events after a click');
    const [input] = seen as CustomEvent[];
    expect(input!.bubbles && input!.composed, 'input bubbles and is composed');
    expect(input!.target === el, 'the event comes from the element, not from inside it');
    equal(input!.detail, { reasons: ['Poor quality spikesorting'], other: null }, 'detail');

    seen.length = 0;
    await click(el, OTHER);
    await type(el, 'ab');
    equal(seen.map((e) => e.type), ['input', 'change', 'input', 'input'], 'one input per keystroke');
    equal((seen.at(-1) as CustomEvent).detail, { reasons: ['Poor quality spikesorting', OTHER], other: 'ab' }, 'detail after typing');
    expect(seen.every((e) => e.target === el), 'no native event from inside leaks out');
  });

  it('updates from code without dispatching anything (Observable\u2019s value contract)', async () => {
    const el = await fixture('alyx-qc-reason-checklist', { kind: 'critical-insertion' });
    const seen = recordEvents(document, 'input', 'change');
    el.value = { reasons: ['Drift', OTHER], other: 'from code' };
    await settle(el);
    equal(seen.length, 0, 'events after setting value');
    equal(boxes(el).map((box) => box.checked), [false, false, false, true, false, false, true], 'ticked boxes');
    equal(deepQuery<HTMLTextAreaElement>(el, 'textarea').value, 'from code', 'Other text');
  });

  it('disables every control when disabled', async () => {
    const el = await fixture('alyx-qc-reason-checklist', { kind: 'critical-session', disabled: true });
    expect(deepQuery<HTMLFieldSetElement>(el, 'fieldset').disabled, 'fieldset disabled');
    expect(boxes(el).every((box) => box.matches(':disabled')), 'checkboxes disabled');
  });

  it('works with the keyboard alone, and keeps key presses from the notebook', async () => {
    const el = await fixture('alyx-qc-reason-checklist', { kind: 'signoff-alignment' });
    const leaked = recordEvents(document, 'keydown', 'keyup', 'keypress');
    boxes(el)[0]!.focus();
    await sendKeys({ press: 'Space' });
    await settle(el);
    equal(el.value.reasons, [OTHER], 'Space ticks Other');
    await sendKeys({ press: 'Tab' });
    expect(deepActiveElement()?.localName === 'textarea', 'Tab reaches the Other text');
    await sendKeys({ type: 'a b d' });
    await settle(el);
    equal(el.value.other, 'a b d', 'typed text');
    equal(leaked.length, 0, 'key events reaching the document');
  });

  it('says which kinds exist when the kind is unknown', async () => {
    const el = await fixture('alyx-qc-reason-checklist', { kind: 'critical' as NoteKindId });
    expect(/Unknown note kind "critical"\. Use one of: critical-session/.test(visibleText(el)), visibleText(el));
  });
});
