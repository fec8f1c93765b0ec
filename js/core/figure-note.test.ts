/**
 * Figure notes against the development Alyx: the exact text, the image read back byte for byte
 * with the token, written once however often it is attached, never seen by ibllib's look-ups, and
 * left in place by ibllib's own merge and overwrite (ibllib's code, run by the benchmark driver).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { AlyxFixture, PASSWORD, USER, USER2 } from '../../tests/support/alyx-fixture.ts';
import type { AlyxNote } from './alyx-types.ts';
import { AlyxClient } from './client.ts';
import { writeCriticalNote } from './critical-note.ts';
import { AlyxValidationError, InputError } from './errors.ts';
import { attachFigure, FIGURE_TITLE, figureAttachment, FigureNotAttachedError, figureNoteText, figuresOf, findFigureNotes, heldFigure, parseFigureNote, type FigureTarget } from './figure-note.ts';
import { noteFigure, noteImage, noteImageFormData, type NoteImage } from './note-image.ts';
import { SAMPLE_JPEG, samplePng } from './note-image-samples.ts';
import { findNotes } from './notes-api.ts';
import { signOffDateKey, signOffTitle } from './note-text.ts';
import { signOff } from './sign-off.ts';
import { fetchTransport, type Transport } from './transport.ts';
// The workflows' own modules, not the core's index: load the note kinds as the index does.
import './note-kinds.ts';

const KEY = '_ephysChoiceWorld_00';
const SHA = 'a'.repeat(64);
const TODAY = new Date(2024, 0, 15, 12);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PYTHON = `${ROOT}.venv/bin/python`;

let alyx: AlyxFixture;
let client: AlyxClient;
let token: string;

before(async () => {
  alyx = await AlyxFixture.start();
  client = await alyx.login();
  token = await alyx.token();
});
after(() => alyx.stop());

/** The stored file, read as a notebook would: with the token (Alyx serves it to no one else). */
async function imageBytes(note: AlyxNote): Promise<Uint8Array> {
  assert.ok(note.image, `note ${note.id} has no image`);
  // Alyx serves uploads under /uploaded/, alyx-local under /media/.
  assert.match(note.image, /\/(uploaded|media)\//);
  const response = await fetch(note.image, { headers: { authorization: `Token ${token}` } });
  assert.equal(response.status, 200);
  return new Uint8Array(await response.arrayBuffer());
}

function signOffTarget(eid: string, entry = signOffDateKey(USER.username, TODAY)): FigureTarget {
  return { contentType: 'session', objectId: eid, verdict: { signOffKey: KEY, entry } };
}

describe('figure note text', () => {
  test('byte-exact, as Python json.dumps writes it', () => {
    assert.equal(
      figureNoteText({ signOffKey: KEY, entry: `2024-01-15_${USER.username}` }, SHA),
      `{"title": "=== QC FIGURE ===", "sign_off_key": "_ephysChoiceWorld_00", "entry": "2024-01-15_${USER.username}", "sha256": "${SHA}"}`,
    );
    assert.equal(
      figureNoteText({ criticalNoteId: '6F1A7A52-4E3B-4C9A-9D55-0B0C4A3E9F11' }, SHA),
      `{"title": "=== QC FIGURE ===", "critical_note": "6f1a7a52-4e3b-4c9a-9d55-0b0c4a3e9f11", "sha256": "${SHA}"}`,
    );
  });

  test('parsed back into the verdict it names; other notes are not figures', () => {
    assert.deepEqual(parseFigureNote(figureNoteText({ signOffKey: KEY, entry: `2024-01-15_${USER.username}` }, SHA)), { verdict: { signOffKey: KEY, entry: `2024-01-15_${USER.username}` }, sha256: SHA });
    assert.equal(parseFigureNote(`{"title": "${signOffTitle(KEY)}"}`), null);
    assert.equal(parseFigureNote('free text'), null);
  });

  test('contains none of ibllib\'s titles', () => {
    const text = figureNoteText({ signOffKey: KEY, entry: `2024-01-15_${USER.username}` }, SHA).toLowerCase();
    for (const title of [signOffTitle(KEY), 'SIGN-OFF NOTE FOR', 'EXPERIMENTER REASON(S) FOR MARKING THE SESSION AS CRITICAL', 'EXPERIMENTER REASON(S) FOR MARKING THE INSERTION AS CRITICAL']) {
      assert.ok(!text.includes(title.toLowerCase()), title);
    }
  });

  test('a bad key, entry or digest is refused before any request', () => {
    assert.throws(() => figureNoteText({ signOffKey: 'bad,key', entry: '2024-01-15_u' }, SHA), InputError);
    assert.throws(() => figureNoteText({ signOffKey: KEY, entry: 'yesterday' }, SHA), /not a sign-off entry/);
    assert.throws(() => figureNoteText({ criticalNoteId: 'x' }, SHA), /not a UUID/);
    assert.throws(() => figureNoteText({ signOffKey: KEY, entry: '2024-01-15_u' }, 'ABC'), /not a SHA-256/);
  });
});

describe('attachFigure', () => {
  test('a PNG and a JPEG are stored as sent, read back byte for byte with the token', async () => {
    const eid = await alyx.newSession();
    // Wider than Alyx's default 800 px: without width=orig it would be re-encoded.
    const png = samplePng(1200, 40, 3);
    for (const bytes of [png, SAMPLE_JPEG]) {
      const note = await attachFigure(client, signOffTarget(eid), await noteFigure(bytes));
      assert.equal(note.user, USER.username);
      assert.equal(note.content_type, 'actions.session');
      assert.deepEqual(await imageBytes(note), bytes);
      assert.equal(parseFigureNote(note.text)?.sha256, (await noteFigure(bytes)).sha256);
    }
    assert.equal((await findFigureNotes(client, eid)).length, 2);
  });

  test('attached again (Retry), the same figure of the same verdict is not written twice', async () => {
    const eid = await alyx.newSession();
    const image = await noteFigure(samplePng());
    const first = await attachFigure(client, signOffTarget(eid), image);
    const before = client.requestCount;
    const second = await attachFigure(client, signOffTarget(eid), image);
    assert.equal(second.id, first.id);
    assert.equal(client.requestCount - before, 1, 'one look-up, no POST');
    // Another plot of the same verdict is a figure of its own: both kept, newest first.
    const other = await attachFigure(client, signOffTarget(eid), await noteFigure(samplePng(16, 12, 2)));
    assert.deepEqual(figuresOf(await findFigureNotes(client, eid), signOffTarget(eid).verdict).map((note) => note.id), [other.id, first.id]);
  });

  test('bytes that are not an image: refused before any request; Alyx refuses them too', async () => {
    const eid = await alyx.newSession();
    const before = client.requestCount;
    await assert.rejects(noteFigure(new TextEncoder().encode('not a png')), /not a PNG or JPEG image/);
    assert.equal(client.requestCount, before);
    // Past the check (a NoteImage forged by hand), Alyx answers 400 and nothing is stored.
    const forged: NoteImage = { contentType: 'image/png', size: 9, sha256: SHA, bytes: new TextEncoder().encode('not a png') };
    await assert.rejects(attachFigure(client, signOffTarget(eid), figureAttachment(forged, (fields) => noteImageFormData(fields, forged))), (error: Error) => error instanceof AlyxValidationError && /Upload a valid image/.test(error.message));
    assert.deepEqual(await alyx.notesOf(eid), []);
  });

  test('a figure the kernel holds: its note is asked for as JSON, the four fields and no file, and written once', async () => {
    const eid = await alyx.newSession();
    const bytes = samplePng(24, 16, 6);
    const held = await noteImage(bytes);
    // Stands for the kernel relay (python/alyx_qc/_relay.py): a figure note's JSON POST goes on
    // to Alyx as multipart with the bytes the kernel holds; everything else as it is.
    const posted: unknown[] = [];
    const kernel: Transport = async (request) => {
      if (request.method !== 'POST' || !request.url.endsWith('/notes')) return fetchTransport()(request);
      assert.equal(typeof request.body, 'string', 'the page sends no FormData');
      const fields = JSON.parse(request.body as string) as Record<string, string>;
      posted.push(fields);
      // fetch writes the multipart content type, with its boundary.
      const { 'content-type': _json, ...headers } = request.headers;
      return fetchTransport()({ ...request, headers, body: noteImageFormData(fields, held) });
    };
    const page = await alyx.login(USER.username, { transport: kernel });
    const figure = heldFigure({ contentType: held.contentType, size: held.size, sha256: held.sha256 });
    const note = await attachFigure(page, signOffTarget(eid), figure);
    const text = figureNoteText(signOffTarget(eid).verdict, held.sha256);
    assert.deepEqual(posted, [{ user: USER.username, content_type: 'session', object_id: eid, text }]);
    assert.equal(note.text, text);
    assert.deepEqual(await imageBytes(note), bytes);
    // Retry: found by the look-up, not posted again.
    const before = page.requestCount;
    assert.equal((await attachFigure(page, signOffTarget(eid), figure)).id, note.id);
    assert.equal(page.requestCount - before, 1, 'one look-up, no POST');
    assert.equal(posted.length, 1);
  });

  test('the dry-run request names the image, its type and size', async () => {
    const image = await noteFigure(SAMPLE_JPEG);
    const planned = image.plan(client, signOffTarget('0b2fd9a3-1c5e-4f4e-9a56-1f2d3c4b5a69'));
    assert.equal(planned.method, 'POST');
    const body = planned.body as Record<string, string>;
    assert.match(body['image'] ?? '', /^a JPEG image of 633 bytes \(SHA-256 [0-9a-f]{12}…\)$/);
    assert.equal(body['width'], 'orig');
    assert.equal(body['text'], figureNoteText(signOffTarget('').verdict, image.sha256));
  });
});

describe('figures survive every later verdict', () => {
  test('alyx-qc: a later sign-off merge, a critical overwrite and their look-ups leave every figure', async () => {
    const eid = await alyx.newSession();
    const reviewer2 = await alyx.login(USER2.username);
    const mine = await attachFigure(client, signOffTarget(eid), await noteFigure(samplePng()));
    await signOff(client, { eid, signOffKey: KEY, kind: 'task', nums: '1', now: TODAY });
    const theirs = await attachFigure(reviewer2, signOffTarget(eid, signOffDateKey(USER2.username, TODAY)), await noteFigure(SAMPLE_JPEG));
    await signOff(reviewer2, { eid, signOffKey: KEY, kind: 'task', nums: '2', now: TODAY });
    // The sign-off look-up sees exactly the one sign-off note.
    assert.equal((await findNotes(client, eid, undefined, signOffTitle(KEY))).length, 1);
    const critical = await writeCriticalNote(client, { uuid: eid, nums: '0' });
    assert.equal(critical.status, 'written');
    const criticalFigure = critical.status === 'written' ? await attachFigure(client, { contentType: 'session', objectId: eid, verdict: { criticalNoteId: critical.note.id } }, await noteFigure(samplePng(8, 8, 5))) : undefined;
    const overwrite = await writeCriticalNote(reviewer2, { uuid: eid, nums: '1', overwrite: true });
    assert.equal(overwrite.status, 'written');
    // The old critical note is gone; its figure stays, naming it.
    const figures = await findFigureNotes(client, eid);
    assert.deepEqual(figures.map((note) => note.id).sort(), [mine.id, theirs.id, criticalFigure?.id].sort());
    assert.deepEqual(await imageBytes(figures.find((note) => note.id === theirs.id) as AlyxNote), SAMPLE_JPEG);
  });

  const ibllib = existsSync(PYTHON) ? promisify(execFile)(PYTHON, ['-c', 'import ibllib'], { cwd: ROOT }).then(() => true, () => false) : Promise.resolve(false);

  test('ibllib\'s own sign-off merge and critical overwrite leave every figure; ibllib finds one sign-off note per key', async (t) => {
    if (!(await ibllib)) return t.skip('ibllib is not installed in .venv');
    const eid = await alyx.newSession();
    const figure = await attachFigure(client, signOffTarget(eid), await noteFigure(samplePng(20, 10, 9)));
    await signOff(client, { eid, signOffKey: KEY, kind: 'task', nums: '1', now: TODAY });
    const critical = await writeCriticalNote(client, { uuid: eid, nums: '0' });
    assert.equal(critical.status, 'written');
    const criticalFigure = critical.status === 'written' ? await attachFigure(client, { contentType: 'session', objectId: eid, verdict: { criticalNoteId: critical.note.id } }, await noteFigure(SAMPLE_JPEG)) : undefined;
    const ibllibRun = async (workflow: string): Promise<void> => {
      const { stdout } = await promisify(execFile)(PYTHON, ['benchmarks/ibllib_driver.py', workflow, '--base-url', alyx.baseUrl, '--username', USER2.username, '--password', USER2.password, '--uuids', eid], { cwd: ROOT });
      // ibllib logs to stdout too: the driver's JSON is the last line.
      const report = stdout.trim().split('\n').at(-1) ?? '';
      assert.deepEqual((JSON.parse(report) as { failures: unknown[] }).failures, [], `ibllib ${workflow}`);
    };
    // ibllib's merge found exactly one sign-off note (it raises on more) and PATCHed it with text only.
    await ibllibRun('sign-off');
    await ibllibRun('critical-overwrite');
    const notes = await alyx.notesOf(eid);
    const signOffNotes = notes.filter((note) => note.text.toLowerCase().includes(signOffTitle(KEY).toLowerCase()));
    assert.equal(signOffNotes.length, 1);
    assert.match(signOffNotes[0]?.text ?? '', new RegExp(`"2024-01-15_${USER.username}".*"\\d{4}-\\d{2}-\\d{2}_${USER2.username}"`));
    assert.ok(!notes.some((note) => note.id === (critical.status === 'written' ? critical.note.id : '')), 'ibllib deleted the old critical note');
    const figures = notes.filter((note) => note.text.includes(FIGURE_TITLE));
    assert.deepEqual(figures.map((note) => note.id).sort(), [figure.id, criticalFigure?.id].sort());
    assert.deepEqual(await imageBytes(figures.find((note) => note.id === figure.id) as AlyxNote), await imageBytes(figure));
  });
});

describe('signOff with an image', () => {
  test('the figure note and the sign-off; the dry run names the image first', async () => {
    const eid = await alyx.newSession();
    const image = await noteFigure(new Blob([samplePng(64, 48, 4) as Uint8Array<ArrayBuffer>]));
    const dry = await signOff(client, { eid, signOffKey: KEY, kind: 'task', nums: '1', now: TODAY, image, dryRun: true });
    assert.equal(dry.status, 'dry-run');
    assert.deepEqual(dry.status === 'dry-run' ? dry.requests.map((request) => `${request.method} ${request.path}`) : [], ['POST /notes', 'POST /notes', `PATCH /sessions/${eid}`]);
    assert.match(JSON.stringify(dry.status === 'dry-run' ? dry.requests[0]?.body : null), /"image":"a PNG image of [\d.]+ KB \(SHA-256 [0-9a-f]{12}…\)"/);
    assert.deepEqual(await alyx.notesOf(eid), [], 'a dry run writes nothing');
    const result = await signOff(client, { eid, signOffKey: KEY, kind: 'task', nums: '1', now: TODAY, image });
    assert.equal(result.status, 'written');
    const figure = result.status === 'written' ? result.figure : undefined;
    assert.equal(figure?.text, figureNoteText({ signOffKey: KEY, entry: `2024-01-15_${USER.username}` }, image.sha256));
    assert.deepEqual(await imageBytes(figure as AlyxNote), samplePng(64, 48, 4));
  });

  test('Retry after the verdict failed completes the pair: the figure is not written twice', async () => {
    const eid = await alyx.newSession();
    // Fault injection (named as such): Alyx refuses the checklist PATCH once, which the real
    // server does not do on demand; the figure and the note are already written by then.
    let refuse = true;
    const faulty: Transport = async (request) => {
      if (refuse && request.method === 'PATCH' && request.url.includes('/sessions/')) {
        refuse = false;
        return { status: 400, headers: { 'content-type': 'application/json' }, body: '{"json": ["Injected refusal."], "status_code": 400}' };
      }
      return fetchTransport()(request);
    };
    const flaky = await AlyxClient.login(alyx.baseUrl, { username: USER.username, password: PASSWORD }, { transport: faulty });
    const image = await noteFigure(SAMPLE_JPEG);
    await assert.rejects(signOff(flaky, { eid, signOffKey: KEY, kind: 'task', nums: '2', now: TODAY, image }), /Injected refusal/);
    assert.equal((await findFigureNotes(client, eid)).length, 1, 'the figure was written before the verdict');
    const retried = await signOff(flaky, { eid, signOffKey: KEY, kind: 'task', nums: '2', now: TODAY, image });
    assert.equal(retried.status, 'written');
    const figures = await findFigureNotes(client, eid);
    assert.equal(figures.length, 1, 'one figure note after Retry');
    assert.equal(retried.status === 'written' ? retried.figure?.id : '', figures[0]?.id);
    assert.equal((await findNotes(client, eid, undefined, signOffTitle(KEY))).length, 1, 'one sign-off note');
    assert.deepEqual((await alyx.sessionJson(eid) as { sign_off_checklist: Record<string, unknown> }).sign_off_checklist[KEY], { date: '2024-01-15', user: USER.username });
  });

  test('a figure that is not an image stops the sign-off before any request', async () => {
    const before = client.requestCount;
    await assert.rejects(async () => signOff(client, { eid: await alyx.newSession(), signOffKey: KEY, kind: 'task', nums: '1', image: await noteFigure(new TextEncoder().encode('<svg/>')) }), /not a PNG or JPEG image \(SVG or XML text\)/);
    assert.equal(client.requestCount, before);
  });
});

describe('writeCriticalNote with an image', () => {
  test('the critical note, then the figure note naming its id; the dry run lists the figure last', async () => {
    const eid = await alyx.newSession();
    const image = await noteFigure(samplePng(30, 20, 8));
    const dry = await writeCriticalNote(client, { uuid: eid, nums: '1', image, dryRun: true });
    assert.equal(dry.status, 'dry-run');
    const planned = dry.status === 'dry-run' ? (dry.requests.at(-1)?.body as Record<string, string>) : {};
    assert.equal(planned['text'], `{"title": "=== QC FIGURE ===", "critical_note": "<id of the new critical note>", "sha256": "${image.sha256}"}`);
    const result = await writeCriticalNote(client, { uuid: eid, nums: '1', image });
    assert.equal(result.status, 'written');
    if (result.status !== 'written') return;
    assert.equal(result.figure?.text, figureNoteText({ criticalNoteId: result.note.id }, image.sha256));
    assert.deepEqual(await imageBytes(result.figure as AlyxNote), samplePng(30, 20, 8));
    // Overwritten later, with another figure: the old figure stays, naming the old note.
    const again = await writeCriticalNote(client, { uuid: eid, nums: '0', image: await noteFigure(SAMPLE_JPEG), overwrite: true });
    assert.equal(again.status, 'written');
    // A list has no order on PostgreSQL (alyx-local): compare the verdicts named, sorted.
    const named = (await findFigureNotes(client, eid)).map((note) => JSON.stringify(parseFigureNote(note.text)?.verdict)).sort();
    assert.deepEqual(named, [{ criticalNoteId: result.note.id }, { criticalNoteId: again.status === 'written' ? again.note.id : '' }].map((verdict) => JSON.stringify(verdict)).sort());
  });

  test('the figure failed after the note: the error holds the note, and Retry attaches only the figure', async () => {
    const eid = await alyx.newSession();
    // Fault injection (named as such): the multipart POST answered 500 once, which the real
    // server does not do on demand; the critical note before it is written for real.
    let refuse = true;
    const faulty: Transport = async (request) => {
      if (refuse && request.body instanceof FormData) {
        refuse = false;
        return { status: 500, headers: { 'content-type': 'application/json' }, body: '{"detail": "Injected failure.", "status_code": 500}' };
      }
      return fetchTransport()(request);
    };
    const flaky = await AlyxClient.login(alyx.baseUrl, { username: USER.username, password: PASSWORD }, { transport: faulty, retry: { retries: 0 } });
    const image = await noteFigure(SAMPLE_JPEG);
    let failure: unknown;
    await writeCriticalNote(flaky, { uuid: eid, nums: '1', image }).catch((error: unknown) => (failure = error));
    assert.ok(failure instanceof FigureNotAttachedError, String(failure));
    assert.equal(failure.code, 'figure-not-attached');
    assert.match(failure.message, /The critical note was written \([0-9a-f-]{36}\), but its figure was not attached: .*Injected failure.* Retry attaches the figure to that note/);
    assert.equal((await findFigureNotes(client, eid)).length, 0);
    const figure = await image.attach(flaky, failure.target);
    const notes = await alyx.notesOf(eid);
    assert.equal(notes.length, 2, 'one critical note and one figure note');
    assert.equal(figure.text, figureNoteText({ criticalNoteId: failure.note.id }, image.sha256));
    // Retry again: found, not written twice.
    assert.equal((await image.attach(flaky, failure.target)).id, figure.id);
    assert.equal((await alyx.notesOf(eid)).length, 2);
  });
});
