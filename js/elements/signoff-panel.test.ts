import { sendKeys } from '@web/test-runner-commands';
import type { AlyxNote } from '../core/alyx-types.ts';
import { NOTE_KINDS, OTHER, type SignOffKindId } from '../core/note-kinds.ts';
import { mergeSignOffNoteText, signOffNoteText } from '../core/note-text.ts';
import type { SignOffContext, SignOffResult, SignOffSubmission } from '../core/workflow-types.ts';
import './signoff-panel.ts';
import {
  afterEach,
  cleanup,
  deepActiveElement,
  deepQuery,
  deepQueryAll,
  deferred,
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

const EID = '2ffd3ed5-477e-4153-9af7-7fdad3c6946b';
const KEY = '_ephysChoiceWorld_00';
/** 2024-03-05, mid-afternoon local time: the date key is `2024-03-05_carol`. */
const NOW = new Date(2024, 2, 5, 15, 30);
const TODAY_KEY = '2024-03-05_carol';

function context(fields: Partial<SignOffContext> = {}): SignOffContext {
  return { eid: EID, kind: 'signoff-task', signOffKey: KEY, user: 'carol', existingNotes: [], checklistEntry: null, ...fields };
}

const earlierNote = note({
  id: 'note-1',
  user: 'alice',
  text: signOffNoteText(KEY, '2024-03-04_alice', { reasons: ['wheel data corrupt'], other: null }),
});

function written(submission: SignOffSubmission, noteId = 'note-new'): SignOffResult {
  const text = submission.withNote ? signOffNoteText(KEY, TODAY_KEY, submission.choice) : null;
  return {
    status: 'written',
    note: text === null ? null : note({ id: noteId, user: 'carol', date_time: '2024-03-05T15:30:02', text }),
    noteAction: text === null ? null : 'created',
    text,
    checklistEntry: { date: '2024-03-05', user: 'carol' },
    replacedSameDay: false,
  };
}

type Panel = HTMLElementTagNameMap['alyx-qc-signoff'];

async function mount(fields: Partial<Panel> = {}): Promise<Panel> {
  return fixture('alyx-qc-signoff', { context: context(), now: NOW, ...fields });
}

const submitButton = (el: Element): HTMLButtonElement => deepQuery<HTMLButtonElement>(el, '.actions > button');
const status = (el: Element): string => visibleText(deepQuery(el, '[role=status]'));
/** The status line of a written verdict, without the note shown under it. */
const verdict = (el: Element): string => visibleText(deepQuery(el, '[role=status]')).split(/ (?=\S+ · \d{4}-)/)[0] ?? '';
const preview = (el: Element): string => deepQueryAll(el, 'details pre').map((pre) => pre.textContent ?? '').join('\n');

async function tick(el: Panel, reason: string): Promise<void> {
  const box = deepQueryAll<HTMLInputElement>(el, 'fieldset > label > input').find(
    (input) => input.parentElement?.textContent?.trim() === reason,
  );
  expect(box, `no checkbox "${reason}"`);
  box.click();
  await settle(el);
}

async function clickSubmit(el: Panel): Promise<void> {
  submitButton(el).click();
  await settle(el);
}

describe('<alyx-qc-signoff>', () => {
  afterEach(cleanup);

  for (const kind of Object.keys(NOTE_KINDS).filter((id) => id.startsWith('signoff-')) as SignOffKindId[]) {
    it(`renders a ${kind} sign-off with its reasons`, async () => {
      const key = KEY;
      const el = await mount({ context: context({ kind, signOffKey: key }) });
      const text = visibleText(el);
      expect(text.startsWith(`${NOTE_KINDS[kind].label} ${key} Not signed off yet. Session ${EID}`), text);
      const reasons = deepQueryAll(el, 'fieldset > label:not(.other)').map((label) => label.textContent?.trim());
      equal(reasons, NOTE_KINDS[kind].reasons, 'reasons');
    });
  }

  it('waits for a context', async () => {
    const el = await fixture('alyx-qc-signoff');
    equal(visibleText(el), 'No session to sign off yet.', 'text');
  });

  it('previews the exact note text and checklist entry, following the choice', async () => {
    const el = await mount();
    await tick(el, 'wheel data corrupt');
    const expected = signOffNoteText(KEY, TODAY_KEY, { reasons: ['wheel data corrupt'], other: null });
    equal(preview(el), `${expected}\n{"${KEY}": {"date": "2024-03-05", "user": "carol"}}`, 'preview');
    const details = deepQuery<HTMLDetailsElement>(el, 'details');
    expect(!details.open, 'the preview is collapsed at first');
  });

  it('previews a merge into the one existing note, and shows that note and the checklist entry', async () => {
    const el = await mount({ context: context({ existingNotes: [earlierNote], checklistEntry: { date: '2024-03-04', user: 'alice' } }) });
    await tick(el, OTHER);
    const area = deepQuery<HTMLTextAreaElement>(el, 'textarea');
    area.focus();
    await sendKeys({ type: 'Stim “glitch”' });
    await settle(el);
    const choice = { reasons: [OTHER], other: 'Stim “glitch”' };
    expect(preview(el).startsWith(mergeSignOffNoteText(earlierNote.text, TODAY_KEY, choice)), preview(el));
    const text = visibleText(el);
    for (const part of ['Signed off by alice on 2024-03-04.', 'Existing sign-off note (1)', 'alice · 2024-03-04 10:12', '2024-03-04_alice', 'wheel data corrupt']) {
      expect(text.includes(part), `"${part}" not in: ${text}`);
    }
    expect(!text.includes('You already signed off today'), 'not the same day');
  });

  it('says before submitting that a second sign-off today replaces today\u2019s entry', async () => {
    const sameDay = 'You already signed off today; this replaces today\u2019s entry.';
    let el = await mount({ context: context({ checklistEntry: { date: '2024-03-05', user: 'carol' } }) });
    expect(visibleText(el).includes(sameDay), 'checklist entry of today by the same reviewer');
    el.context = context({ checklistEntry: { date: '2024-03-05', user: 'alice' } });
    await settle(el);
    expect(!visibleText(el).includes(sameDay), 'another reviewer today');
    const todays = note({ text: signOffNoteText(KEY, TODAY_KEY, { reasons: [], other: 'x' }) });
    el = await mount({ context: context({ existingNotes: [todays], checklistEntry: { date: '2024-03-04', user: 'carol' } }) });
    expect(visibleText(el).includes(sameDay), 'the note already has today\u2019s key');
  });

  it('refuses to merge into several notes, but still signs off without a note', async () => {
    const submitted: SignOffSubmission[] = [];
    const second = note({ id: 'note-2', user: 'bob', text: 'duplicate sign-off' });
    const el = await mount({
      context: context({ existingNotes: [earlierNote, second] }),
      submit: async (submission) => (submitted.push(submission), written(submission)),
    });
    await tick(el, 'wheel data corrupt');
    expect(visibleText(el).includes(`There are 2 sign-off notes for ${KEY}, so this sign-off cannot be merged`), visibleText(el));
    expect(submitButton(el).getAttribute('aria-disabled') === 'true', 'submit unavailable with a note');
    await clickSubmit(el);
    equal(submitted.length, 0, 'submissions');

    deepQuery<HTMLInputElement>(el, '.toggle input').click();
    await settle(el);
    expect(deepQuery<HTMLFieldSetElement>(el, 'fieldset').disabled, 'the reasons are set aside');
    equal(preview(el), `{"${KEY}": {"date": "2024-03-05", "user": "carol"}}`, 'only the checklist entry is written');
    await clickSubmit(el);
    equal(submitted, [{ choice: { reasons: [], other: null }, withNote: false }], 'submissions');
    expect(status(el) === 'Signed off as carol on 2024-03-05. No note written.', status(el));
  });

  it('shows progress while in flight, sends once however often it is clicked, then what was written', async () => {
    const calls: [SignOffSubmission, AbortSignal][] = [];
    const pending = deferred<SignOffResult>();
    const el = await mount({ submit: (submission, signal) => (calls.push([submission, signal]), pending.promise) });
    const seen = recordEvents(document, 'alyx-qc-written', 'alyx-qc-failed');
    await tick(el, 'task data could not be synced');
    await clickSubmit(el);
    await clickSubmit(el);
    submitButton(el).dispatchEvent(new MouseEvent('dblclick', { bubbles: true }));
    await clickSubmit(el);
    equal(calls.length, 1, 'submit calls');
    equal(calls[0]![0], { choice: { reasons: ['task data could not be synced'], other: null }, withNote: true }, 'submission');
    expect(calls[0]![1] instanceof AbortSignal && !calls[0]![1].aborted, 'an AbortSignal is passed');
    expect(submitButton(el).getAttribute('aria-disabled') === 'true', 'button disabled while pending');
    expect(deepQueryAll(el, '.spinner').length === 1, 'progress indicator');
    equal(status(el), 'Signing off in Alyx\u2026', 'status');
    expect(deepQuery<HTMLFieldSetElement>(el, 'fieldset').disabled, 'reasons locked while pending');

    const result = written(calls[0]![0], 'f1e2d3c4-aaaa-4bbb-8ccc-000000000042');
    pending.resolve(result);
    await pending.promise;
    await settle(el);
    equal(verdict(el), 'Signed off as carol on 2024-03-05. Note f1e2d3c4-aaaa-4bbb-8ccc-000000000042 written:', 'the verdict as written');
    expect(deepQueryAll(el, '.spinner').length === 0, 'no progress indicator');
    expect(visibleText(el).includes('carol · 2024-03-05 15:30'), 'the written note is shown');
    expect(!visibleText(el).includes('Not signed off yet.'), 'the header shows the new checklist entry');
    equal(seen.map((e) => e.type), ['alyx-qc-written'], 'events');
    expect((seen[0] as CustomEvent).detail === result && seen[0]!.bubbles && seen[0]!.composed, 'written event carries the result');

    await clickSubmit(el);
    equal(calls.length, 1, 'a repeated click after the write sends nothing');
    await tick(el, 'wheel data corrupt');
    expect(submitButton(el).getAttribute('aria-disabled') === 'false', 'a new choice can be submitted');
  });

  it('keeps every choice and the typed text after a failure, and Retry resubmits them', async () => {
    const calls: SignOffSubmission[] = [];
    const el = await mount({
      submit: async (submission) => {
        calls.push(submission);
        if (calls.length === 1) throw new Error('PATCH /sessions/2ffd… failed with 503: Service Unavailable. Try again later.');
        return written(submission);
      },
    });
    const seen = recordEvents(document, 'alyx-qc-failed');
    await tick(el, 'raw trial data does not exist');
    await tick(el, OTHER);
    deepQuery<HTMLTextAreaElement>(el, 'textarea').focus();
    await sendKeys({ type: 'Bpod froze twice' });
    await settle(el);
    await clickSubmit(el);
    await settle(el);

    equal(status(el), 'Sign-off failed: PATCH /sessions/2ffd… failed with 503: Service Unavailable. Try again later.', 'status');
    equal((seen[0] as CustomEvent).detail.message, 'PATCH /sessions/2ffd… failed with 503: Service Unavailable. Try again later.', 'failed event');
    const choice = { reasons: ['raw trial data does not exist', OTHER], other: 'Bpod froze twice' };
    equal(el.value, choice, 'value kept');
    equal(deepQueryAll<HTMLInputElement>(el, 'fieldset input').map((box) => box.checked), [true, false, false, false, true], 'boxes kept');
    equal(deepQuery<HTMLTextAreaElement>(el, 'textarea').value, 'Bpod froze twice', 'text kept');

    const retry = deepQueryAll<HTMLButtonElement>(el, 'button').find((b) => b.textContent === 'Retry');
    expect(retry, 'a Retry button');
    retry.click();
    await settle(el);
    await settle(el);
    equal(calls, [{ choice, withNote: true }, { choice, withNote: true }], 'submissions');
    expect(status(el).startsWith('Signed off as carol'), status(el));
  });

  it('does not send an incomplete choice, and says why', async () => {
    let calls = 0;
    const el = await mount({ submit: async (s) => (calls++, written(s)) });
    await clickSubmit(el);
    expect(visibleText(el).includes('Choose at least one reason.'), 'no reason');
    await tick(el, OTHER);
    await clickSubmit(el);
    expect(deepActiveElement()?.localName === 'textarea', 'focus on the Other text');
    equal(calls, 0, 'submit calls');
  });

  it('says how to fix a missing submit function', async () => {
    const el = await mount({ withNote: false });
    await clickSubmit(el);
    await settle(el);
    expect(/no submit function: set its `submit` property/.test(status(el)), status(el));
  });

  it('is an Observable input: input events on user changes only, value settable from code', async () => {
    const el = await mount();
    const seen = recordEvents(document, 'input');
    await tick(el, 'wheel data corrupt');
    equal(seen.length, 1, 'input events');
    expect(seen[0]!.target === el && seen[0]!.bubbles && seen[0]!.composed, 'from the panel, bubbling and composed');
    equal(el.value, { reasons: ['wheel data corrupt'], other: null }, 'value');
    deepQuery<HTMLInputElement>(el, '.toggle input').click();
    await settle(el);
    equal(seen.length, 1, 'the note toggle is not part of the value');

    el.value = { reasons: ['stimulus timings unreliable'], other: null };
    await settle(el);
    equal(seen.length, 1, 'setting value from code dispatches nothing');
    equal(deepQueryAll<HTMLInputElement>(el, 'fieldset input').map((box) => box.checked), [false, false, false, true, false], 'boxes');
  });

  it('renders Alyx text as text: hostile notes and user names run nothing', async () => {
    const hostile: AlyxNote[] = [
      note({ user: '<img src=x onerror="window.__aqPwned=1">', text: '<img src=x onerror="window.__aqPwned=2"><script>window.__aqPwned=3</script>' }),
    ];
    const el = await mount({ context: context({ existingNotes: hostile, checklistEntry: { date: '2024-03-01', user: '<b>mallory</b>' } }) });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const text = visibleText(el);
    expect(text.includes('<img src=x onerror="window.__aqPwned=2"><script>window.__aqPwned=3</script>'), text);
    expect(text.includes('Signed off by <b>mallory</b>'), text);
    equal(deepQueryAll(el, 'img, script, b').length, 0, 'elements created from Alyx text');
    equal((window as { __aqPwned?: number }).__aqPwned, undefined, 'window.__aqPwned');
  });

  it('works with the keyboard alone', async () => {
    const calls: SignOffSubmission[] = [];
    const el = await mount({ submit: async (s) => (calls.push(s), written(s)) });
    deepQuery<HTMLInputElement>(el, '.toggle input').focus();
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Space' });
    for (const _ of NOTE_KINDS['signoff-task'].reasons) await sendKeys({ press: 'Tab' });
    expect(deepActiveElement()?.localName === 'summary', `focus on ${deepActiveElement()?.outerHTML}`);
    await sendKeys({ press: 'Enter' });
    expect(deepQuery<HTMLDetailsElement>(el, 'details').open, 'Enter opens the preview');
    await sendKeys({ press: 'Tab' });
    expect(deepActiveElement() === submitButton(el), `focus on ${deepActiveElement()?.outerHTML}`);
    await sendKeys({ press: 'Enter' });
    await settle(el);
    equal(calls.length, 1, 'submitted');
    expect(deepActiveElement() === submitButton(el), 'focus stays on the button through the write');
  });
});
