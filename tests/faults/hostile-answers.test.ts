/**
 * Issue #13 (core): a server that answers what no Alyx answers. Each test is an attack: a redirect
 * that would carry the password or the token elsewhere, pagination that lies, a `Retry-After`
 * that is not a number, echoes of the token in disguise. The development Alyx cannot lie, so the
 * attacker here is a small real HTTP server of the test's own, named as such; the client and its
 * fetch transports are the real ones.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { inspect } from 'node:util';
import crossFetch from 'cross-fetch';
import { AlyxClient, MAX_PAGES } from '../../js/core/client.ts';
import { writeCriticalNote } from '../../js/core/critical-note.ts';
import { criticalNoteText } from '../../js/core/note-text.ts';
import { NOTE_KINDS, type CriticalKind } from '../../js/core/note-kinds.ts';
import { signOff } from '../../js/core/sign-off.ts';
import { fetchTransport } from '../../js/core/transport.ts';

type Handler = (request: http.IncomingMessage, body: string, response: http.ServerResponse) => void;

/** A hostile server: answers with `handler`, and records every request it got. */
class HostileServer {
  handler: Handler = (_request, _body, response) => response.end();
  readonly received: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
  readonly #server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      this.received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      this.handler(request, body, response);
    });
  });

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

function json(response: http.ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(value));
}

let alyx: HostileServer;
let elsewhere: HostileServer;
before(async () => {
  alyx = await new HostileServer().start();
  elsewhere = await new HostileServer().start();
});
after(async () => {
  await alyx.stop();
  await elsewhere.stop();
});

const PASSWORD = 'hunter2"sec\\ret/Pa55 é';
const TOKEN = '0123456789abcdef0123456789abcdef01234567';

describe('redirects never carry credentials (13.6)', () => {
  for (const [name, transport] of [['Node fetch', fetchTransport()], ['cross-fetch', fetchTransport(crossFetch as never)]] as const) {
    for (const status of [307, 308, 302]) {
      test(`${name}: a ${status} at login is an error naming where it pointed; the password never goes there`, async () => {
        elsewhere.received.length = 0;
        alyx.handler = (_request, _body, response) => {
          response.writeHead(status, { location: `${elsewhere.baseUrl}/auth-token` });
          response.end();
        };
        elsewhere.handler = (_request, _body, response) => json(response, 200, { token: 'f'.repeat(40) });
        await assert.rejects(AlyxClient.login(alyx.baseUrl, { username: 'test_user', password: PASSWORD }, { transport }), (error: Error) => {
          assert.match(error.message, new RegExp(`redirected to ${elsewhere.baseUrl}/auth-token`));
          assert.match(error.message, /not followed\. Not an Alyx API: check the base URL/);
          return true;
        });
        assert.deepEqual(elsewhere.received, [], 'nothing reached the other host');
      });
    }

    test(`${name}: a redirect on a request with the token is refused, not retried, and the token stays home`, async () => {
      elsewhere.received.length = 0;
      alyx.received.length = 0;
      alyx.handler = (_request, _body, response) => {
        response.writeHead(301, { location: `${elsewhere.baseUrl}/sessions` });
        response.end();
      };
      const client = await AlyxClient.login(alyx.baseUrl, { username: 'test_user', token: TOKEN }, { transport });
      await assert.rejects(client.list('sessions'), /redirected to .*\/sessions/);
      assert.equal(alyx.received.length, 1);
      assert.deepEqual(elsewhere.received, []);
    });
  }
});

describe('pagination that lies (13.8)', () => {
  /** `total` notes in pages of `size`, with `count` as given and `next` true to the records. */
  function pages(total: number, size: number, count: number): Handler {
    return (request, _body, response) => {
      const url = new URL(request.url ?? '/', alyx.baseUrl);
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const results = Array.from({ length: Math.max(0, Math.min(size, total - offset)) }, (_, index) => ({ n: offset + index }));
      const next = offset + size < total ? `${alyx.baseUrl}/notes?limit=${size}&offset=${offset + size}` : null;
      json(response, 200, { count, next, previous: null, results });
    };
  }

  test('a count of 1e15 allocates nothing and the list ends where next is null', async () => {
    alyx.handler = pages(600, 250, 1e15);
    const client = await AlyxClient.login(alyx.baseUrl, { username: 'test_user', token: TOKEN });
    const records = await client.list<{ n: number }>('notes');
    assert.deepEqual(records.map((record) => record.n), Array.from({ length: 600 }, (_, n) => n));
  });

  test('a count lower than the records drops no page', async () => {
    alyx.handler = pages(900, 250, 10);
    const client = await AlyxClient.login(alyx.baseUrl, { username: 'test_user', token: TOKEN });
    assert.equal((await client.list('notes')).length, 900);
  });

  test('a server capping limit below ours loses no record', async () => {
    alyx.handler = pages(330, 100, 330);
    const client = await AlyxClient.login(alyx.baseUrl, { username: 'test_user', token: TOKEN });
    const records = await client.list<{ n: number }>('notes');
    assert.deepEqual(records.map((record) => record.n), Array.from({ length: 330 }, (_, n) => n));
  });

  test(`a next that never ends stops after ${MAX_PAGES} pages with a clear error`, async () => {
    alyx.handler = pages(Infinity, 1, 5);
    const client = await AlyxClient.login(alyx.baseUrl, { username: 'test_user', token: TOKEN });
    await assert.rejects(client.list('notes'), /failed with 200: over 1000 pages\. Not an Alyx API/);
  });

  test('an empty page that says more follow is an error, not a loop', async () => {
    alyx.handler = (_request, _body, response) => json(response, 200, { count: 5, next: `${alyx.baseUrl}/notes?offset=0`, previous: null, results: [] });
    const client = await AlyxClient.login(alyx.baseUrl, { username: 'test_user', token: TOKEN });
    await assert.rejects(client.list('notes'), /an empty page, yet more follow\. Not an Alyx API/);
  });

  test('a page that is not a page (results a string) is an error naming the request', async () => {
    alyx.handler = (_request, _body, response) => json(response, 200, { count: 1, next: null, results: 'x' });
    const client = await AlyxClient.login(alyx.baseUrl, { username: 'test_user', token: TOKEN });
    await assert.rejects(client.list('notes'), /GET http:\/\/127\.0\.0\.1:\d+\/notes failed with 200: expected a list page/);
  });
});

describe('Retry-After is read strictly (13.16)', () => {
  test('"Retry-After: 0x10" is not 16 seconds', async () => {
    let calls = 0;
    alyx.handler = (_request, _body, response) => {
      calls++;
      if (calls === 1) json(response, 429, { detail: 'Request was throttled.' }, { 'retry-after': '0x10' });
      else json(response, 200, []);
    };
    const client = await AlyxClient.login(alyx.baseUrl, { username: 'test_user', token: TOKEN }, { retry: { baseDelayMs: 10, maxDelayMs: 20 } });
    const started = Date.now();
    await client.list('sessions');
    // Read as a number it would have waited 16 s; ignored, it backs off for milliseconds.
    assert.ok(Date.now() - started < 5_000, `waited ${Date.now() - started} ms`);
    assert.equal(calls, 2);
  });
});

describe('the token in disguise never shows (13.9)', () => {
  const disguises = {
    'upper case': TOKEN.toUpperCase(),
    'JSON-escaped password': JSON.stringify(PASSWORD).slice(1, -1),
    'base64 token': Buffer.from(TOKEN).toString('base64'),
    'Basic header': Buffer.from(`test_user:${PASSWORD}`).toString('base64'),
    'URL-encoded password': encodeURIComponent(PASSWORD),
  };
  for (const [name, echo] of Object.entries(disguises)) {
    test(`an error page echoing the ${name} is scrubbed`, async () => {
      alyx.handler = (_request, _body, response) => {
        response.writeHead(418, { 'content-type': 'text/html' });
        response.end(`<pre>debug: ${echo}</pre>`);
      };
      const client = await AlyxClient.login(alyx.baseUrl, { username: 'test_user', token: TOKEN, password: PASSWORD });
      const error = await client.request('GET', '/sessions').catch((caught: unknown) => caught);
      const shown = inspect(error, { showHidden: true, depth: Infinity });
      assert.ok(!shown.toLowerCase().includes(TOKEN.toLowerCase()), shown);
      assert.ok(!shown.includes(echo), shown);
    });
  }

  test('an error thrown by a transport that quotes the token keeps no cause holding it', async () => {
    const client = await AlyxClient.login(alyx.baseUrl, { username: 'test_user', token: TOKEN }, {
      retry: { retries: 0 },
      transport: (request) => Promise.reject(Object.assign(new Error(`socket hang up (${request.headers['authorization'] ?? ''})`), { request })),
    });
    const error = await client.request('GET', '/sessions').catch((caught: unknown) => caught);
    assert.ok(error instanceof Error);
    assert.equal(error.cause, undefined);
    assert.ok(!inspect(error, { showHidden: true, depth: Infinity }).includes(TOKEN));
  });

  test('a base URL with user:password@ is never quoted whole', async () => {
    for (const url of ['https://olivier:pa55word@alyx.example.org', 'ht tp://olivier:pa55word@alyx example']) {
      await assert.rejects(AlyxClient.login(url, { username: 'olivier', token: TOKEN }), (error: Error) => {
        assert.ok(!error.message.includes('pa55word'), error.message);
        return true;
      });
    }
  });
});

describe('answers of the wrong shape stop the workflow before any write (13.12)', () => {
  const EID = '2ffd3ed5-477e-4153-9af7-7fdad3c6946b';
  const title = (NOTE_KINDS['critical-session'] as CriticalKind).title;
  const note = (fields: Record<string, unknown>): Record<string, unknown> => ({ id: '9b5e1c1e-2f5d-4a8e-9c1b-0d6f2b7a1c3e', user: 'admin', date_time: '2024-01-01T00:00:00', content_type: 'actions.session', object_id: EID, text: 'x', ...fields });
  /** Answers the session and the notes list as given; any write is recorded and answered 201. */
  function answering(session: () => [number, string, string], notes: readonly unknown[]): Handler {
    return (request, _body, response) => {
      const path = new URL(request.url ?? '/', alyx.baseUrl).pathname;
      if (request.method === 'GET' && path === `/sessions/${EID}`) {
        const [status, type, body] = session();
        response.writeHead(status, { 'content-type': type });
        response.end(body);
      } else if (request.method === 'GET' && path === '/notes') json(response, 200, { count: notes.length, next: null, previous: null, results: notes });
      else json(response, 201, note({}));
    };
  }
  const session = { id: EID, json: { sign_off_checklist: { _ephysChoiceWorld_00: null } } };
  const cases: { name: string; handler: Handler; run: (client: AlyxClient) => Promise<unknown>; error: RegExp }[] = [
    { name: 'a session that is a string', handler: answering(() => [200, 'application/json', '"a session"'], []), run: (client) => signOff(client, { eid: EID, signOffKey: '_ephysChoiceWorld_00', kind: 'task', reasons: [] }), error: /GET http:\/\/.*\/sessions\/2ffd3ed5\S* failed with 200: expected session 2ffd3ed5-477e-4153-9af7-7fdad3c6946b, got a string\. Not an Alyx API: check the base URL/ },
    { name: 'a session that is a list', handler: answering(() => [200, 'application/json', '[]'], []), run: (client) => signOff(client, { eid: EID, signOffKey: '_ephysChoiceWorld_00', kind: 'task', withNote: false }), error: /expected session 2ffd3ed5\S*, got a list/ },
    { name: 'another session than asked', handler: answering(() => [200, 'application/json', JSON.stringify({ ...session, id: '0b2fd9a3-1c5e-4f4e-9a56-1f2d3c4b5a69' })], []), run: (client) => signOff(client, { eid: EID, signOffKey: '_ephysChoiceWorld_00', kind: 'task', withNote: false }), error: /expected session 2ffd3ed5\S*, got another object/ },
    { name: 'an HTML page with 200', handler: answering(() => [200, 'text/html', '<html>Log in</html>'], []), run: (client) => signOff(client, { eid: EID, signOffKey: '_ephysChoiceWorld_00', kind: 'task', reasons: [] }), error: /expected JSON, got <html>Log in<\/html>/ },
    { name: 'a note without an id', handler: answering(() => [200, 'application/json', JSON.stringify(session)], [{ text: signOffText() }]), run: (client) => signOff(client, { eid: EID, signOffKey: '_ephysChoiceWorld_00', kind: 'task', reasons: [] }), error: /GET http:\/\/.*\/notes failed with 200: expected a note \(UUID id, user, date_time, text\), got another object/ },
    { name: 'a note whose id is a path ("../sessions/…")', handler: answering(() => [200, 'application/json', JSON.stringify(session)], [note({ id: `../sessions/${EID}`, text: criticalNoteText(NOTE_KINDS['critical-session'] as CriticalKind, { reasons: ['dud or mock session'], other: null }) })]), run: (client) => writeCriticalNote(client, { uuid: EID, contentType: 'session', reasons: ['dud or mock session'], overwrite: true }), error: /expected a note \(UUID id/ },
    { name: 'a note whose text is not a string', handler: answering(() => [200, 'application/json', JSON.stringify(session)], [note({ text: { title } })]), run: (client) => writeCriticalNote(client, { uuid: EID, contentType: 'session', reasons: ['dud or mock session'] }), error: /expected a note/ },
  ];
  function signOffText(): string {
    return '{"title": "=== SIGN-OFF NOTE FOR _ephysChoiceWorld_00 ==="}';
  }
  for (const { name, handler, run, error } of cases) {
    test(`${name}: a clear error naming the request and what was expected, and no write`, async () => {
      alyx.received.length = 0;
      alyx.handler = handler;
      const client = await AlyxClient.login(alyx.baseUrl, { username: 'test_user', token: TOKEN }, { retry: { retries: 0 } });
      await assert.rejects(run(client), (caught: Error) => {
        assert.match(caught.message, error);
        return true;
      });
      assert.deepEqual(alyx.received.filter((request) => request.method !== 'GET').map((request) => `${request.method} ${request.url}`), [], 'nothing was written');
    });
  }
});
