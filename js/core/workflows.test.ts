/** The workflows against the real development Alyx: what the server stores afterwards. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADMIN, AlyxFixture, defaultSessionJson, seed, USER, USER2 } from '../../tests/support/alyx-fixture.ts';
import type { AlyxClient } from './client.ts';
import { resolveNoteTarget } from './content-type.ts';
import { loadCriticalContext, writeCriticalNote, writeCriticalNoteFromGui } from './critical-note.ts';
import { ConflictError, InputError } from './errors.ts';
import { NOTE_KINDS, type CriticalKind } from './note-kinds.ts';
import { criticalNoteText, signOffNoteText } from './note-text.ts';
import { loadSignOffContext, signOff } from './sign-off.ts';

const SESSION_KIND = NOTE_KINDS['critical-session'] as CriticalKind;
const INSERTION_KIND = NOTE_KINDS['critical-insertion'] as CriticalKind;
const TODAY = new Date(2024, 0, 15, 12);

let alyx: AlyxFixture;
let client: AlyxClient;

before(async () => {
  alyx = await AlyxFixture.start();
  client = await alyx.login();
});
after(() => alyx.stop());

describe('content type inference', () => {
  test('a session eid is a session, a pid an insertion', async () => {
    const eid = await alyx.newSession();
    const pid = await alyx.newInsertion(eid);
    assert.equal((await resolveNoteTarget(client, eid)).contentType, 'session');
    assert.equal((await resolveNoteTarget(client, pid)).contentType, 'probeinsertion');
  });

  test('a UUID that is neither is a clear error', async () => {
    await assert.rejects(resolveNoteTarget(client, '0b2fd9a3-1c5e-4f4e-9a56-1f2d3c4b5a69'), (error: Error) => {
      assert.ok(error instanceof ConflictError);
      assert.match(error.message, /matches 0 session\(s\) and 0 insertion\(s\).*pass the content type\./);
      return true;
    });
  });

  test('another model is named explicitly and notes attach to it', async () => {
    const subject = (await alyx.subject()).id;
    assert.deepEqual(await resolveNoteTarget(client, subject, { contentType: 'subject' }), { uuid: subject, contentType: 'subject' });
    const result = await writeCriticalNote(client, { uuid: subject, contentType: 'subject', reasons: ['Other'], other: 'subject note' });
    assert.equal(result.status, 'written');
    assert.equal((await alyx.notesOf(subject)).filter((note) => note.text.includes('subject note')).length, 1);
  });
});

describe('critical note', () => {
  test('new: the exact text, by the logged-in user, on the session', async () => {
    const eid = await alyx.newSession();
    const result = await writeCriticalNote(client, { uuid: eid, nums: '1,4', other: 'estoy un poco preocupada' });
    assert.equal(result.status, 'written');
    const [stored, ...rest] = await alyx.notesOf(eid);
    assert.equal(rest.length, 0);
    assert.equal(stored?.text, criticalNoteText(SESSION_KIND, { reasons: ['synching impossible', 'Other'], other: 'estoy un poco preocupada' }));
    assert.equal(stored?.user, USER.username);
    assert.equal(stored?.content_type, 'actions.session');
  });

  test('declined: existing notes stop the write and are returned; nothing changes', async () => {
    const eid = await alyx.newSession();
    await writeCriticalNote(client, { uuid: eid, reasons: ['dud or mock session'] });
    const before = await alyx.notesOf(eid);
    const result = await writeCriticalNote(client, { uuid: eid, reasons: ['synching impossible'] });
    assert.equal(result.status, 'needs-confirmation');
    assert.deepEqual(result.status === 'needs-confirmation' && result.existingNotes.map((note) => note.id), before.map((note) => note.id));
    assert.deepEqual(await alyx.notesOf(eid), before);
  });

  test('overwrite: the new note replaces the old ones, created before they are deleted', async () => {
    const pid = await alyx.newInsertion();
    const reviewer2 = await alyx.login(USER2.username);
    await writeCriticalNote(reviewer2, { uuid: pid, reasons: ['Drift'] });
    const old = await alyx.notesOf(pid);
    const result = await writeCriticalNote(client, { uuid: pid, reasons: ['Histological images missing'], overwrite: true });
    assert.equal(result.status, 'written');
    assert.deepEqual(result.status === 'written' && result.deletedNoteIds, old.map((note) => note.id));
    const now = await alyx.notesOf(pid);
    assert.equal(now.length, 1);
    assert.equal(now[0]?.text, criticalNoteText(INSERTION_KIND, { reasons: ['Histological images missing'], other: null }));
    assert.equal(now[0]?.content_type, 'experiments.probeinsertion');
  });

  test('an overwrite asks again when a note appeared after the reviewer confirmed', async () => {
    const eid = await alyx.newSession();
    await writeCriticalNote(client, { uuid: eid, reasons: ['dud or mock session'] });
    const result = await writeCriticalNote(client, { uuid: eid, reasons: ['synching impossible'], overwrite: true, confirmedNoteIds: [] });
    assert.equal(result.status, 'needs-confirmation');
  });

  test('GUI path: insertion, GUI reasons only, always overwrites', async () => {
    const pid = await alyx.newInsertion();
    await writeCriticalNote(client, { uuid: pid, reasons: ['Track not visible on imaging data'] });
    const result = await writeCriticalNoteFromGui(client, { pid, reasons: ['Noise and artifact', 'Poor neural yield'] });
    assert.equal(result.status, 'written');
    const notes = await alyx.notesOf(pid);
    assert.deepEqual(notes.map((note) => note.text), [criticalNoteText(INSERTION_KIND, { reasons: ['Noise and artifact', 'Poor neural yield'], other: null })]);
    await assert.rejects(writeCriticalNoteFromGui(client, { pid, reasons: ['Histological images missing'] }), InputError);
  });

  test('dry run returns the requests and sends no write', async () => {
    const eid = await alyx.newSession();
    const result = await writeCriticalNote(client, { uuid: eid, reasons: ['Other'], other: 'x', dryRun: true });
    assert.equal(result.status, 'dry-run');
    assert.deepEqual(result.status === 'dry-run' && result.requests.map((r) => `${r.method} ${r.path}`), ['POST /notes']);
    assert.equal((await alyx.notesOf(eid)).length, 0);
  });
});

describe('sign-off', () => {
  test('new note and checklist entry; every other JSON key untouched', async () => {
    const eid = await alyx.newSession();
    const result = await signOff(client, { eid, signOffKey: '_ephysChoiceWorld_00', kind: 'task', nums: '1,4', other: 'estoy un poco preocupada', now: TODAY });
    assert.equal(result.status, 'written');
    const notes = await alyx.notesOf(eid);
    assert.deepEqual(notes.map((note) => note.text), [
      signOffNoteText('_ephysChoiceWorld_00', `2024-01-15_${USER.username}`, { reasons: ['wheel data corrupt', 'Other'], other: 'estoy un poco preocupada' }),
    ]);
    const expected = defaultSessionJson();
    (expected['sign_off_checklist'] as Record<string, unknown>)['_ephysChoiceWorld_00'] = { date: '2024-01-15', user: USER.username };
    assert.deepEqual(await alyx.sessionJson(eid), expected);
  });

  test('a second reviewer merges into the one note; the same reviewer on the same day replaces their entry', async () => {
    const eid = await alyx.newSession();
    await signOff(client, { eid, signOffKey: '_ephysChoiceWorld_00', kind: 'task', reasons: ['wheel data corrupt'], now: TODAY });
    const reviewer2 = await alyx.login(USER2.username);
    await signOff(reviewer2, { eid, signOffKey: '_ephysChoiceWorld_00', kind: 'task', reasons: [], now: new Date(2024, 0, 16) });
    const again = await signOff(client, { eid, signOffKey: '_ephysChoiceWorld_00', kind: 'task', reasons: ['Other'], other: 'Photodiode flat', now: TODAY });
    assert.equal(again.status === 'written' && again.replacedSameDay, true);
    const notes = await alyx.notesOf(eid);
    assert.equal(notes.length, 1);
    assert.equal(
      notes[0]?.text,
      `{"title": "=== SIGN-OFF NOTE FOR _ephysChoiceWorld_00 ===", "2024-01-15_${USER.username}": {"reasons_selected": ["Other"], "reason_for_other": "Photodiode flat"}, "2024-01-16_${USER2.username}": {"reasons_selected": [], "reason_for_other": []}}`,
    );
    const json = (await alyx.sessionJson(eid)) as { sign_off_checklist: Record<string, unknown> };
    assert.deepEqual(json.sign_off_checklist['_ephysChoiceWorld_00'], { date: '2024-01-15', user: USER.username });
  });

  test('without a note only the checklist changes', async () => {
    const eid = await alyx.newSession();
    await signOff(client, { eid, signOffKey: '_camera_left', kind: 'video', withNote: false, now: TODAY });
    assert.equal((await alyx.notesOf(eid)).length, 0);
    const json = (await alyx.sessionJson(eid)) as { sign_off_checklist: Record<string, unknown> };
    assert.deepEqual(json.sign_off_checklist['_camera_left'], { date: '2024-01-15', user: USER.username });
  });

  test('a session without a checklist gets one; a key not yet listed is added', async () => {
    const eid = await alyx.newSession({ other: 1 });
    await signOff(client, { eid, signOffKey: '_neuropixel_alignment_probe00', kind: 'alignment', withNote: false, now: TODAY });
    assert.deepEqual(await alyx.sessionJson(eid), { other: 1, sign_off_checklist: { _neuropixel_alignment_probe00: { date: '2024-01-15', user: USER.username } } });
  });

  test('more than one sign-off note is an error listing them, and nothing is written', async () => {
    const eid = await alyx.newSession();
    const inspector = await alyx.inspector();
    const text = signOffNoteText('_ephysChoiceWorld_00', '2024-01-01_admin', { reasons: [], other: null });
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      ids.push((await inspector.request<{ id: string }>('POST', '/notes', { body: { user: ADMIN.username, content_type: 'session', object_id: eid, text } })).id);
    }
    const before = await alyx.sessionJson(eid);
    await assert.rejects(signOff(client, { eid, signOffKey: '_ephysChoiceWorld_00', kind: 'task', reasons: [], now: TODAY }), (error: Error) => {
      assert.ok(error instanceof ConflictError);
      for (const id of ids) assert.ok(error.message.includes(id));
      assert.match(error.message, /Merge or delete the extra notes/);
      return true;
    });
    assert.deepEqual(await alyx.sessionJson(eid), before);
    assert.equal((await alyx.notesOf(eid)).length, 2);
  });

  test('a session whose json is not an object is refused before any write', async () => {
    const eid = await alyx.newSession(['not', 'an', 'object']);
    await assert.rejects(signOff(client, { eid, signOffKey: '_ephysChoiceWorld_00', kind: 'task', reasons: [] }), /not an object.*Fix it in Alyx's admin/);
    assert.equal((await alyx.notesOf(eid)).length, 0);
    assert.deepEqual(await alyx.sessionJson(eid), ['not', 'an', 'object']);
  });
});

describe('bad input: a clear error, no request sent, nothing written', () => {
  const cases: [string, () => Promise<unknown>, RegExp][] = [
    ['non-UUID', () => writeCriticalNote(client, { uuid: 'not-a-uuid', reasons: [] }), /is not a UUID/],
    ['UUID of another version', () => writeCriticalNote(client, { uuid: 'a8098c1a-f86e-11da-bd1a-00112444be1e', reasons: [] }), /version-1 UUID.*version 4/],
    ['unknown note kind', () => signOff(client, { eid: seed.sessions[0]?.id ?? '', signOffKey: '_x', kind: 'histology', reasons: [] }), /Unknown note kind "histology".*task/],
    ['empty reason numbers', () => signOff(client, { eid: seed.sessions[0]?.id ?? '', signOffKey: '_x', kind: 'task', nums: '' }), /not a list of reason numbers/],
    ['out-of-range reason number', () => signOff(client, { eid: seed.sessions[0]?.id ?? '', signOffKey: '_x', kind: 'task', nums: '1,9' }), /out of range: choose between 0 and 4/],
    ['unknown reason text', () => signOff(client, { eid: seed.sessions[0]?.id ?? '', signOffKey: '_x', kind: 'task', reasons: ['Drift'] }), /"Drift" is not a reason of Task sign-off/],
    ['empty sign-off key', () => signOff(client, { eid: seed.sessions[0]?.id ?? '', signOffKey: '', kind: 'task', reasons: [] }), /sign-off key is empty/],
    ['Other without text', () => signOff(client, { eid: seed.sessions[0]?.id ?? '', signOffKey: '_x', kind: 'task', reasons: ['Other'] }), /"Other" is selected but its text is empty/],
  ];
  for (const [name, run, message] of cases) {
    test(name, async () => {
      const sent = client.requestCount;
      await assert.rejects(run(), (error: Error) => error instanceof InputError && message.test(error.message));
      assert.equal(client.requestCount, sent);
    });
  }
});

describe('only exact QC notes are replaced or merged into (13.5, 13.16)', () => {
  const post = async (objectId: string, text: string, user = ADMIN.username): Promise<string> =>
    (await (await alyx.inspector()).request<{ id: string }>('POST', '/notes', { body: { user, content_type: 'session', object_id: objectId, text } })).id;

  test('a discussion note quoting the critical title is shown as a mention and kept by an overwrite', async () => {
    const eid = await alyx.newSession();
    const critical = await post(eid, criticalNoteText(SESSION_KIND, { reasons: ['dud or mock session'], other: null }));
    const discussion = await post(eid, `Why was this marked? Its note says "${SESSION_KIND.title.toLowerCase()}" and then dud.`);
    const context = await loadCriticalContext(client, eid);
    assert.deepEqual(context.existingNotes.map((note) => note.id), [critical]);
    assert.deepEqual(context.mentions?.map((note) => note.id), [discussion]);
    const result = await writeCriticalNote(client, { uuid: eid, reasons: ['synching impossible'], overwrite: true, context });
    assert.equal(result.status, 'written');
    const left = (await alyx.notesOf(eid)).map((note) => note.id);
    assert.ok(left.includes(discussion), 'the discussion note stays');
    assert.ok(!left.includes(critical), 'the critical note is replaced');
  });

  test('a sign-off of _Camera_Left never merges into _camera_left\'s note, nor into a critical note quoting its title', async () => {
    const eid = await alyx.newSession();
    const lower = await post(eid, signOffNoteText('_camera_left', '2024-01-01_admin', { reasons: [], other: null }));
    const quoting = await post(eid, criticalNoteText(SESSION_KIND, { reasons: ['Other'], other: 'see === SIGN-OFF NOTE FOR _Camera_Left ===' }));
    const result = await signOff(client, { eid, signOffKey: '_Camera_Left', kind: 'video', reasons: [], now: TODAY });
    assert.equal(result.status, 'written');
    assert.equal(result.status === 'written' && result.noteAction, 'created');
    const notes = await alyx.notesOf(eid);
    assert.equal(notes.find((note) => note.id === lower)?.text, signOffNoteText('_camera_left', '2024-01-01_admin', { reasons: [], other: null }));
    assert.ok(notes.find((note) => note.id === quoting), 'the quoting critical note is untouched');
    assert.equal(notes.length, 3);
  });

  test('a __proto__ key reads as absent, not as an entry inherited from Object.prototype', async () => {
    const eid = await alyx.newSession();
    const context = await loadSignOffContext(client, { eid, signOffKey: '__proto__', kind: 'task' });
    assert.equal(context.checklistEntry, undefined);
  });

  test('a note edited after the reviewer saw it is not deleted: asked again, listed', async () => {
    const eid = await alyx.newSession();
    const id = await post(eid, criticalNoteText(SESSION_KIND, { reasons: ['dud or mock session'], other: null }));
    const seen = await loadCriticalContext(client, eid);
    await (await alyx.inspector()).request('PATCH', `/notes/${id}`, {
      body: { user: ADMIN.username, content_type: 'session', object_id: eid, text: criticalNoteText(SESSION_KIND, { reasons: ['Other'], other: 'edited: keep this' }) },
    });
    const result = await writeCriticalNote(client, { uuid: eid, reasons: ['synching impossible'], overwrite: true, confirmedNotes: seen.existingNotes });
    assert.equal(result.status, 'needs-confirmation');
    assert.deepEqual(result.status === 'needs-confirmation' && result.existingNotes.map((note) => note.id), [id]);
    assert.deepEqual((await alyx.notesOf(eid)).map((note) => note.id), [id], 'nothing written, nothing deleted');
  });
});
