import { sendKeys } from '@web/test-runner-commands';
import type { AlyxSession } from '../core/alyx-types.ts';
import { signOffNoteText } from '../core/note-text.ts';
import type { ReviewQueueData } from '../core/review-queue.ts';
import type { SignOffResult, SignOffSubmission } from '../core/workflow-types.ts';
import './review-queue.ts';
import { afterEach, cleanup, deepActiveElement, deepQuery, deepQueryAll, deferred, describe, equal, expect, expectAccessible, fixture, it, note, settle, visibleText, waitFor } from './test-support.ts';

const KEY = '_ephysChoiceWorld_00';
const NOW = new Date(2024, 2, 5, 15, 30);
const EIDS = [1, 2, 3, 4, 5, 6].map((n) => `2ffd3ed5-477e-4153-9af7-7fdad3c6940${n}`);

function record(eid: string, index: number): AlyxSession {
  return { id: eid, subject: `KS0${20 + index}`, start_time: `2024-01-1${index}T10:00:00`, number: index + 1, task_protocol: '_iblrig_tasks_ephysChoiceWorld6.6.2', json: { sign_off_checklist: { [KEY]: null } } };
}

/** Six sessions: the second signed off by alice already (with a reason), the others due. */
function data(): ReviewQueueData {
  return {
    kind: 'signoff-task',
    signOffKey: KEY,
    user: 'carol',
    sessions: EIDS.map((eid, index) => {
      const signed = index === 1;
      return {
        eid,
        session: record(eid, index),
        signedOff: signed,
        entry: signed ? { date: '2024-03-01', user: 'alice' } : null,
        existingNotes: signed ? [note({ id: 'n-alice', user: 'alice', object_id: eid, text: signOffNoteText(KEY, '2024-03-01_alice', { reasons: ['wheel data corrupt'], other: null }) })] : [],
        problem: null,
      };
    }),
  };
}

function written(eid: string, submission: SignOffSubmission): SignOffResult {
  const text = submission.withNote ? signOffNoteText(KEY, '2024-03-05_carol', submission.choice) : null;
  return {
    status: 'written',
    note: text === null ? null : note({ id: `n-${eid.slice(-1)}`, user: 'carol', object_id: eid, text }),
    noteAction: text === null ? null : 'created',
    text,
    checklistEntry: { date: '2024-03-05', user: 'carol' },
    replacedSameDay: false,
  };
}

type Queue = HTMLElementTagNameMap['alyx-qc-review-queue'];

const header = (el: Queue): string => visibleText(deepQuery(el, '.progress-text'));
const heading = (el: Queue): string => visibleText(deepQuery(el, '.detail h3'));
const rowStatus = (el: Queue, index: number): string => visibleText(deepQueryAll(el, 'ol .meta')[index * 2 + 1]!);

async function focusQueue(el: Queue): Promise<void> {
  deepQuery(el, '.queue').focus();
  await settle(el);
}

async function press(el: Queue, key: string): Promise<void> {
  await sendKeys({ press: key });
  await settle(el);
}

describe('<alyx-qc-review-queue>', () => {
  afterEach(cleanup);

  it('shows the progress, the list with statuses, and starts at the first due session', async () => {
    const el = await fixture('alyx-qc-review-queue', { data: data(), now: NOW, submit: async (eid, s) => written(eid, s) });
    equal(header(el), '1 of 6 signed off \u00b7 1 with reasons', 'header');
    equal(deepQuery<HTMLProgressElement>(el, 'progress').value, 1, 'progress bar');
    equal(rowStatus(el, 1), 'signed off by alice on 2024-03-01 (1 reason)', 'row of the signed-off session');
    equal(rowStatus(el, 0), 'due', 'row of a due session');
    expect(heading(el).startsWith('KS020 \u00b7 2024-01-10 \u00b7 #1'), `current session: ${heading(el)}`);
    expect(visibleText(deepQuery(el, '.keys')).includes('Enter sign off & next'), 'the keys are shown');
    await expectAccessible(el, 'the review queue');
  });

  it('keyboard only: five sessions reviewed, a fault on one write, Retry; nothing written twice, the choice kept', async () => {
    const calls: [string, SignOffSubmission][] = [];
    const fault = deferred<SignOffResult>();
    const el = await fixture('alyx-qc-review-queue', {
      data: data(),
      now: NOW,
      submit: (eid, submission) => {
        calls.push([eid, submission]);
        // The fourth session's first write fails (a fault of the transport, which the test stands in for).
        if (eid === EIDS[3] && calls.filter(([id]) => id === eid).length === 1) return fault.promise;
        return Promise.resolve(written(eid, submission));
      },
    });
    await focusQueue(el);
    // Session 1: fine (no reasons).
    await press(el, 'Enter');
    expect(heading(el).includes('#3'), `Enter moved to the next due session (#3), skipping the signed-off #2: ${heading(el)}`);
    // Session 3: reason 1, then Enter.
    await press(el, '1');
    equal(deepQuery<HTMLElementTagNameMap['alyx-qc-signoff']>(el, 'alyx-qc-signoff').value, { reasons: ['wheel data corrupt'], other: null }, 'digit 1 toggles reason 1');
    await press(el, 'Enter');
    // Session 4: Other with text typed key by key, then Escape back to the queue, Enter.
    await press(el, 'o');
    expect(deepActiveElement()?.localName === 'textarea', 'o goes to the Other text');
    await sendKeys({ type: 'stim 2 froze' });
    await press(el, 'Escape');
    await press(el, 'Enter');
    expect(heading(el).includes('#5'), `moved on while the write of #4 runs: ${heading(el)}`);
    equal(rowStatus(el, 3), 'being written\u2026', 'the write runs in the background, its status in the list');
    // The request starts once the next session is on screen.
    await waitFor(() => calls.length === 3, 'the write of #4 is sent');
    fault.reject(new Error('POST /notes got no response (network): try again.'));
    await waitFor(() => rowStatus(el, 3).startsWith('failed'), 'the failure shows in the list');
    equal(header(el), '3 of 6 signed off \u00b7 2 with reasons \u00b7 1 failed', 'header after the failure');
    // Session 5: skipped with s; then session 6 with reason 0.
    await press(el, 's');
    expect(heading(el).includes('#6'), `s skips: ${heading(el)}`);
    await press(el, '0');
    await press(el, 'Enter');
    // Enter brings up the failed one next (the skipped #5 stays due); → and ← move one by one.
    expect(heading(el).includes('#4'), `the failed session comes next: ${heading(el)}`);
    await press(el, 'ArrowRight');
    expect(heading(el).includes('#5'), `→ goes on: ${heading(el)}`);
    await press(el, 'ArrowLeft');
    expect(heading(el).includes('#4'), `← goes back: ${heading(el)}`);
    equal(deepQuery<HTMLElementTagNameMap['alyx-qc-signoff']>(el, 'alyx-qc-signoff').value, { reasons: ['Other'], other: 'stim 2 froze' }, 'the failed choice is kept');
    const retry = deepQueryAll<HTMLButtonElement>(el, '.detail button').find((button) => button.textContent === 'Retry')!;
    retry.focus();
    await press(el, 'Enter');
    await waitFor(() => rowStatus(el, 3).startsWith('signed off'), 'Retry signed it off');
    equal(header(el), '5 of 6 signed off \u00b7 4 with reasons', 'header after Retry');
    equal(calls.map(([eid]) => EIDS.indexOf(eid) + 1), [1, 3, 4, 6, 4], 'one write per Enter, the failed one once more on Retry, none for the skipped');
    equal(calls[2]![1], { choice: { reasons: ['Other'], other: 'stim 2 froze' }, withNote: true }, 'the Other text as typed');
    equal(calls[0]![1], { choice: { reasons: [], other: null }, withNote: false }, 'no reasons signs off the checklist only');
    equal(el.value.map((row) => row.status), ['signed-off', 'signed-off', 'signed-off', 'signed-off', 'due', 'signed-off'], 'value');
  });

  it('the next session starts clean: nothing of the last panel\u2019s own button or "Write a note" carries over', async () => {
    const el = await fixture('alyx-qc-review-queue', { data: data(), now: NOW, submit: async (eid, s) => written(eid, s) });
    const panel = (): HTMLElementTagNameMap['alyx-qc-signoff'] => deepQuery(el, 'alyx-qc-signoff');
    const signOffButton = (): HTMLButtonElement => panel().renderRoot.querySelector<HTMLButtonElement>('.actions button')!;
    // Session 1 with reason 1, through the panel's own button: written in the background, then the next session.
    await focusQueue(el);
    await press(el, '1');
    signOffButton().click();
    await waitFor(() => heading(el).includes('#3'), 'the panel\u2019s button moved on');
    await waitFor(() => rowStatus(el, 0).startsWith('signed off'), 'session 1 written');
    await settle(el);
    equal(signOffButton().textContent?.trim(), 'Sign off', 'the button of session 3 signs off, not "Change the verdict"');
    equal(visibleText(panel().renderRoot.querySelector('.actions [role=status]')!), '', 'no status line of session 1 under session 3');
    // "Write a note" unticked on session 3 stays with it.
    const toggle = panel().renderRoot.querySelector<HTMLInputElement>('.toggle input')!;
    toggle.click();
    await settle(el);
    equal(panel().withNote, false, 'unticked on session 3');
    deepQuery(el, '.queue').focus();
    await press(el, 'ArrowRight');
    expect(heading(el).includes('#4'), `moved to #4: ${heading(el)}`);
    equal(panel().withNote, true, 'session 4 writes a note with its reasons again');
  });

  it('keys typed in the Other text stay text, and no key reaches the page', async () => {
    const seen: string[] = [];
    const listener = (event: KeyboardEvent): void => void seen.push(event.key);
    document.addEventListener('keydown', listener);
    try {
      const el = await fixture('alyx-qc-review-queue', { data: data(), now: NOW, submit: async (eid, s) => written(eid, s) });
      await focusQueue(el);
      await press(el, 'o');
      await sendKeys({ type: '12s' });
      await settle(el);
      equal(deepQuery<HTMLElementTagNameMap['alyx-qc-signoff']>(el, 'alyx-qc-signoff').value, { reasons: ['Other'], other: '12s' }, 'digits and s are text in the Other box');
      expect(heading(el).includes('#1'), 'still on the first session');
      expect(el.hasAttribute('data-lm-suppress-shortcuts'), 'carries data-lm-suppress-shortcuts');
      equal(seen, [], 'no key reached the document');
    } finally {
      document.removeEventListener('keydown', listener);
    }
  });

  it('Enter with "Other" and no text stays on the session, writes nothing and says what is missing; a digit toggles the reason back off', async () => {
    const calls: string[] = [];
    const el = await fixture('alyx-qc-review-queue', { data: data(), now: NOW, submit: async (eid, s) => (calls.push(eid), written(eid, s)) });
    await focusQueue(el);
    await press(el, 'o');
    await press(el, 'Escape');
    await press(el, 'Enter');
    expect(heading(el).includes('#1'), `still on the first session: ${heading(el)}`);
    const checklist = deepQuery<HTMLElementTagNameMap['alyx-qc-reason-checklist']>(el, 'alyx-qc-reason-checklist');
    expect(visibleText(checklist.renderRoot.querySelector('.notice.error')!).length > 0, 'the checklist says what is missing');
    equal(calls, [], 'nothing written');
    deepQuery(el, '.queue').focus();
    await press(el, '1');
    await press(el, '1');
    equal(deepQuery<HTMLElementTagNameMap['alyx-qc-signoff']>(el, 'alyx-qc-signoff').value.reasons, ['Other'], 'reason 1 ticked and unticked again, in the kind\u2019s order');
  });

  it('the list beside the session where there is room, above it where there is not', async () => {
    const el = await fixture('alyx-qc-review-queue', { data: data(), now: NOW, submit: async (eid, s) => written(eid, s) });
    const list = (): DOMRect => deepQuery(el, 'ol').getBoundingClientRect();
    const detail = (): DOMRect => deepQuery(el, '.detail').getBoundingClientRect();
    el.style.width = '900px';
    await settle(el);
    expect(detail().left >= list().right && detail().top === list().top, `beside at 900 px: list ${JSON.stringify(list())}, session ${JSON.stringify(detail())}`);
    el.style.width = '420px';
    await settle(el);
    expect(detail().top >= list().bottom && detail().width > 380, `below at 420 px, the whole width: list ${JSON.stringify(list())}, session ${JSON.stringify(detail())}`);
  });

  it('leaving the page with a write in flight asks first; moving between sessions calls nothing', async () => {
    const write = deferred<SignOffResult>();
    let calls = 0;
    const el = await fixture('alyx-qc-review-queue', { data: data(), now: NOW, submit: () => (calls++, write.promise) });
    await focusQueue(el);
    await press(el, 'ArrowRight');
    await press(el, 'ArrowLeft');
    equal(calls, 0, 'moving sends nothing');
    await press(el, 'Enter');
    const leaving = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(leaving);
    expect(leaving.defaultPrevented, 'the browser is asked to confirm leaving');
    write.resolve(written(EIDS[0]!, { choice: { reasons: [], other: null }, withNote: false }));
    await waitFor(() => rowStatus(el, 0).startsWith('signed off'), 'written');
    const later = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(later);
    expect(!later.defaultPrevented, 'nothing in flight: leaving is not held up');
  });

  it('all remaining as fine: a confirmation that lists them, then every due session signed off', async () => {
    const calls: string[] = [];
    const el = await fixture('alyx-qc-review-queue', { data: data(), now: NOW, submit: async (eid, s) => (calls.push(eid), written(eid, s)) });
    deepQuery<HTMLButtonElement>(el, 'button.remaining').click();
    await settle(el);
    const dialog = deepQuery(el, '.confirm');
    equal(dialog.querySelectorAll('li').length, 5, 'the five due sessions are listed');
    dialog.querySelector<HTMLButtonElement>('button.primary')!.click();
    await waitFor(() => header(el).startsWith('6 of 6'), 'all signed off');
    equal(calls.length, 5, 'five writes');
  });

  it('plots: the current and the next due are asked for; a failing plot says so and the review goes on', async () => {
    const asked: string[] = [];
    const png = await (await fetch('data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==')).blob();
    const el = await fixture('alyx-qc-review-queue', {
      data: data(),
      now: NOW,
      submit: async (eid, s) => written(eid, s),
      plot: async (eid) => {
        asked.push(eid);
        if (eid === EIDS[2]) throw new Error('plot() raised KeyError: trials');
        if (eid === EIDS[3]) return new Blob(['{"x": 1}'], { type: 'application/json' });
        return png;
      },
    });
    await waitFor(() => deepQueryAll(el, '.plot img').length === 1, 'the plot shows');
    // The next one is asked for once the current session is on screen.
    await waitFor(() => asked.length === 2, 'the next plot is asked for');
    equal(asked, [EIDS[0], EIDS[2]], 'the current and the next due session');
    await focusQueue(el);
    await press(el, 'Enter');
    await waitFor(() => visibleText(deepQuery(el, '.plot')).includes('KeyError'), 'the failure shows for that session');
    expect(deepQueryAll(el, 'alyx-qc-signoff').length === 1, 'the panel is still there');
    await press(el, 'ArrowRight');
    await waitFor(() => visibleText(deepQuery(el, '.plot')).includes('is not an image (a Blob of type "application/json")'), 'a plot that is no image says what it was');
  });

  it('figures: the session\u2019s plot with "Attach this figure to the note", per session; unticked, not attached', async () => {
    const calls: [string, SignOffSubmission][] = [];
    const png = await (await fetch('data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==')).blob();
    const el = await fixture('alyx-qc-review-queue', {
      data: data(),
      now: NOW,
      submit: async (eid, s) => (calls.push([eid, s]), written(eid, s)),
      plot: async () => png,
      // The widget's: a caption once the kernel holds the session's plot as its figure; the last session has none.
      figureOf: (eid: string) => (eid === EIDS[5] ? undefined : 'PNG, 70 B'),
    });
    const box = (): HTMLInputElement => deepQuery<HTMLInputElement>(deepQuery(el, 'alyx-qc-figure-thumbnail'), 'input[type=checkbox]');
    await waitFor(() => deepQueryAll(el, 'alyx-qc-figure-thumbnail').length === 1, 'the figure shows in the panel');
    expect(box().checked, 'on when a plot is given');
    box().click();
    await settle(el);
    await focusQueue(el);
    await press(el, 'Enter');
    await waitFor(() => calls.length === 1, 'the first written');
    equal(calls[0]![1].attachFigure, false, 'unticked: the figure is not attached');
    await waitFor(() => deepQueryAll(el, 'alyx-qc-figure-thumbnail').length === 1 && box().checked, 'the next session\u2019s box starts ticked');
    await press(el, 'Enter');
    await waitFor(() => calls.length === 2, 'the second written');
    expect(calls[1]![1].attachFigure !== false, 'ticked: the figure is attached');
    el.go(0);
    await waitFor(() => heading(el).includes('#1'), 'back at the first session');
    expect(!box().checked, 'the first session keeps its unticked box');
    el.go(5);
    await settle(el);
    equal(deepQueryAll(el, 'alyx-qc-figure-thumbnail').length, 0, 'no figure offered without one held');
  });

  it('an empty queue and an invalid session each say what is wrong', async () => {
    const empty = await fixture('alyx-qc-review-queue', { data: { ...data(), sessions: [] } });
    expect(visibleText(empty).includes('The review queue is empty'), 'empty queue');
    const bad = data();
    const el = await fixture('alyx-qc-review-queue', {
      data: { ...bad, sessions: [{ ...bad.sessions[0]!, problem: 'Session x\u2019s "sign_off_checklist" is a list, not an object.' }, ...bad.sessions.slice(1)] },
      submit: async (eid, s) => written(eid, s),
    });
    deepQueryAll<HTMLButtonElement>(el, 'ol button')[0]!.click();
    await settle(el);
    expect(visibleText(deepQuery(el, '.detail')).includes('is a list, not an object'), 'the problem is shown');
    equal(deepQueryAll(el, 'alyx-qc-signoff').length, 0, 'no panel to sign it off');
  });
});
