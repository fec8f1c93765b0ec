/**
 * Text from Alyx is untrusted in its shape too (issue 13, item 13): a U+202E (right-to-left
 * override) in a username or a note does not reverse what follows it on the line, and a 5 MB note
 * scrolls in its own box instead of growing the panel to hundreds of thousands of pixels.
 */
import { criticalNoteText } from '../core/note-text.ts';
import { NOTE_KINDS, type CriticalKind } from '../core/note-kinds.ts';
import './critical-note-panel.ts';
import './signoff-panel.ts';
import { afterEach, cleanup, deepQuery, deepQueryAll, describe, expect, fixture, it, note } from './test-support.ts';

const EID = '2ffd3ed5-477e-4153-9af7-7fdad3c6946b';
const RLO = '\u202e';
const kind = NOTE_KINDS['critical-session'] as CriticalKind;

function criticalContext(notes: ReturnType<typeof note>[], user = 'carol'): HTMLElementTagNameMap['alyx-qc-critical-note']['context'] {
  return { uuid: EID, kind: 'critical-session', contentType: 'session', user, existingNotes: notes };
}

/** Where a text node's characters are drawn. */
function box(node: Node): DOMRect {
  const range = document.createRange();
  range.selectNodeContents(node);
  return range.getBoundingClientRect();
}

describe('text from Alyx', () => {
  afterEach(cleanup);

  it('a right-to-left override in a username stays inside it: the date after it is drawn after it', async () => {
    const el = await fixture('alyx-qc-critical-note', {
      context: criticalContext([note({ id: 'n1', user: `${RLO}evil`, date_time: '2024-03-05T14:22:10', text: criticalNoteText(kind, { reasons: ['Drift'], other: null }) })]),
    });
    const user = deepQuery(el, '.note strong');
    const time = deepQuery(el, '.note time');
    expect(box(time).left >= box(user).right - 0.5, `the date (x=${box(time).left}) is right of the username (ends at x=${box(user).right})`);
  });

  it('a right-to-left override in a note or in the reviewer name does not reverse the rest of the line', async () => {
    const el = await fixture('alyx-qc-critical-note', {
      context: criticalContext([note({ id: 'n1', text: criticalNoteText(kind, { reasons: ['Drift', 'Other'], other: `${RLO}moved` }) })], `${RLO}mallory`),
    });
    // "noted as ‮mallory" and nothing after the name is reversed: the header's UUID, drawn before it, stays left of it.
    const header = deepQuery(el, 'header p');
    const uuid = deepQuery(el, 'header code');
    const name = deepQuery(el, 'header bdi');
    expect(box(uuid).right <= box(name).left + 0.5, 'the UUID is left of the isolated name');
    const items = deepQueryAll(el, '.note li');
    expect(items.every((li) => getComputedStyle(li).unicodeBidi === 'isolate'), 'every reason line is isolated');
    expect(header.textContent?.includes(`${RLO}mallory`), 'the name is shown as it is, not stripped');
  });

  it('a 5 MB note scrolls in its own box: the panel stays a few screens tall', async function (this: unknown) {
    // Laying out 5 MB of text takes Chromium a few seconds on a loaded machine.
    (this as { timeout(ms: number): void }).timeout(30_000);
    // Written by another client: alyx-qc itself refuses to write a note this long.
    const huge = criticalNoteText(kind, { reasons: ['Other'], other: 'x' }).replace('"x"', `"${'word '.repeat(1_000_000)}"`);
    const el = await fixture('alyx-qc-critical-note', { context: criticalContext([note({ id: 'n1', text: huge })]) });
    const height = el.getBoundingClientRect().height;
    expect(height < 3000, `the panel is ${Math.round(height)} px tall`);
    const shown = deepQuery(el, '.note');
    expect(shown.scrollHeight > shown.clientHeight, 'the note scrolls inside its box');
  });

  it('a 5 MB sign-off note, and its preview, keep the sign-off panel bounded', async function (this: unknown) {
    (this as { timeout(ms: number): void }).timeout(30_000);
    const huge = 'y '.repeat(2_500_000);
    const text = `{"title": "=== SIGN-OFF NOTE FOR _ephysChoiceWorld_00 ===", "2024-03-04_alice": {"reasons": ["Other"], "other": "${huge}"}}`;
    const el = await fixture('alyx-qc-signoff', {
      now: new Date(2024, 2, 5, 15, 30),
      context: { eid: EID, kind: 'signoff-task', signOffKey: '_ephysChoiceWorld_00', user: 'carol', existingNotes: [note({ id: 'n1', text })], checklistEntry: null },
    });
    deepQuery<HTMLDetailsElement>(el, 'details').open = true;
    const height = el.getBoundingClientRect().height;
    expect(height < 3000, `the panel is ${Math.round(height)} px tall`);
  });
});
