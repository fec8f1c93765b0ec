import { sendKeys } from '@web/test-runner-commands';
import type { AlyxNote } from '../core/alyx-types.ts';
import { NOTE_KINDS, OTHER, type CriticalKind } from '../core/note-kinds.ts';
import { criticalNoteText } from '../core/note-text.ts';
import type { CriticalContext, CriticalResult, CriticalSubmission } from '../core/workflow-types.ts';
import './critical-note-panel.ts';
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

const PID = '8d8f3c1a-4b5e-4f6a-9c7d-0e1f2a3b4c5d';
const insertion = NOTE_KINDS['critical-insertion'] as CriticalKind;

function context(fields: Partial<CriticalContext> = {}): CriticalContext {
  return { uuid: PID, kind: 'critical-insertion', contentType: 'probeinsertion', user: 'carol', existingNotes: [], ...fields };
}

const aliceNote = note({
  id: 'old-1',
  user: 'alice',
  content_type: 'experiments.probeinsertion',
  text: criticalNoteText(insertion, { reasons: ['Drift'], other: null }),
});

function written(submission: CriticalSubmission, deleted: readonly string[] = []): CriticalResult {
  const text = criticalNoteText(insertion, submission.choice);
  return { status: 'written', note: note({ id: 'new-1', user: 'carol', date_time: '2024-03-05T15:30:02', text }), text, deletedNoteIds: deleted };
}

type Panel = HTMLElementTagNameMap['alyx-qc-critical-note'];
type Dialog = HTMLElementTagNameMap['alyx-qc-overwrite-dialog'];

function recorder(respond: (s: CriticalSubmission, call: number) => CriticalResult | Promise<CriticalResult>) {
  const calls: CriticalSubmission[] = [];
  const submit = async (submission: CriticalSubmission): Promise<CriticalResult> => {
    calls.push(submission);
    return respond(submission, calls.length);
  };
  return { calls, submit };
}

const dialogOf = (el: Element): Dialog => deepQuery<Dialog>(el, 'alyx-qc-overwrite-dialog');
const status = (el: Element): string => visibleText(deepQuery(el, '[role=status]'));
/** The status line of a written verdict, without the note shown under it. */
const verdict = (el: Element): string => visibleText(deepQuery(el, '[role=status]')).split(/ (?=\S+ · \d{4}-)/)[0] ?? '';
const button = (el: Element, label: RegExp): HTMLButtonElement => {
  const found = deepQueryAll<HTMLButtonElement>(el, 'button').find((b) => label.test(b.textContent?.trim() ?? ''));
  expect(found, `no button ${label}`);
  return found;
};

async function tick(el: Panel, reason: string): Promise<void> {
  const box = deepQueryAll<HTMLInputElement>(el, 'fieldset > label > input').find((input) => input.parentElement?.textContent?.trim() === reason);
  expect(box, `no checkbox "${reason}"`);
  box.click();
  await settle(el);
}

async function click(el: Panel, label: RegExp): Promise<void> {
  button(el, label).click();
  await settle(el);
  await settle(el);
}

describe('<alyx-qc-critical-note>', () => {
  afterEach(cleanup);

  it('renders a critical session and a critical insertion with their reasons', async () => {
    for (const kind of ['critical-session', 'critical-insertion'] as const) {
      const el = await fixture('alyx-qc-critical-note', { context: context({ kind }) });
      const object = kind === 'critical-session' ? 'session' : 'insertion';
      const noun = kind === 'critical-session' ? 'Session' : 'Probe insertion';
      expect(visibleText(el).startsWith(`Mark ${object} as CRITICAL ${noun} ${PID}, noted as carol`), visibleText(el));
      const reasons = deepQueryAll(el, 'fieldset > label:not(.other)').map((label) => label.textContent?.trim());
      equal(reasons, NOTE_KINDS[kind].reasons, 'reasons');
    }
  });

  it('explains a kind that is not critical', async () => {
    const el = await fixture('alyx-qc-critical-note', { context: context({ kind: 'signoff-task' as never }) });
    expect(visibleText(el).includes('"signoff-task" is not a critical note kind'), visibleText(el));
  });

  it('writes at once when there is no note to replace, and previews the exact text', async () => {
    const { calls, submit } = recorder((s) => written(s));
    const el = await fixture('alyx-qc-critical-note', { context: context(), submit });
    const seen = recordEvents(document, 'alyx-qc-written');
    await tick(el, 'Brain Damage');
    equal(deepQuery(el, 'details pre').textContent, criticalNoteText(insertion, { reasons: ['Brain Damage'], other: null }), 'preview');
    await click(el, /^Mark as critical$/);
    equal(calls, [{ choice: { reasons: ['Brain Damage'], other: null }, overwrite: false }], 'submissions');
    equal(verdict(el), 'Marked as critical: note new-1 written.', 'the verdict as written');
    equal(seen.length, 1, 'written events');
  });

  it('asks before replacing existing notes; Cancel sends nothing', async () => {
    const { calls, submit } = recorder((s) => written(s));
    const el = await fixture('alyx-qc-critical-note', { context: context({ existingNotes: [aliceNote] }), submit });
    expect(visibleText(el).includes('Existing critical note (1) alice · 2024-03-04 10:12 Drift Submitting asks before replacing it.'), visibleText(el));
    await tick(el, 'Poor neural yield');
    await click(el, /^Mark as critical$/);
    const dialog = dialogOf(el);
    expect(dialog.open, 'the dialog opens');
    equal(dialog.notes, [aliceNote], 'the dialog shows the existing notes');
    equal(dialog.text, criticalNoteText(insertion, { reasons: ['Poor neural yield'], other: null }), 'next to the new text');
    expect(deepActiveElement()?.textContent === 'Cancel', 'focus in the dialog');
    equal(calls.length, 0, 'nothing sent while asking');
    await click(el, /^Mark as critical$/);
    equal(calls.length, 0, 'the panel is not submittable behind the dialog');

    await sendKeys({ press: 'Escape' });
    await settle(el);
    expect(!dialog.open, 'closed');
    equal(calls.length, 0, 'nothing sent after cancelling');
    equal(status(el), 'Cancelled: nothing was written.', 'status');
    expect(deepActiveElement() === button(el, /^Mark as critical$/), 'focus back on the submit button');
    equal(el.value, { reasons: ['Poor neural yield'], other: null }, 'choice kept');
  });

  it('replaces existing notes once confirmed', async () => {
    const { calls, submit } = recorder((s) => written(s, ['old-1']));
    const el = await fixture('alyx-qc-critical-note', { context: context({ existingNotes: [aliceNote] }), submit });
    await tick(el, 'Drift');
    await click(el, /^Mark as critical$/);
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Enter' });
    await settle(el);
    await settle(el);
    equal(calls, [{ choice: { reasons: ['Drift'], other: null }, overwrite: true }], 'submissions');
    equal(verdict(el), 'Marked as critical: note new-1 written, 1 older note deleted.', 'the verdict as written');
  });

  it('asks again when a note appeared meanwhile (needs-confirmation)', async () => {
    const bobNote = note({ id: 'bob-1', user: 'bob', text: criticalNoteText(insertion, { reasons: ['Drift'], other: null }) });
    const { calls, submit } = recorder((s, call) =>
      call === 1 ? { status: 'needs-confirmation', existingNotes: [bobNote], text: criticalNoteText(insertion, s.choice) } : written(s, ['bob-1']),
    );
    const el = await fixture('alyx-qc-critical-note', { context: context(), submit });
    await tick(el, 'Histological images missing');
    await click(el, /^Mark as critical$/);
    expect(dialogOf(el).open, 'the dialog opens');
    equal(dialogOf(el).notes, [bobNote], 'with the note that appeared');
    equal(status(el), 'Nothing written yet: another critical note appeared meanwhile. Confirm to replace it.', 'status');
    button(dialogOf(el), /^Replace note$/).click();
    await settle(el);
    await settle(el);
    equal(calls.map((c) => c.overwrite), [false, true], 'overwrite flags');
    equal(verdict(el), 'Marked as critical: note new-1 written, 1 older note deleted.', 'the verdict as written');
  });

  it('says when another reviewer\u2019s note landed first (superseded)', async () => {
    const bobNote = note({ id: 'bob-1', user: 'bob', text: criticalNoteText(insertion, { reasons: ['Drift'], other: null }) });
    const { submit } = recorder((s) => ({ status: 'superseded', note: bobNote, text: criticalNoteText(insertion, s.choice) }));
    const el = await fixture('alyx-qc-critical-note', { context: context(), submit });
    await tick(el, 'Drift');
    await click(el, /^Mark as critical$/);
    equal(status(el), 'Not written: another reviewer\u2019s critical note landed first, so yours was withdrawn.', 'status');
    expect(visibleText(el).includes('bob · 2024-03-04 10:12 Drift'), 'their note is shown');
  });

  it('offers only the GUI reasons and replaces without asking when guiOnly', async () => {
    const { calls, submit } = recorder((s) => written(s, ['old-1']));
    const el = await fixture('alyx-qc-critical-note', { context: context({ existingNotes: [aliceNote] }), submit, guiOnly: true });
    const reasons = deepQueryAll(el, 'fieldset > label:not(.other)').map((label) => label.textContent?.trim());
    equal(reasons, insertion.guiReasons, 'reasons');
    expect(visibleText(el).includes('Submitting replaces it.'), 'says it replaces');
    await tick(el, 'Noise and artifact');
    await click(el, /^Mark as critical$/);
    expect(!dialogOf(el).open, 'no dialog');
    equal(calls, [{ choice: { reasons: ['Noise and artifact'], other: null }, overwrite: true }], 'submissions');
  });

  it('disables the button while in flight and sends once on a double click', async () => {
    const pending = deferred<CriticalResult>();
    const { calls, submit } = recorder(() => pending.promise);
    const el = await fixture('alyx-qc-critical-note', { context: context(), submit });
    await tick(el, 'Drift');
    const submitButton = button(el, /^Mark as critical$/);
    submitButton.click();
    submitButton.click();
    await settle(el);
    submitButton.click();
    equal(calls.length, 1, 'submit calls');
    equal(submitButton.getAttribute('aria-disabled'), 'true', 'aria-disabled');
    equal(status(el), 'Writing the note to Alyx\u2026', 'status');
    pending.resolve(written(calls[0]!));
    await pending.promise;
    await settle(el);
    equal(calls.length, 1, 'submit calls after the write');
  });

  it('keeps the choice and the Other text after a failure; Retry resubmits without asking again', async () => {
    const { calls, submit } = recorder((s, call) => {
      if (call === 1) throw new Error('POST /notes failed with 500: Internal Server Error. Alyx had an internal problem; try again later.');
      return written(s, ['old-1']);
    });
    const el = await fixture('alyx-qc-critical-note', { context: context({ existingNotes: [aliceNote] }), submit });
    const failed = recordEvents(document, 'alyx-qc-failed');
    await tick(el, 'Drift');
    await tick(el, OTHER);
    deepQuery<HTMLTextAreaElement>(el, 'textarea').focus();
    await sendKeys({ type: 'Shank 2 bent' });
    await click(el, /^Mark as critical$/);
    button(dialogOf(el), /^Replace note$/).click();
    await settle(el);
    await settle(el);
    equal(status(el), 'Not written: POST /notes failed with 500: Internal Server Error. Alyx had an internal problem; try again later.', 'status');
    equal(failed.length, 1, 'failed events');
    const choice = { reasons: ['Drift', OTHER], other: 'Shank 2 bent' };
    equal(el.value, choice, 'value kept');
    equal(deepQuery<HTMLTextAreaElement>(el, 'textarea').value, 'Shank 2 bent', 'text kept');
    await click(el, /^Retry$/);
    expect(!dialogOf(el).open, 'Retry does not ask again');
    equal(calls, [{ choice, overwrite: true }, { choice, overwrite: true }], 'submissions');
    equal(verdict(el), 'Marked as critical: note new-1 written, 1 older note deleted.', 'the verdict as written');
  });

  it('requires a reason and the Other text before anything is sent', async () => {
    const { calls, submit } = recorder((s) => written(s));
    const el = await fixture('alyx-qc-critical-note', { context: context(), submit });
    await click(el, /^Mark as critical$/);
    expect(visibleText(el).includes('Choose at least one reason.'), visibleText(el));
    await tick(el, OTHER);
    await click(el, /^Mark as critical$/);
    expect(deepActiveElement()?.localName === 'textarea', 'focus on the Other text');
    equal(calls.length, 0, 'submit calls');
  });

  it('shows a dry run', async () => {
    const { submit } = recorder((s) => ({ status: 'dry-run', text: criticalNoteText(insertion, s.choice), requests: [{ method: 'POST', path: '/notes' }] }));
    const el = await fixture('alyx-qc-critical-note', { context: context(), submit });
    await tick(el, 'Drift');
    await click(el, /^Mark as critical$/);
    equal(status(el), 'Dry run, nothing written: it would send 1 requests.', 'status');
  });

  it('renders hostile note texts as text, in the panel and in the dialog', async () => {
    const hostile: AlyxNote[] = [
      note({ user: '<script>window.__aqPwned=1</script>', text: '<img src=x onerror="window.__aqPwned=2">' }),
      note({
        id: 'json',
        text: JSON.stringify({ title: insertion.title, reasons_selected: ['<img src=x onerror="window.__aqPwned=3">'], reason_for_other: '<script>window.__aqPwned=4</script>' }),
      }),
    ];
    const el = await fixture('alyx-qc-critical-note', { context: context({ existingNotes: hostile }), submit: async (s) => written(s) });
    await tick(el, 'Drift');
    await click(el, /^Mark as critical$/);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const text = visibleText(el);
    for (const part of [
      '<script>window.__aqPwned=1</script>',
      '<img src=x onerror="window.__aqPwned=2">',
      '<img src=x onerror="window.__aqPwned=3">',
      'Other: <script>window.__aqPwned=4</script>',
    ]) {
      expect(text.includes(part), `"${part}" not shown as text in: ${text}`);
    }
    equal(deepQueryAll(el, 'img, script').length, 0, 'elements created from Alyx text');
    equal((window as { __aqPwned?: number }).__aqPwned, undefined, 'window.__aqPwned');
    dialogOf(el).open = false;
  });
});
