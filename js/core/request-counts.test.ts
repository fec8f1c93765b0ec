/**
 * How many requests each workflow sends, against the development Alyx, through a counting
 * transport around the real fetch transport: never more than ibllib for the same job (the
 * sign-off's read-back aside, which ibllib lacks), and no request whose answer it already has.
 *
 * ibllib 4.1.0: a critical note with a known content type lists the notes and POSTs (2, plus a
 * DELETE per note an overwrite replaces); with `main` (content type unknown) it first looks the
 * UUID up as a session and as an insertion (4); a sign-off with a note reads the session, lists
 * the notes, writes the note, reads the session again and PATCHes it (5).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AlyxFixture, USER, USER2 } from '../../tests/support/alyx-fixture.ts';
import { AlyxClient } from './client.ts';
import { loadCriticalContext, writeCriticalNote } from './critical-note.ts';
import { loadSignOffContext, signOff } from './sign-off.ts';
import { fetchTransport, type Transport } from './transport.ts';
// The workflows' own modules, not the core's index: load the note kinds as the index does.
import './note-kinds.ts';

const TODAY = new Date(2024, 0, 15, 12);
const IBLLIB = { criticalKnownType: 2, criticalMain: 4, signOffWithNote: 5, signOffChecklistOnly: 2 };

let alyx: AlyxFixture;
let sent: string[] = [];
let client: AlyxClient;

/** Every request as `METHOD /path`, query left out (the forms are the relay contract's business); the path after the base URL's. */
const counting: Transport = (request) => {
  sent.push(`${request.method} ${new URL(request.url).pathname.slice(new URL(alyx.baseUrl).pathname.replace(/\/$/, '').length)}`);
  return fetchTransport()(request);
};

before(async () => {
  alyx = await AlyxFixture.start();
  client = await AlyxClient.login(alyx.baseUrl, { username: USER.username, password: USER.password }, { transport: counting });
});
after(() => alyx.stop());

/** The requests `work` sends. */
async function requestsOf(work: () => Promise<unknown>): Promise<string[]> {
  sent = [];
  await work();
  return sent;
}

describe('requests per workflow, against ibllib', () => {
  test(`critical note, content type known: ${IBLLIB.criticalKnownType} (notes list, POST)`, async () => {
    const eid = await alyx.newSession();
    const requests = await requestsOf(() => writeCriticalNote(client, { uuid: eid, contentType: 'session', reasons: ['dud or mock session'] }));
    assert.deepEqual(requests, ['GET /notes', 'POST /notes']);
  });

  test(`critical note, content type looked up (ibllib's main): ${IBLLIB.criticalMain}`, async () => {
    const pid = await alyx.newInsertion();
    const requests = await requestsOf(() => writeCriticalNote(client, { uuid: pid, reasons: ['Drift'] }));
    assert.deepEqual([...requests].sort(), ['GET /insertions', 'GET /notes', 'GET /sessions', 'POST /notes']);
  });

  test('critical note written from the context the panel or prompt showed: the load and the POST, nothing read twice', async () => {
    const pid = await alyx.newInsertion();
    const requests = await requestsOf(async () => {
      const context = await loadCriticalContext(client, pid);
      assert.equal((await writeCriticalNote(client, { uuid: pid, reasons: ['Drift'], context })).status, 'written');
    });
    assert.equal(requests.length, IBLLIB.criticalMain);
  });

  test('critical overwrite from the context: the POST and one DELETE per replaced note, as ibllib', async () => {
    const eid = await alyx.newSession();
    await writeCriticalNote(client, { uuid: eid, contentType: 'session', reasons: ['dud or mock session'] });
    await writeCriticalNote(await alyx.login(USER2.username), { uuid: eid, contentType: 'session', reasons: ['dud or mock session'], overwrite: true });
    const requests = await requestsOf(async () => {
      const context = await loadCriticalContext(client, eid, { contentType: 'session' });
      assert.equal(context.existingNotes.length, 1);
      const result = await writeCriticalNote(client, { uuid: eid, reasons: ['synching impossible'], overwrite: true, context, confirmedNotes: context.existingNotes });
      assert.equal(result.status, 'written');
    });
    assert.deepEqual(requests.slice(0, 2), ['GET /notes', 'POST /notes']);
    assert.match(requests[2] ?? '', /^DELETE \/notes\/[0-9a-f-]{36}$/);
    assert.equal(requests.length, 3);
    assert.equal((await alyx.notesOf(eid)).length, 1);
  });

  test(`sign-off with a note: ${IBLLIB.signOffWithNote - 1} writes and reads, then the read-back (2)`, async () => {
    const eid = await alyx.newSession();
    const requests = await requestsOf(() => signOff(client, { eid, signOffKey: '_ephysChoiceWorld_00', kind: 'task', reasons: [], now: TODAY }));
    assert.deepEqual(requests.slice(0, 4).sort(), ['GET /notes', `GET /sessions/${eid}`, 'PATCH /sessions/' + eid, 'POST /notes'].sort());
    assert.deepEqual(requests.slice(4).sort(), ['GET /notes', `GET /sessions/${eid}`], 'the read-back');
  });

  test('sign-off from the context the panel or prompt showed, no note yet: the session read again (its json is written whole), the notes not', async () => {
    const eid = await alyx.newSession();
    const requests = await requestsOf(async () => {
      const context = await loadSignOffContext(client, { eid, signOffKey: '_camera_left', kind: 'video' });
      await signOff(client, { eid, signOffKey: '_camera_left', kind: 'video', reasons: [], context, now: TODAY });
    });
    const readBack = 2;
    assert.equal(requests.length - readBack, IBLLIB.signOffWithNote, requests.join(', '));
    assert.equal(requests.filter((request) => request === 'GET /notes').length, 2, 'the load and the read-back only');
  });

  test(`sign-off without a note: ${IBLLIB.signOffChecklistOnly} (session read, PATCH), then the read-back (1)`, async () => {
    const eid = await alyx.newSession();
    const requests = await requestsOf(() => signOff(client, { eid, signOffKey: '_camera_left', kind: 'video', withNote: false, now: TODAY }));
    assert.deepEqual(requests, [`GET /sessions/${eid}`, `PATCH /sessions/${eid}`, `GET /sessions/${eid}`]);
  });
});

describe('"written" before "verified" (issue 17)', () => {
  test('onWritten comes once both writes are answered, before the read-back ends; the promise after it', async () => {
    const eid = await alyx.newSession();
    const events: string[] = [];
    let writtenAfter = 0;
    sent = [];
    const result = await signOff(client, {
      eid,
      signOffKey: '_ephysChoiceWorld_00',
      kind: 'task',
      reasons: ['wheel data corrupt'],
      now: TODAY,
      onWritten: (written) => {
        events.push(`written: ${written.status} ${written.noteAction}`);
        writtenAfter = sent.length;
      },
    });
    events.push('resolved');
    assert.deepEqual(events, ['written: written created', 'resolved']);
    // The 4 reads and writes were sent; at most the checklist's read-back had started, not the note's.
    assert.ok(writtenAfter >= 4 && writtenAfter < 6, `written after ${writtenAfter} requests`);
    assert.equal(sent.length, 6);
    assert.equal(result.status, 'written');
  });
});
