/**
 * What the sign-off panel shows once it wrote: the verdict once, in the success style, nothing
 * editable under it, and "Change the verdict" for a new submission. And issue 17: "written" as soon
 * as both writes are answered, while the read-back runs on; what the read-back changed or failed.
 */
import { signOffNoteText } from '../core/note-text.ts';
import type { SignOffContext, SignOffResult, SignOffSubmission } from '../core/workflow-types.ts';
import './signoff-panel.ts';
import { afterEach, cleanup, deepQuery, deepQueryAll, deferred, describe, equal, expect, fixture, it, note, settle, visibleText } from './test-support.ts';

const EID = '2ffd3ed5-477e-4153-9af7-7fdad3c6946b';
const KEY = '_ephysChoiceWorld_00';
const NOW = new Date(2024, 2, 5, 15, 30);
const REASON = 'task data could not be synced';

function context(): SignOffContext {
  return { eid: EID, kind: 'signoff-task', signOffKey: KEY, user: 'carol', existingNotes: [], checklistEntry: null };
}

function written(submission: SignOffSubmission, noteId = 'note-new', extra = ''): SignOffResult {
  const text = signOffNoteText(KEY, '2024-03-05_carol', submission.choice) + extra;
  return {
    status: 'written',
    note: note({ id: noteId, user: 'carol', date_time: '2024-03-05T15:30:02', text }),
    noteAction: 'created',
    text,
    checklistEntry: { date: '2024-03-05', user: 'carol' },
    replacedSameDay: false,
  };
}

type Panel = HTMLElementTagNameMap['alyx-qc-signoff'];
type Submit = NonNullable<Panel['submit']>;

async function mount(submit: Submit): Promise<Panel> {
  return fixture('alyx-qc-signoff', { context: context(), now: NOW, submit });
}

const button = (el: Element): HTMLButtonElement => deepQuery<HTMLButtonElement>(el, '.actions > button');
const status = (el: Element): HTMLElement => deepQuery(el, '[role=status]');

async function signOff(el: Panel): Promise<void> {
  const box = deepQueryAll<HTMLInputElement>(el, 'fieldset > label > input').find((input) => input.parentElement?.textContent?.trim() === REASON);
  expect(box, `no checkbox "${REASON}"`);
  box.click();
  await settle(el);
  button(el).click();
  await settle(el);
}

describe('<alyx-qc-signoff> after a sign-off', () => {
  afterEach(cleanup);

  it('shows the verdict once, in the success style, with nothing editable under it; "Change the verdict" reopens it', async () => {
    const el = await mount(async (submission) => written(submission));
    await signOff(el);
    // The view re-reads Alyx after the write: the context then holds the note just written.
    const result = written({ choice: { reasons: [REASON], other: null }, withNote: true });
    el.context = { ...context(), checklistEntry: { date: '2024-03-05', user: 'carol' }, existingNotes: result.status === 'written' && result.note ? [result.note] : [] };
    await settle(el);

    const text = visibleText(el);
    expect(text.includes('Signed off as carol on 2024-03-05. Note note-new written:'), `the verdict: ${text}`);
    equal(deepQueryAll(el, '.note').length, 1, 'notes shown (the one written, once)');
    expect(!text.includes('Existing sign-off note'), 'no list of existing notes repeating it');
    expect(!text.includes('You already signed off today'), 'no amber same-day notice for the note just written');
    expect(status(el).classList.contains('ok'), 'the verdict is in the success style');
    const ok = getComputedStyle(status(el)).borderLeftColor;
    const warn = document.createElement('p');
    warn.className = 'notice';
    status(el).parentElement!.append(warn);
    expect(getComputedStyle(warn).borderLeftColor !== ok, `success (${ok}) looks different from a warning`);
    warn.remove();
    expect(deepQueryAll<HTMLInputElement>(el, 'input[type=checkbox]').every((box) => box.disabled || box.closest('fieldset')?.disabled), 'no checkbox editable');
    equal(button(el).textContent?.trim(), 'Change the verdict', 'the button offers a new submission');
    equal(button(el).getAttribute('aria-disabled'), 'false', 'and is available');

    button(el).click();
    await settle(el);
    const reopened = visibleText(el);
    expect(reopened.includes('You already signed off today; this replaces today\u2019s entry.'), 'the same-day replacement is explained now');
    expect(reopened.includes('Existing sign-off note (1)'), 'the note written is now among the existing notes');
    equal(button(el).textContent?.trim(), 'Sign off', 'the button signs off again');
    expect(!deepQuery<HTMLFieldSetElement>(el, 'fieldset').disabled, 'the reasons are editable again');
  });

  it('says "written" as soon as the writes are answered, while the read-back runs on', async () => {
    const readBack = deferred<SignOffResult>();
    const el = await mount((submission, _signal, onWritten) => {
      onWritten?.(written(submission));
      return readBack.promise;
    });
    await signOff(el);
    const text = visibleText(status(el));
    expect(text.startsWith('Signed off as carol on 2024-03-05.') && text.includes('Checking\u2026'), `written, still checking: ${text}`);
    equal(button(el).getAttribute('aria-disabled'), 'true', 'Change the verdict waits for the check');

    readBack.resolve(written({ choice: { reasons: [REASON], other: null }, withNote: true }));
    await readBack.promise;
    await settle(el);
    const done = visibleText(status(el));
    expect(!done.includes('Checking') && !done.includes('Written again'), `checked, nothing to add: ${done}`);
    equal(button(el).getAttribute('aria-disabled'), 'false', 'Change the verdict is available');
  });

  it('says so when the read-back found the sign-off undone and wrote it again', async () => {
    const el = await mount(async (submission, _signal, onWritten) => {
      onWritten?.(written(submission));
      // A concurrent sign-off's note was merged in: the read-back settled on another text.
      return written(submission, 'note-new', ' ');
    });
    await signOff(el);
    expect(visibleText(status(el)).includes('Written again: someone wrote meanwhile.'), visibleText(status(el)));
  });

  it('shows a failed read-back as a failure, with Retry, after saying it was written', async () => {
    let calls = 0;
    const el = await mount(async (submission, _signal, onWritten) => {
      calls++;
      onWritten?.(written(submission));
      if (calls === 1) throw new Error('GET /sessions/2ffd… failed with 503: Service Unavailable.');
      return written(submission);
    });
    await signOff(el);
    const text = visibleText(status(el));
    expect(text.includes('Sign-off failed: written, but the check after it failed: GET /sessions/2ffd… failed with 503'), text);
    const retry = deepQueryAll<HTMLButtonElement>(el, '.actions > button').find((b) => b.textContent?.trim() === 'Retry');
    expect(retry, 'a Retry button');
    retry.click();
    await settle(el);
    equal(calls, 2, 'Retry signs off again');
    expect(visibleText(status(el)).startsWith('Signed off as carol'), 'and then it is written');
  });
});
