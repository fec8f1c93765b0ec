/** The review queue's loading and writes against the development Alyx: requests sent, what Alyx stores. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startFaultProxy } from '../../dev/fault-proxy/proxy.ts';
import { AlyxFixture, defaultSessionJson, PASSWORD, USER } from '../../tests/support/alyx-fixture.ts';
import { AlyxClient } from './client.ts';
import { InputError } from './errors.ts';
import { signOffNoteText } from './note-text.ts';
import { findPendingSessions, loadReviewQueue, pendingFilters, queueWriter } from './review-queue.ts';
import { describeSummary, FINE, ReviewQueueState } from './review-queue-state.ts';
import { signOff } from './sign-off.ts';
import { MAX_SIGN_OFF_KEY_LENGTH } from './validation.ts';
// The workflows' own modules, not the core's index: load the note kinds as the index does.
import './note-kinds.ts';

const KEY = '_ephysChoiceWorld_00';
let alyx: AlyxFixture;
let client: AlyxClient;

before(async () => {
  alyx = await AlyxFixture.start();
  client = await alyx.login();
});
after(() => alyx.stop());

async function sessions(count: number, json: () => unknown = defaultSessionJson): Promise<string[]> {
  const eids: string[] = [];
  for (let index = 0; index < count; index++) eids.push(await alyx.newSession(json()));
  return eids;
}

/** A session on a day of its own, so a test's pending look-up sees only its sessions. */
function sessionOn(day: string, json: unknown): Promise<string> {
  return alyx.newSession(json, { startTime: `${day}T09:00:00` });
}

describe('loading a queue', () => {
  test('200 sessions, which are signed off, and their notes load in 3 requests, 201 in 6, in the order given, with statuses', async () => {
    const eids = await sessions(201);
    await signOff(client, { eid: eids[3]!, signOffKey: KEY, kind: 'task', reasons: ['wheel data corrupt'] });
    await signOff(client, { eid: eids[7]!, signOffKey: KEY, kind: 'task', withNote: false });
    await signOff(client, { eid: eids[200]!, signOffKey: KEY, kind: 'task', reasons: ['Other'], other: 'stimulus froze' });
    const reader = await alyx.login();
    let before = reader.requestCount;
    const first = await loadReviewQueue(reader, { eids: eids.slice(0, 200), signOffKey: KEY, kind: 'task' });
    assert.equal(reader.requestCount - before, 3);
    assert.deepEqual(first.sessions.map((session) => session.eid), eids.slice(0, 200));
    assert.equal(describeSummary(new ReviewQueueState(first, queueWriter(reader, first)).summary()), '2 of 200 signed off \u00b7 1 with reasons');
    before = reader.requestCount;
    const data = await loadReviewQueue(reader, { eids, signOffKey: KEY, kind: 'task' });
    assert.equal(reader.requestCount - before, 6);
    assert.deepEqual(data.sessions.map((session) => session.eid), eids);
    assert.ok(data.sessions.every((session) => session.session?.id === session.eid), 'every record found by its hex id');
    const state = new ReviewQueueState(data, queueWriter(reader, data));
    assert.equal(describeSummary(state.summary()), '3 of 201 signed off \u00b7 2 with reasons');
    const signed = state.items[3]!.status;
    assert.equal(signed.status, 'signed-off');
    assert.deepEqual(signed.status === 'signed-off' && signed.reasons, ['wheel data corrupt']);
    assert.equal(state.items[3]!.session.existingNotes.length, 1);
    assert.equal(state.items[7]!.status.status, 'signed-off');
    assert.equal(state.items[7]!.session.existingNotes.length, 0);
    const last = state.items[200]!.status;
    assert.deepEqual(last.status === 'signed-off' && last.reasons, ['Other']);
    assert.equal(state.items[200]!.session.existingNotes.length, 1, 'the second batch\u2019s note, found by its hex id');
    assert.equal(state.nextDue(-1), 0);
    assert.equal(state.nextDue(2), 4);
  });

  test('with the longest key, each of the 3 request lines of 200 sessions is under 8190 bytes with 150 to spare, as fetch sends it', async () => {
    // Apache, nginx and gunicorn (alyx-local's) refuse a longer request line. The proxy logs the
    // request target exactly as the client's fetch encoded it; no base path, as on the IBL's Alyx.
    const longestKey = `_${'k'.repeat(MAX_SIGN_OFF_KEY_LENGTH - 1)}`;
    const eids = await sessions(200);
    const proxy = await startFaultProxy({ target: alyx.baseUrl });
    try {
      const reader = await AlyxClient.login(proxy.baseUrl, { username: USER.username, password: PASSWORD });
      proxy.clear();
      const data = await loadReviewQueue(reader, { eids, signOffKey: longestKey, kind: 'task' });
      assert.ok(data.sessions.every((session) => session.session !== null && !session.signedOff));
      const lines = proxy.log.map((entry) => `${entry.method} ${entry.path} HTTP/1.1`);
      assert.equal(lines.length, 3);
      const longest = Math.max(...lines.map((line) => Buffer.byteLength(line)));
      assert.ok(longest <= 8190 - 150, `the longest request line is ${longest} bytes`);
      assert.ok(proxy.log.every((entry) => entry.status === 200), 'the server took every line');
    } finally {
      await proxy.stop();
    }
  });

  test('an eid that is no session is invalid with a message; a checklist that is not an object fails its write with one; nothing is written', async () => {
    const [good] = await sessions(1);
    const listed = await sessions(1, () => ({ sign_off_checklist: ['not', 'an', 'object'] }));
    const missing = '0b2fd9a3-1c5e-4f4e-9a56-1f2d3c4b5a69';
    const data = await loadReviewQueue(client, { eids: [good!, missing, listed[0]!], signOffKey: KEY, kind: 'task' });
    const state = new ReviewQueueState(data, queueWriter(client, data));
    const [, none] = state.items;
    assert.deepEqual(await alyx.sessionJson(listed[0]!), { sign_off_checklist: ['not', 'an', 'object'] }, 'what the test set up');
    assert.equal(none!.status.status, 'invalid');
    assert.match(none!.status.status === 'invalid' ? none!.status.message : '', /Alyx has no session 0b2fd9a3.*check the eid/);
    assert.equal(await state.submit(missing, FINE), null);
    assert.equal(await state.submit(listed[0]!, FINE), null);
    const status = state.items[2]!.status;
    assert.match(status.status === 'failed' ? status.message : '', /"sign_off_checklist" is not an object \(a list\).*Fix it in Alyx's admin/);
    assert.deepEqual(await alyx.sessionJson(listed[0]!), { sign_off_checklist: ['not', 'an', 'object'] });
  });

  test('bad input is refused before any request', async () => {
    const fresh = await alyx.login();
    const eid = await alyx.newSession();
    const before = fresh.requestCount;
    await assert.rejects(loadReviewQueue(fresh, { eids: [], signOffKey: KEY, kind: 'task' }), (error: Error) => error instanceof InputError && /queue is empty/.test(error.message));
    await assert.rejects(loadReviewQueue(fresh, { eids: ['nope'], signOffKey: KEY, kind: 'task' }), /"nope" is not a UUID/);
    await assert.rejects(loadReviewQueue(fresh, { eids: [eid], signOffKey: 'ephys', kind: 'task' }), /not a sign-off key/);
    await assert.rejects(loadReviewQueue(fresh, { eids: [eid], signOffKey: KEY, kind: 'tasks' }), /Unknown note kind "tasks"/);
    assert.equal(fresh.requestCount, before);
  });
});

describe('pending look-ups', () => {
  test('the sessions whose key is null or absent, with the user\u2019s filter: 2 requests', async () => {
    const day = '2031-05-01';
    const due = await sessionOn(day, { sign_off_checklist: { [KEY]: null } });
    const absent = await sessionOn(day, { sign_off_checklist: {} });
    const noJson = await sessionOn(day, null);
    await sessionOn(day, { sign_off_checklist: { [KEY]: { date: '2024-01-01', user: 'alice' } } });
    await sessionOn('2031-05-02', { sign_off_checklist: { [KEY]: null } });
    const reader = await alyx.login();
    const before = reader.requestCount;
    // The fixture's subject too: another Alyx may hold other sessions of that day.
    const found = await findPendingSessions(reader, { signOffKey: KEY, django: `start_time__date,${day},subject__nickname,${(await alyx.subject()).nickname}` });
    assert.equal(reader.requestCount - before, 2);
    assert.deepEqual(new Set(found.map((session) => session.id)), new Set([due, absent, noJson]));
    assert.deepEqual(pendingFilters(KEY, 'lab__name,cortexlab'), [`json__sign_off_checklist__${KEY},None,lab__name,cortexlab`, `json__sign_off_checklist__${KEY}__isnull,True,lab__name,cortexlab`]);
  });
});

describe('writing from a queue', () => {
  test('sign off writes in the background, once per session even when submitted twice, and what Alyx holds matches', async () => {
    const eids = await sessions(3);
    const data = await loadReviewQueue(client, { eids, signOffKey: KEY, kind: 'task' });
    const state = new ReviewQueueState(data, queueWriter(client, data));
    const submission = { choice: { reasons: ['Other'], other: 'stimulus froze' }, withNote: true };
    const first = state.submit(eids[0]!, submission);
    assert.equal(state.items[0]!.status.status, 'writing');
    assert.equal(state.submit(eids[0]!, submission), first);
    const result = await first;
    assert.equal(result?.status, 'written');
    const notes = await alyx.notesOf(eids[0]!);
    assert.equal(notes.length, 1);
    assert.equal(notes[0]!.text, signOffNoteText(KEY, `${result!.status === 'written' && result!.checklistEntry.date}_${USER.username}`, submission.choice));
    assert.equal(state.items[0]!.status.status, 'signed-off');
  });

  test('all remaining as fine: every due session, bounded concurrency, a failure kept with Retry', async () => {
    const eids = await sessions(6);
    const data = await loadReviewQueue(client, { eids, signOffKey: KEY, kind: 'task' });
    const write = queueWriter(client, data);
    let running = 0;
    let most = 0;
    let failOnce = true;
    const state = new ReviewQueueState(data, async (eid, submission, signal) => {
      running++;
      most = Math.max(most, running);
      try {
        // A fault the development Alyx cannot produce on demand for one session: named as such.
        if (eid === eids[2] && failOnce) {
          failOnce = false;
          throw new Error('fake fault: the network dropped');
        }
        return await write(eid, submission, signal);
      } finally {
        running--;
      }
    }, { concurrency: 2 });
    assert.deepEqual(state.remaining().map((session) => session.eid), eids);
    const summary = await state.signOffRemaining();
    assert.ok(most <= 2, `at most 2 writes at once, saw ${most}`);
    assert.equal(describeSummary(summary), '5 of 6 signed off \u00b7 0 with reasons \u00b7 1 failed');
    const failed = state.items[2]!.status;
    assert.equal(failed.status === 'failed' && failed.message, 'fake fault: the network dropped');
    assert.equal(((await alyx.sessionJson(eids[2]!)) as { sign_off_checklist: Record<string, unknown> }).sign_off_checklist[KEY], null);
    await state.retryFailed();
    assert.equal(describeSummary(state.summary()), '6 of 6 signed off \u00b7 0 with reasons');
    for (const eid of eids) {
      const json = (await alyx.sessionJson(eid)) as Record<string, unknown>;
      assert.deepEqual((json['sign_off_checklist'] as Record<string, unknown>)[KEY], { date: (json['sign_off_checklist'] as Record<string, { date: string }>)[KEY]!.date, user: USER.username });
      assert.deepEqual(json['qc_notes'], ['kept', 1]);
      assert.equal((await alyx.notesOf(eid)).length, 0);
    }
  });
});
