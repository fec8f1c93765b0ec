/**
 * The relay transport on its own, with a fake kernel, and under the core's client: ids, answers,
 * timeouts, aborts, and how relay errors reach the caller.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AlyxClient } from '../core/client.ts';
import { AlyxAbortError, AlyxNetworkError } from '../core/errors.ts';
import { figureNoteText, heldFigure } from '../core/figure-note.ts';
import { KernelRelay, RelayError } from './kernel-transport.ts';
import type { AlyxRequestMessage, FrontendMessage } from './relay-messages.ts';

/** A kernel that records what it is sent; the test answers when it likes. */
function fakeKernel(): { sent: FrontendMessage[]; relay: KernelRelay; requests(): AlyxRequestMessage[] } {
  const sent: FrontendMessage[] = [];
  const relay = new KernelRelay({ send: (message) => void sent.push(message) }, { idPrefix: 'page', timeoutMs: 200 });
  return { sent, relay, requests: () => sent.filter((m): m is AlyxRequestMessage => m.type === 'alyx-request') };
}

const URL = 'http://alyx.test/sessions/d9e994e1-c4aa-4d58-a958-c247286598f6';
const OK = { type: 'alyx-response', status: 200, headers: { 'content-type': 'application/json' }, body: '{"id": 1}' } as const;

describe('KernelRelay', () => {
  it('sends each request with a fresh id and resolves it with the answer of that id', async () => {
    const { relay, requests } = fakeKernel();
    const first = relay.transport({ method: 'GET', url: URL, headers: {} });
    const second = relay.transport({ method: 'PATCH', url: URL, headers: {}, body: '{"json": {}}' });
    const [a, b] = requests();
    assert.deepEqual(a, { type: 'alyx-request', id: 'page-1', method: 'GET', url: URL });
    assert.deepEqual(b, { type: 'alyx-request', id: 'page-2', method: 'PATCH', url: URL, body: '{"json": {}}' });
    relay.receive({ ...OK, id: 'page-2', body: 'second' });
    relay.receive({ ...OK, id: 'page-1', body: 'first' });
    assert.equal((await first).body, 'first');
    assert.equal((await second).body, 'second');
    assert.equal(relay.pendingCount, 0);
  });

  it('ignores answers to ids it does not know (another page, or already settled)', async () => {
    const { relay } = fakeKernel();
    const pending = relay.transport({ method: 'GET', url: URL, headers: {} });
    relay.receive({ ...OK, id: 'other-page-1' });
    relay.receive({ ...OK, id: 'page-1' });
    relay.receive({ ...OK, id: 'page-1', status: 500 });
    assert.equal((await pending).status, 200);
  });

  it('times out, tells the kernel to drop the request, and says the kernel may be busy', async () => {
    const { relay, sent } = fakeKernel();
    await assert.rejects(relay.transport({ method: 'GET', url: URL, headers: {} }), /did not answer within 0 s; it may be busy running a cell/);
    assert.deepEqual(sent.at(-1), { type: 'alyx-abort', id: 'page-1' });
    assert.equal(relay.pendingCount, 0);
  });

  it('aborts with an AbortError and tells the kernel', async () => {
    const { relay, sent } = fakeKernel();
    const controller = new AbortController();
    const pending = relay.transport({ method: 'GET', url: URL, headers: {}, signal: controller.signal });
    controller.abort();
    await assert.rejects(pending, { name: 'AbortError' });
    assert.deepEqual(sent.at(-1), { type: 'alyx-abort', id: 'page-1' });
  });

  it('fails every pending request when closed, and later ones at once', async () => {
    const { relay } = fakeKernel();
    const pending = relay.transport({ method: 'GET', url: URL, headers: {} });
    relay.close();
    await assert.rejects(pending, { name: 'AbortError' });
    await assert.rejects(relay.transport({ method: 'GET', url: URL, headers: {} }), /widget was closed/);
  });
});

describe('the core client over the relay', () => {
  async function clientOver(answer: (request: AlyxRequestMessage, relay: KernelRelay) => void): Promise<AlyxClient> {
    let relay: KernelRelay | undefined;
    relay = new KernelRelay({
      send: (message) => {
        if (message.type === 'alyx-request') queueMicrotask(() => answer(message, relay as KernelRelay));
      },
    });
    return AlyxClient.login('http://alyx.test', { username: 'test_user', transportAuthenticates: true }, { transport: relay.transport, retry: { retries: 1, baseDelayMs: 1 } });
  }

  it('sends no authorization header: the kernel adds the token', async () => {
    const seen: AlyxRequestMessage[] = [];
    const client = await clientOver((request, relay) => {
      seen.push(request);
      relay.receive({ ...OK, id: request.id });
    });
    assert.deepEqual(await client.request('GET', '/sessions/d9e994e1-c4aa-4d58-a958-c247286598f6'), { id: 1 });
    assert.ok(!('headers' in (seen[0] as object)));
  });

  it('passes a refusal through as a RelayError that says what was refused', async () => {
    const client = await clientOver((request, relay) =>
      relay.receive({ type: 'alyx-relay-error', id: request.id, code: 'refused', message: 'GET http://alyx.test/subjects refused: /subjects is not an endpoint alyx-qc uses' }),
    );
    const error = await client.request('GET', '/subjects').then(() => undefined, (caught: unknown) => caught);
    assert.ok(error instanceof RelayError, String(error));
    assert.equal(error.code, 'bad-input');
    assert.match(error.message, /^\[alyx-qc\] The kernel did not send GET http:\/\/alyx.test\/subjects: .*not an endpoint alyx-qc uses/);
  });

  it('quotes a refused batch URL short: a queue of 200 sessions asks in one 7.5 KB URL', async () => {
    const ids = Array.from({ length: 200 }, (_, index) => `0x${index.toString(16).padStart(32, '0')}`).join(',');
    const client = await clientOver((request, relay) =>
      relay.receive({ type: 'alyx-relay-error', id: request.id, code: 'refused', message: 'GET http://alyx.test/sessions?… refused: not a filter alyx-qc sends' }),
    );
    const error = await client.request('GET', '/sessions', { query: { django: `pk__in,[${ids}]` } }).then(() => undefined, (caught: unknown) => caught);
    assert.ok(error instanceof RelayError, String(error));
    assert.ok(error.url.length > 7000, 'the error keeps the whole URL as a property');
    assert.ok(error.message.length < 500, `message of ${error.message.length} characters`);
    assert.match(error.message, /^\[alyx-qc\] The kernel did not send GET http:\/\/alyx\.test\/sessions\?django=.*…: GET .* refused: not a filter alyx-qc sends$/);
  });

  it('reports the kernel not reaching Alyx as a network error', async () => {
    const client = await clientOver((request, relay) =>
      relay.receive({ type: 'alyx-relay-error', id: request.id, code: 'network', message: 'ConnectionError' }),
    );
    await assert.rejects(client.request('GET', '/notes'), (error: unknown) => error instanceof AlyxNetworkError && /the kernel could not reach Alyx: ConnectionError/.test(error.message));
  });

  it('asks for a held figure\'s note as an ordinary request: POST /notes, the four fields as JSON, no file', async () => {
    const eid = 'd9e994e1-c4aa-4d58-a958-c247286598f6';
    const sha256 = 'a'.repeat(64);
    const verdict = { signOffKey: '_ephysChoiceWorld_00', entry: '2024-01-15_test_user' };
    const text = figureNoteText(verdict, sha256);
    const seen: AlyxRequestMessage[] = [];
    const client = await clientOver((request, relay) => {
      seen.push(request);
      // The look-up finds no figure yet; the kernel answers the POST with the note it wrote.
      const body = request.method === 'GET' ? '[]' : JSON.stringify({ id: 'n1', user: 'test_user', object_id: eid, text, image: 'http://alyx.test/uploaded/f.png' });
      relay.receive({ ...OK, id: request.id, status: request.method === 'GET' ? 200 : 201, body });
    });
    const note = await heldFigure({ contentType: 'image/png', size: 812, sha256 }).attach(client, { contentType: 'session', objectId: eid, verdict });
    assert.equal(note.id, 'n1');
    assert.deepEqual(seen.map(({ type, method }) => [type, method]), [['alyx-request', 'GET'], ['alyx-request', 'POST']]);
    assert.equal(seen[1]?.url, 'http://alyx.test/notes');
    assert.deepEqual(JSON.parse(seen[1]?.body ?? ''), { user: 'test_user', content_type: 'session', object_id: eid, text });
  });

  it('turns an abort by the caller into AlyxAbortError', async () => {
    const client = await clientOver(() => undefined);
    const controller = new AbortController();
    const pending = client.request('GET', '/notes', { signal: controller.signal });
    setTimeout(() => controller.abort(), 5);
    await assert.rejects(pending, AlyxAbortError);
  });
});
