/** Note age order on both date forms Alyx answers with: naive (Alyx 3.6.1) and UTC with `Z` (alyx-local). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AlyxNote } from './alyx-types.ts';
import { byAge } from './notes-api.ts';

const note = (id: string, date_time: string): AlyxNote => ({ id, date_time, user: 'u', content_type: 'actions.session', object_id: 'o', text: 't' }) as AlyxNote;

describe('byAge', () => {
  for (const [form, zone] of [['naive', ''], ['UTC with a trailing Z', 'Z']] as const) {
    test(`${form}: a whole second (Python drops the zero fraction) comes before later times in it`, () => {
      const notes = [note('c', `2026-12-01T21:14:41${zone}`), note('b', `2026-12-01T21:14:40.500000${zone}`), note('a', `2026-12-01T21:14:40${zone}`), note('d', `2026-12-01T21:14:40.140197${zone}`)];
      assert.deepEqual([...notes].sort(byAge).map((n) => n.id), ['a', 'd', 'b', 'c']);
    });
  }

  test('the same time: by id, so that every reviewer agrees', () => {
    assert.deepEqual([note('y', '2026-12-01T21:14:40Z'), note('x', '2026-12-01T21:14:40.000000Z')].sort(byAge).map((n) => n.id), ['x', 'y']);
  });
});
