/**
 * The factories as a notebook cell calls them, in Chromium against the development Alyx: bad
 * options fail at once with a TypeError naming the option, and criticalNoteInput writes its note.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startNotebookServer, type NotebookServer } from '../../examples/observable/server.ts';
import { criticalNoteText } from '../../js/core/note-text.ts';
import { NOTE_KINDS, type CriticalKind } from '../../js/core/note-kinds.ts';
import { AlyxFixture, PASSWORD } from '../support/alyx-fixture.ts';
import { ensureBuilt } from './support/build.ts';
import { launchChromium } from './support/chromium.ts';

let server: NotebookServer;
let alyx: AlyxFixture;
let stockAlyx: AlyxFixture;
let browser: Browser;
let page: Page;

before(async () => {
  ensureBuilt();
  server = await startNotebookServer();
  [alyx, stockAlyx, browser] = await Promise.all([AlyxFixture.start({ corsOrigins: [server.origin] }), AlyxFixture.start(), launchChromium()]);
  page = await browser.newPage();
  // Any page of the origin will do; the bundle is imported by the tests themselves.
  await page.goto(`${server.notebookUrl}?alyx=/alyx`);
  await page.evaluate(`(async () => { window.alyxqc = await import('/dist/observable/index.js'); })()`);
});

after(async () => {
  await browser?.close();
  await Promise.all([alyx?.stop(), stockAlyx?.stop(), server?.stop()]);
});

/** Runs `body` (JS, with `alyxqc` in scope) in the page and returns the thrown error's name and message. */
async function thrown(body: string): Promise<{ name: string; message: string } | null> {
  return page.evaluate(`(() => {
    try { ${body}; return null; } catch (error) { return { name: error.name, message: error.message }; }
  })()`);
}

test('bad options throw a TypeError at once, naming the option', async () => {
  const client = `{ request() {}, list() {}, user: 'test_user', baseUrl: 'http://127.0.0.1' }`;
  const eid = '2ffd3ed5-477e-4153-9af7-7fdad3c6946b';
  const cases: [string, RegExp][] = [
    [`alyxqc.signOffInput({ alyx: ${client}, eid: 'nope', kind: 'task', key: '_ephysChoiceWorld_00' })`, /signOffInput: the "eid" option is not valid: "nope" is not a UUID/],
    [`alyxqc.signOffInput({ alyx: ${client}, eid: '${eid}', kind: 'tsak', key: '_ephysChoiceWorld_00' })`, /the "kind" option is not valid: Unknown note kind "tsak"/],
    [`alyxqc.signOffInput({ alyx: ${client}, eid: '${eid}', kind: 'task', key: 'ephys' })`, /the "key" option is not valid/],
    [`alyxqc.signOffInput({ alyx: ${client}, eid: '${eid}', kind: 'task', key: '_ephysChoiceWorld_00', withnote: false })`, /unknown option "withnote"; did you mean "withNote"\?/],
    [`alyxqc.signOffInput({ alyx: ${client}, eid: '${eid}', kind: 'task', key: '_ephysChoiceWorld_00', withNote: 'no' })`, /the "withNote" option must be true or false/],
    [`alyxqc.signOffInput({ eid: '${eid}', kind: 'task', key: '_ephysChoiceWorld_00' })`, /the "alyx" option is missing: log in first/],
    [`alyxqc.signOffInput({ alyx: 'https://alyx.example.org', eid: '${eid}', kind: 'task', key: '_ephysChoiceWorld_00' })`, /the "alyx" option must be an AlyxClient/],
    [`alyxqc.signOffInput('${eid}')`, /pass the options as one object/],
    [`alyxqc.signOffInput({ alyx: ${client}, eid: '${eid}', kind: 'task', key: '_ephysChoiceWorld_00', image: 'plot.png' })`, /the "image" option takes the plot as a PNG or JPEG Blob \(figureFromSvg\(svg\), figureFromCanvas\(canvas\)\) or its bytes, not string/],
    [`alyxqc.criticalNoteInput({ alyx: ${client}, uid: '${eid}' })`, /unknown option "uid"; did you mean "uuid"\?/],
    [`alyxqc.loginForm({ baseUrl: 'ftp://alyx.example.org' })`, /loginForm: the "baseUrl" option is not valid: .*http:\/\/ or https:\/\//],
    [`alyxqc.loginForm({})`, /loginForm: the "baseUrl" option must be a non-empty string/],
  ];
  for (const [call, expected] of cases) {
    const error = await thrown(call);
    assert.equal(error?.name, 'TypeError', call);
    assert.match(error?.message ?? '', expected, call);
    assert.match(error?.message ?? '', /^\[alyx-qc\] /, call);
  }
});

/**
 * Shows an input in the page as `window.critical` (the previous one removed): `input` is an
 * expression over `client`, logged in as test_user; `setup` runs first and may define `blob`, whose
 * SHA-256 is returned; `after` runs once the input is on the page.
 */
async function showInput(input: string, { setup = '', after = '' } = {}): Promise<string | undefined> {
  return (await page.evaluate(`(async () => {
    window.critical?.remove();
    ${setup}
    const client = await alyxqc.AlyxClient.login(${JSON.stringify(alyx.baseUrl)}, { username: 'test_user', password: ${JSON.stringify(PASSWORD)} });
    const input = ${input};
    document.body.append(input);
    window.critical = input;
    ${after}
    if (typeof blob === 'undefined') return undefined;
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()));
    return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
  })()`)) as string | undefined;
}

/** A critical-note input for `uuid`, its `input` events' values collected in `window.values`. */
async function showCriticalInput(uuid: string): Promise<void> {
  await showInput(`alyxqc.criticalNoteInput({ alyx: client, uuid: ${JSON.stringify(uuid)} })`, {
    after: `window.values = []; input.addEventListener('input', () => window.values.push(input.value));`,
  });
}

test('criticalNoteInput: value follows the clicks, submitting writes the note, a second one replaces it after confirmation', async () => {
  const pid = await alyx.newInsertion();
  const kind = NOTE_KINDS['critical-insertion'] as CriticalKind;
  await showCriticalInput(pid);
  await page.getByRole('checkbox', { name: 'Drift' }).check();
  await page.getByRole('checkbox', { name: 'Poor neural yield' }).check();
  const choice = { reasons: ['Drift', 'Poor neural yield'], other: null };
  assert.deepEqual(await page.evaluate('window.critical.value'), choice);
  assert.deepEqual(await page.evaluate('window.values'), [{ reasons: ['Drift'], other: null }, choice]);

  await page.getByRole('button', { name: 'Mark as critical' }).click();
  await page.getByText(/Marked as critical: note \S+ written\./).waitFor({ timeout: 15_000 });
  const [first] = await alyx.notesOf(pid);
  assert.equal(first?.text, criticalNoteText(kind, choice));

  // A new input on the same insertion: the note is shown, and replaced only once confirmed.
  await showCriticalInput(pid);
  await page.getByRole('checkbox', { name: 'Brain Damage' }).check();
  await page.getByRole('button', { name: 'Mark as critical' }).click();
  await page.getByRole('button', { name: 'Replace note' }).click();
  await page.getByText(/Marked as critical: note \S+ written, 1 older note deleted\./).waitFor({ timeout: 15_000 });
  const notes = await alyx.notesOf(pid);
  assert.deepEqual(notes.map((note) => note.text), [criticalNoteText(kind, { reasons: ['Brain Damage'], other: null })]);
  assert.notEqual(notes[0]?.id, first?.id);
});

test('signOffInput with the image of an SVG plot: its thumbnail, and Sign off writes it as the figure note, byte for byte; bytes that are no image are the input\u2019s error', async () => {
  const eid = await alyx.newSession();
  const sha256 = await showInput(`alyxqc.signOffInput({ alyx: client, eid: ${JSON.stringify(eid)}, kind: 'task', key: '_ephysChoiceWorld_00', image: blob })`, {
    setup: `const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
      svg.setAttribute('width', '160');
      svg.setAttribute('height', '90');
      svg.innerHTML = '<rect width="160" height="90" fill="teal"/><circle cx="80" cy="45" r="30" fill="gold"/>';
      const blob = await alyxqc.figureFromSvg(svg);`,
  });
  await page.getByRole('checkbox', { name: 'Attach this figure to the note' }).waitFor({ timeout: 15_000 });
  assert.equal(await page.getByRole('checkbox', { name: 'Attach this figure to the note' }).isChecked(), true);
  await page.getByRole('checkbox', { name: 'wheel data corrupt' }).check();
  await page.getByRole('button', { name: 'Sign off' }).click();
  await page.getByText(/Figure note \S+ attached\./).waitFor({ timeout: 15_000 });
  const figures = (await alyx.notesOf(eid)).filter((note) => note.text.startsWith('{"title": "=== QC FIGURE ==="'));
  assert.equal(figures.length, 1);
  assert.ok(figures[0]!.text.endsWith(`"sha256": "${sha256}"}`), figures[0]!.text);
  // Read back with the token, as Alyx serves /uploaded/ only with one.
  const image = Buffer.from(await (await fetch(figures[0]!.image ?? '', { headers: { authorization: `Token ${await alyx.token()}` } })).arrayBuffer());
  assert.equal(createHash('sha256').update(image).digest('hex'), sha256);

  const other = await alyx.newSession();
  await showInput(`alyxqc.signOffInput({ alyx: client, eid: ${JSON.stringify(other)}, kind: 'task', key: '_ephysChoiceWorld_00', image: new TextEncoder().encode('not a plot') })`);
  const alert = page.getByRole('alert');
  await alert.waitFor({ timeout: 10_000 });
  assert.match(await alert.innerText(), /not a PNG or JPEG|PNG or JPEG/);
  assert.deepEqual(await alyx.notesOf(other), [], 'nothing written');
});

test('criticalNoteInput with the image of a canvas: the critical note, then its figure note naming the note\u2019s id, byte for byte', async () => {
  const pid = await alyx.newInsertion();
  const sha256 = await showInput(`alyxqc.criticalNoteInput({ alyx: client, uuid: ${JSON.stringify(pid)}, image: blob })`, {
    setup: `const canvas = Object.assign(document.createElement('canvas'), { width: 64, height: 48 });
      canvas.getContext('2d').fillRect(8, 8, 40, 30);
      const blob = await alyxqc.figureFromCanvas(canvas);`,
  });
  await page.getByRole('checkbox', { name: 'Attach this figure to the note' }).waitFor({ timeout: 15_000 });
  await page.getByRole('checkbox', { name: 'Drift' }).check();
  await page.getByRole('button', { name: 'Mark as critical' }).click();
  await page.getByText(/Marked as critical: note \S+ written/).waitFor({ timeout: 15_000 });
  const notes = await alyx.notesOf(pid);
  const critical = notes.find((note) => note.text.includes('CRITICAL'));
  const figures = notes.filter((note) => note.text.startsWith('{"title": "=== QC FIGURE ==="'));
  assert.equal(figures.length, 1, JSON.stringify(notes.map((note) => note.text)));
  assert.equal(figures[0]!.text, `{"title": "=== QC FIGURE ===", "critical_note": "${critical?.id}", "sha256": "${sha256}"}`);
  const image = Buffer.from(await (await fetch(figures[0]!.image ?? '', { headers: { authorization: `Token ${await alyx.token()}` } })).arrayBuffer());
  assert.equal(createHash('sha256').update(image).digest('hex'), sha256);
});

test('a client made from a token (no request yet) against an Alyx without CORS: the input explains CORS and offers Retry', async () => {
  const answer = await fetch(`${stockAlyx.baseUrl}/auth-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'test_user', password: PASSWORD }),
  });
  const { token } = (await answer.json()) as { token: string };
  const eid = await stockAlyx.newSession();
  await page.evaluate(`(async () => {
    window.critical?.remove();
    const alyx = alyxqc.AlyxClient.login(${JSON.stringify(stockAlyx.baseUrl)}, { username: 'test_user', token: ${JSON.stringify(token)} });
    const input = alyxqc.signOffInput({ alyx, eid: ${JSON.stringify(eid)}, kind: 'task', key: '_ephysChoiceWorld_00' });
    document.body.append(input);
    window.critical = input;
  })()`);
  const alert = page.getByRole('alert');
  await alert.waitFor({ timeout: 10_000 });
  const message = await alert.innerText();
  assert.match(message, /Alyx does not allow requests from this origin \(CORS\)/);
  assert.ok(message.includes(`allow "${server.origin}"`), message);
  assert.ok(!message.includes(token), 'never the token');
  assert.equal(await page.evaluate('window.critical.getAttribute("status")'), 'failed');
  await page.getByRole('button', { name: 'Retry' }).waitFor();
});

test('AlyxClient.login with a password in a cell, against an Alyx without CORS: the error mentions CORS, it is not a bare "Failed to fetch"', async () => {
  const failure = (await page.evaluate(`(async () => {
    try {
      await alyxqc.AlyxClient.login(${JSON.stringify(stockAlyx.baseUrl)}, { username: 'test_user', password: ${JSON.stringify(PASSWORD)} });
      return null;
    } catch (error) {
      return { name: error.name, message: error.message };
    }
  })()`)) as { name: string; message: string } | null;
  assert.equal(failure?.name, 'AlyxNetworkError');
  assert.match(failure?.message ?? '', /CORS/);
  assert.ok(!(failure?.message ?? '').includes(PASSWORD), 'never the password');
  // The notebook helper `login` goes further: it tells CORS from an unreachable server.
  const explained = (await page.evaluate(`alyxqc.login(${JSON.stringify(stockAlyx.baseUrl)}, { username: 'test_user', password: ${JSON.stringify(PASSWORD)} }).then(() => null, (error) => error.name)`)) as string | null;
  assert.equal(explained, 'AlyxCorsError');
});
