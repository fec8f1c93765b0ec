/** The Alyx client against the real development Alyx. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { ADMIN, AlyxFixture, devAlyxOnly, PASSWORD, PUBLIC_USER, USER } from '../../tests/support/alyx-fixture.ts';
import type { AlyxNote } from './alyx-types.ts';
import { AlyxClient } from './client.ts';
import { AlyxAuthError, AlyxNetworkError, AlyxNotFoundError, InputError } from './errors.ts';

let alyx: AlyxFixture;
before(async () => {
  alyx = await AlyxFixture.start();
});
after(() => alyx.stop());

describe('authentication', () => {
  test('logs in with a password and reads', async () => {
    await alyx.newSession();
    const client = await alyx.login();
    assert.equal(client.user, USER.username);
    const sessions = await client.list('sessions');
    assert.ok(sessions.length > 0);
  });

  test('a wrong password is an auth error that says what to do, without the password', async () => {
    await assert.rejects(AlyxClient.login(alyx.baseUrl, { username: USER.username, password: 'wrong-password-123' }), (error: Error) => {
      assert.ok(error instanceof AlyxAuthError);
      assert.match(error.message, /username or password is wrong/);
      assert.ok(!error.message.includes('wrong-password-123'));
      return true;
    });
  });

  test('a stale token with a password logs in again once and goes on', async () => {
    const client = await AlyxClient.login(alyx.baseUrl, { username: USER.username, token: 'a'.repeat(40), password: PASSWORD });
    const sessions = await client.list('sessions');
    assert.ok(sessions.length > 0);
  });

  test('a stale token without credentials is an auth error asking to log in again', async () => {
    const client = await AlyxClient.login(alyx.baseUrl, { username: USER.username, token: 'b'.repeat(40) });
    await assert.rejects(client.list('sessions'), (error: Error) => {
      assert.ok(error instanceof AlyxAuthError);
      assert.match(error.message, /Invalid token\. Log in again, or pass a fresh token\./);
      assert.ok(!error.message.includes('b'.repeat(40)));
      return true;
    });
  });

  test('the token never shows when the client is logged or serialised', async () => {
    const client = await alyx.login();
    const token = await (await fetch(`${alyx.baseUrl}/auth-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: USER.username, password: PASSWORD }),
    })).json() as { token: string };
    assert.ok(!JSON.stringify(client).includes(token.token));
    assert.ok(!inspect(client, { showHidden: true, depth: 5 }).includes(token.token));
  });
});

describe('REST', () => {
  test('read of a missing record is a not-found error', async () => {
    const client = await alyx.login();
    await assert.rejects(client.request('GET', '/sessions/0b2fd9a3-1c5e-4f4e-9a56-1f2d3c4b5a69'), AlyxNotFoundError);
  });

  test('create, partial update, update and delete a note', async () => {
    const client = await alyx.login();
    const eid = await alyx.newSession();
    const body = (text: string): Record<string, string> => ({ user: USER.username, content_type: 'session', object_id: eid, text });
    const created = await client.request<AlyxNote>('POST', '/notes', { body: body('a') });
    // With the full body: Alyx's note serializer needs it even in a PATCH (500 without).
    assert.equal((await client.request<AlyxNote>('PATCH', `/notes/${created.id}`, { body: body('b') })).text, 'b');
    assert.equal((await client.request<AlyxNote>('PUT', `/notes/${created.id}`, { body: body('c') })).text, 'c');
    assert.equal((await client.request<AlyxNote>('GET', `/notes/${created.id}`)).text, 'c');
    await client.request('DELETE', `/notes/${created.id}`);
    assert.equal((await alyx.notesOf(eid)).length, 0);
  });

  test('lists follow pagination to the end (more than 250 notes)', async () => {
    const client = await alyx.login();
    const eid = await alyx.newSession();
    const inspector = await alyx.inspector();
    for (let start = 0; start < 260; start += 20) {
      await Promise.all(Array.from({ length: 20 }, (_, i) =>
        inspector.request('POST', '/notes', { body: { user: ADMIN.username, content_type: 'session', object_id: eid, text: `note ${start + i}` } })));
    }
    const notes = await client.list<AlyxNote>('notes', { django: `object_id,${eid}` });
    assert.equal(notes.length, 260);
    assert.equal(new Set(notes.map((note) => note.id)).size, 260);
  });

  test('a base URL that is not http(s) is refused before any request', async () => {
    await assert.rejects(AlyxClient.login('ftp://alyx.example.org', { username: 'a', password: 'b' }), (error: Error) =>
      error instanceof InputError && /must start with http:\/\/ or https:\/\//.test(error.message));
  });

  test('a server that is not there is a network error after bounded retries', async () => {
    const client = await AlyxClient.login('http://127.0.0.1:9', { username: USER.username, token: 'x' }, { retry: { baseDelayMs: 10 } });
    await assert.rejects(client.list('sessions'), AlyxNetworkError);
    assert.equal(client.requestCount, 4);
  });
});

describe('the answers of Alyx 3.6.1 (issue 12)', () => {
  const noteFor = (objectId: string, contentType = 'session'): Record<string, string> => ({ user: USER.username, content_type: contentType, object_id: objectId, text: 'x' });

  test('a note on an object Alyx does not have is sent once, and the error names the object and what to check', async () => {
    const client = await alyx.login(USER.username, { retry: { baseDelayMs: 5 } });
    const missing = randomUUID();
    const sent = client.requestCount;
    const error = await client.request('POST', '/notes', { body: noteFor(missing), idempotent: true }).catch((caught: unknown) => caught);
    assert.ok(error instanceof AlyxNotFoundError, String(error));
    assert.equal(client.requestCount - sent, 1, 'a permanent 500 is not sent again');
    assert.match(error.message, new RegExp(`failed with 500: Session matching query does not exist\\. Alyx has no session ${missing}: check the UUID, the content type and the base URL\\.`));
  });

  test('a note with an unknown content type says to pass a model name', async () => {
    const client = await alyx.login();
    const error = await client.request('POST', '/notes', { body: noteFor(await alyx.newSession(), 'nosuchmodel') }).catch((caught: unknown) => caught);
    assert.ok(error instanceof AlyxNotFoundError, String(error));
    assert.match(error.message, /ContentType matching query does not exist\. Alyx has no nosuchmodel [0-9a-f-]{36}: check the UUID, the content type/);
  });

  test('a logged-in user without write permission is told to ask an administrator, not to log in again', async () => {
    const viewer = await alyx.login(PUBLIC_USER.username);
    const error = await viewer.request('POST', '/notes', { body: noteFor(await alyx.newSession()) }).catch((caught: unknown) => caught);
    assert.ok(error instanceof AlyxAuthError, String(error));
    assert.equal(error.code, 'forbidden');
    assert.match(error.message, /You do not have permission to perform this action\. Ask an Alyx administrator for write permission\./);
    assert.doesNotMatch(error.message, /log in again|fresh token/);
  });

  test('a 404 at POST /auth-token says the base URL looks wrong, not to check a UUID', async () => {
    await assert.rejects(AlyxClient.login(`${alyx.baseUrl}/not-the-api`, { username: USER.username, password: PASSWORD }), (error: Error) => {
      assert.match(error.message, /base URL looks wrong/);
      assert.doesNotMatch(error.message, /UUID/);
      return true;
    });
  });

  test('the server\'s own full stop is not doubled', async () => {
    const client = await AlyxClient.login(alyx.baseUrl, { username: USER.username, token: 'c'.repeat(40) });
    await assert.rejects(client.list('sessions'), (error: Error) => {
      assert.match(error.message, /: Invalid token\. Log in again/);
      assert.doesNotMatch(error.message, /\.\./);
      return true;
    });
  });
});

describe('throttling', devAlyxOnly('starts its own server with a throttle'), () => {
  let throttled: AlyxFixture;
  before(async () => {
    throttled = await AlyxFixture.start({ throttle: '5/second' });
  });
  after(() => throttled.stop());

  test('429 answers are retried after Retry-After and every request succeeds', async () => {
    const client = await throttled.login();
    const results = await Promise.all(Array.from({ length: 12 }, () => client.list('subjects')));
    assert.equal(results.length, 12);
    assert.ok(client.requestCount > 12, `expected 429s to be retried, sent ${client.requestCount}`);
  });

  test('a client holds all its requests for the Retry-After, so none starves', async () => {
    // Four windows' worth at once: with a timer per request, some came back into a full window
    // again and again until their retries ran out.
    const client = await throttled.login();
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => client.request('GET', '/subjects')));
    assert.deepEqual(results.filter((result) => result.status === 'rejected'), []);
  });
});
