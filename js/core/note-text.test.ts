import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { InputError } from './errors.ts';
import { NOTE_KINDS, type CriticalKind } from './note-kinds.ts';
import { criticalNoteText, mergeSignOffNoteText, signOffDateKey, signOffNoteText, summariseNoteText } from './note-text.ts';
import { validateChoice } from './reasons.ts';

interface Vector {
  name: string;
  kind: string;
  inputs: { reasons: string[]; other: string | null; key?: string; datetime_key?: string; existing_text?: string };
  text: string;
}

const vectors = JSON.parse(readFileSync(new URL('../../../shared/spec/vectors.json', import.meta.url), 'utf8')) as Vector[];

describe('spec vectors (../shared/spec/vectors.json), byte for byte', () => {
  test('the file holds vectors', () => assert.ok(vectors.length >= 9));
  for (const vector of vectors) {
    test(vector.name, () => {
      const { inputs } = vector;
      const choice = { reasons: inputs.reasons, other: inputs.other };
      let text: string;
      if (vector.kind.startsWith('critical-')) {
        const kind = NOTE_KINDS[vector.kind as CriticalKind['id']] as CriticalKind;
        text = criticalNoteText(kind, validateChoice(kind, choice));
      } else if (vector.kind === 'signoff-task-merge') {
        text = mergeSignOffNoteText(inputs.existing_text ?? '', inputs.datetime_key ?? '', choice);
      } else {
        text = signOffNoteText(inputs.key ?? '', inputs.datetime_key ?? '', choice);
      }
      assert.equal(text, vector.text);
    });
  }
});

describe('note text edge cases', () => {
  const session = NOTE_KINDS['critical-session'] as CriticalKind;

  test('astral characters become surrogate pairs, DEL and controls are escaped', () => {
    const text = criticalNoteText(session, { reasons: ['Other'], other: 'ok \u{1F600} \x7f \x01 / \u2028' });
    assert.equal(text.slice(text.indexOf('"reason_for_other"')), '"reason_for_other": "ok \\ud83d\\ude00 \\u007f \\u0001 / \\u2028"}');
  });

  test('empty other text is stored as [] like ibllib', () => {
    assert.match(criticalNoteText(session, { reasons: ['dud or mock session'], other: '' }), /"reason_for_other": \[\]\}$/);
  });

  test('merge keeps foreign keys, integer-like keys and their order, and float formatting', () => {
    const existing = '{"title": "=== SIGN-OFF NOTE FOR _x ===", "2": {"n": 1.0}, "1": [1E2, 3], "2024-01-01_a": {"reasons_selected": [], "reason_for_other": []}}';
    const merged = mergeSignOffNoteText(existing, '2024-01-01_a', { reasons: ['Other'], other: 'é' });
    assert.equal(merged, '{"title": "=== SIGN-OFF NOTE FOR _x ===", "2": {"n": 1.0}, "1": [100.0, 3], "2024-01-01_a": {"reasons_selected": ["Other"], "reason_for_other": "\\u00e9"}}');
  });

  test('merging into text that is not JSON is refused with advice', () => {
    assert.throws(() => mergeSignOffNoteText('not json', '2024-01-01_a', { reasons: [], other: null }, 'n1'), /not a JSON object.*Fix or delete/);
  });

  test('date key uses the local calendar date', () => {
    assert.equal(signOffDateKey('olivier', new Date(2024, 2, 1, 23, 59)), '2024-03-01_olivier');
  });

  test('a 1 MB note is refused', () => {
    assert.throws(() => criticalNoteText(session, { reasons: ['Other'], other: 'x'.repeat(1_000_000) }), InputError);
  });

  test('sign-off keys that could inject into a django filter are refused', () => {
    for (const key of ['', 'ephys', '_a,object_id,x', '_a(b)', '_a b']) {
      assert.throws(() => signOffNoteText(key, '2024-01-01_a', { reasons: [], other: null }), InputError, key);
    }
  });

  test('summaries read JSON notes and keep plain text as text', () => {
    const summary = summariseNoteText(vectors[0]?.text ?? '');
    assert.deepEqual(summary.entries, [{ key: '', reasons: ['synching impossible', 'Other'], other: 'estoy un poco preocupada' }]);
    assert.equal(summariseNoteText('<img src=x onerror=alert(1)>').plainText, '<img src=x onerror=alert(1)>');
  });
});
