/**
 * `alyx-qc signoff --figure plot.png` against the development Alyx: the figure note naming the
 * sign-off, its image byte for byte; the dry run names the image; a bad file stops before any request.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { AlyxFixture, PASSWORD, USER } from '../../tests/support/alyx-fixture.ts';
import { FIGURE_TITLE, figureNoteText } from '../core/figure-note.ts';
import { noteImage } from '../core/note-image.ts';
import { SAMPLE_JPEG, samplePng } from '../core/note-image-samples.ts';
import { signOffDateKey, signOffTitle } from '../core/note-text.ts';
import { runCli } from './testing/cli-process.ts';

const KEY = '_ephysChoiceWorld_00';
const folder = mkdtempSync(path.join(tmpdir(), 'alyx-qc-cli-figure-'));
let alyx: AlyxFixture;
let env: Record<string, string>;

before(async () => {
  alyx = await AlyxFixture.start();
  env = { ALYX_URL: alyx.baseUrl, ALYX_LOGIN: USER.username, ALYX_PASSWORD: PASSWORD };
});
after(() => alyx.stop());

function file(name: string, bytes: Uint8Array | string): string {
  const where = path.join(folder, name);
  writeFileSync(where, bytes);
  return where;
}

test('signoff --figure writes the sign-off and a figure note whose image is the file', async () => {
  const eid = await alyx.newSession();
  const png = samplePng(900, 60, 11);
  const run = await runCli(['signoff', eid, '--key', KEY, '--kind', 'task', '--reasons', '1', '--figure', file('plot.png', png)], { env });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /The figure was attached as note [0-9a-f-]{36}\./);
  const notes = await alyx.notesOf(eid);
  const [figure, ...more] = notes.filter((note) => note.text.includes(FIGURE_TITLE));
  assert.equal(more.length, 0);
  assert.equal(figure?.text, figureNoteText({ signOffKey: KEY, entry: signOffDateKey(USER.username, new Date()) }, (await noteImage(png)).sha256));
  const image = await fetch(figure?.image ?? '', { headers: { authorization: `Token ${await alyx.token()}` } });
  assert.deepEqual(new Uint8Array(await image.arrayBuffer()), png);
  assert.equal(notes.filter((note) => note.text.includes(signOffTitle(KEY))).length, 1);
});

test('--dry-run names the image and its size, and writes nothing', async () => {
  const eid = await alyx.newSession();
  const run = await runCli(['signoff', eid, '--key', KEY, '--kind', 'task', '--reasons', '1', '--figure', file('plot.jpg', SAMPLE_JPEG), '--dry-run'], { env });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /POST \/notes\n {4}\{.*"width":"orig","image":"a JPEG image of 633 bytes \(SHA-256 [0-9a-f]{12}…\)"\}/);
  assert.deepEqual(await alyx.notesOf(eid), []);
});

test('a file that is not an image, or not there, stops before any request (exit 2)', async () => {
  const eid = await alyx.newSession();
  for (const [figure, message] of [
    [file('notes.png', 'not a png at all'), /--figure .*notes\.png: The figure is not a PNG or JPEG image \(bytes starting with 6e 6f 74 20\)/],
    [path.join(folder, 'missing.png'), /--figure .*missing\.png does not exist: give the path of a PNG or JPEG file\./],
    [folder, /is a folder/],
  ] as const) {
    const run = await runCli(['signoff', eid, '--key', KEY, '--kind', 'task', '--reasons', '1', '--figure', figure], { env });
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stderr, message);
  }
  assert.deepEqual(await alyx.notesOf(eid), []);
});

test('critical --figure writes the critical note, then the figure note naming its id', async () => {
  const eid = await alyx.newSession();
  const run = await runCli(['critical', eid, '--reasons', '1', '--figure', file('drift.jpg', SAMPLE_JPEG), '--json'], { env });
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout) as { note_id: string; figure_note_id: string };
  const notes = await alyx.notesOf(eid);
  const figure = notes.find((note) => note.id === report.figure_note_id);
  assert.equal(figure?.text, figureNoteText({ criticalNoteId: report.note_id }, (await noteImage(SAMPLE_JPEG)).sha256));
  assert.equal(notes.length, 2);
});
