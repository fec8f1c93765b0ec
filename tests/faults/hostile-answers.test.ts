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

const PASSWORD = 'hunter2-secret-Pa55';
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
          assert.match(error.message, /sends no credentials after a redirect/);
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
    await assert.rejects(client.list('notes'), /more than 1000 pages.*pagination does not end/);
  });

  test('an empty page that says more follow is an error, not a loop', async () => {
    alyx.handler = (_request, _body, response) => json(response, 200, { count: 5, next: `${alyx.baseUrl}/notes?offset=0`, previous: null, results: [] });
    const client = await AlyxClient.login(alyx.baseUrl, { username: 'test_user', token: TOKEN });
    await assert.rejects(client.list('notes'), /empty page that says more follow/);
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
    'JSON-escaped password': JSON.stringify(`a"${PASSWORD}`).slice(1, -1),
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
