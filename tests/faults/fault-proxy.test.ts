/** The fault proxy itself, in front of a tiny counting server: each fault does what it says. */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startFaultProxy, type FaultProxy } from '../../dev/fault-proxy/proxy.ts';

let server: http.Server;
let hits: string[] = [];
let proxy: FaultProxy;

before(async () => {
  server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, url: req.url }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy = await startFaultProxy({ target: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
after(async () => {
  await proxy.stop();
  await new Promise((resolve) => server.close(resolve));
});

async function call(method: string, path: string): Promise<{ status: number; body: string; headers: Headers } | 'dropped'> {
  try {
    const response = await fetch(`${proxy.baseUrl}${path}`, { method, ...(method === 'POST' ? { body: '{}' } : {}) });
    return { status: response.status, body: await response.text(), headers: response.headers };
  } catch {
    return 'dropped';
  }
}

describe('fault proxy', () => {
  test('forwards untouched when no rule matches, and logs', async () => {
    proxy.clear();
    hits = [];
    const result = await call('GET', '/sessions?django=pk%2Cabc');
    assert.ok(result !== 'dropped' && result.status === 200 && result.body.includes('/sessions?django=pk%2Cabc'));
    assert.deepEqual(hits, ['GET /sessions?django=pk%2Cabc']);
    assert.equal(proxy.log[0]?.status, 200);
  });

  test('drop-before never reaches the server; drop-after does, and the client sees no answer', async () => {
    proxy.clear();
    hits = [];
    proxy.inject({ match: { method: 'POST', pathPrefix: '/notes' }, fault: 'drop-before' });
    assert.equal(await call('POST', '/notes'), 'dropped');
    assert.deepEqual(hits, []);
    proxy.inject({ match: { method: 'POST', pathPrefix: '/notes' }, fault: 'drop-after' });
    assert.equal(await call('POST', '/notes'), 'dropped');
    assert.deepEqual(hits, ['POST /notes']);
    assert.equal((await call('POST', '/notes')) !== 'dropped', true, 'a rule fires once by default');
  });

  test('nth selects the n-th match; the decoded query matches a prefix with commas', async () => {
    proxy.clear();
    proxy.inject({ match: { method: 'GET', pathPrefix: '/notes?django=object_id,', nth: 2 }, fault: 503 });
    const first = await call('GET', '/notes?django=object_id%2Cx');
    const second = await call('GET', '/notes?django=object_id%2Cx');
    assert.ok(first !== 'dropped' && first.status === 200);
    assert.ok(second !== 'dropped' && second.status === 503);
  });

  test('429 carries Retry-After; html answers a page; delay holds the answer', async () => {
    proxy.clear();
    proxy.inject({ match: { pathPrefix: '/a' }, fault: 429 });
    proxy.inject({ match: { pathPrefix: '/b' }, fault: 'html' });
    proxy.inject({ match: { pathPrefix: '/c' }, fault: 'delay', delayMs: 200 });
    const throttled = await call('GET', '/a');
    assert.ok(throttled !== 'dropped' && throttled.status === 429 && throttled.headers.get('retry-after') === '1');
    const html = await call('GET', '/b');
    assert.ok(html !== 'dropped' && html.status === 200 && html.body.startsWith('<!DOCTYPE html>'));
    const started = Date.now();
    await call('GET', '/c');
    assert.ok(Date.now() - started >= 190);
  });
});
