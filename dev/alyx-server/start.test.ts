/**
 * The development Alyx answers as Alyx 3.6.1 does, on the points the alyx-qc client relies on
 * (real-alyx.test.ts compares it with the recorded probes; these tests cover the rest).
 *
 *     node --import tsx --test dev/alyx-server/start.test.ts
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import seed from './seed.json' with { type: 'json' };
import { startAlyx, venvPython, type RunningAlyx } from './start.ts';

const run = promisify(execFile);

interface Reply {
  status: number;
  headers: Headers;
  /** Parsed JSON of whichever endpoint answered; the assertions check its shape. */
  body: any;
}

interface Page {
  count: number;
  next: string | null;
  previous: string | null;
  results: Array<Record<string, unknown>>;
}

async function call(url: string, init: RequestInit = {}, token?: string): Promise<Reply> {
  const headers = new Headers(init.headers);
  headers.set('Accept', 'application/json');
  if (token) headers.set('Authorization', `Token ${token}`);
  if (typeof init.body === 'string') headers.set('Content-Type', 'application/json');
  const response = await fetch(url, { ...init, headers });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

async function login(baseUrl: string, username = 'test_user'): Promise<string> {
  const reply = await call(`${baseUrl}/auth-token`, {
    method: 'POST',
    body: JSON.stringify({ username, password: seed.password }),
  });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return reply.body.token as string;
}

/** A client bound to one server and one user. */
function client(baseUrl: string, token: string) {
  const send = (method: string, path: string, body?: unknown): Promise<Reply> =>
    call(`${baseUrl}${path}`, body === undefined ? { method } : { method, body: JSON.stringify(body) }, token);
  return {
    get: (path: string) => send('GET', path),
    post: (path: string, body: unknown) => send('POST', path, body),
    patch: (path: string, body: unknown) => send('PATCH', path, body),
    put: (path: string, body: unknown) => send('PUT', path, body),
    delete: (path: string) => send('DELETE', path),
  };
}
type Client = ReturnType<typeof client>;

const KS022 = seed.subjects[0]!;
const ONE_PIXEL_PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
const SEEDED_SESSION = seed.sessions[0]!;

/** A new session of its own, so tests don't see each other's notes. */
async function freshSession(api: Client): Promise<string> {
  const reply = await api.post('/sessions', {
    subject: KS022.nickname,
    number: 1,
    start_time: '2024-01-02T10:00:00',
    task_protocol: '_iblrig_tasks_ephysChoiceWorld6.6.2',
    json: { sign_off_checklist: { _ephysChoiceWorld_00: null } },
  });
  assert.equal(reply.status, 201, JSON.stringify(reply.body));
  return reply.body.id as string;
}

function query(django: string): string {
  return `/notes?django=${encodeURIComponent(django)}`;
}

let alyx: RunningAlyx;
let api: Client;

before(async () => {
  alyx = await startAlyx();
  api = client(alyx.baseUrl, await login(alyx.baseUrl));
});

after(async () => {
  await alyx?.stop();
});

describe('authentication', () => {
  test('auth-token gives a token for form-encoded credentials too', async () => {
    const reply = await call(`${alyx.baseUrl}/auth-token`, {
      method: 'POST',
      body: new URLSearchParams({ username: 'reviewer2', password: seed.password }),
    });
    assert.equal(reply.status, 200);
    assert.match(reply.body.token, /^[0-9a-f]{40}$/);
  });

  test('a wrong password answers 400 with non_field_errors and status_code', async () => {
    const reply = await call(`${alyx.baseUrl}/auth-token`, {
      method: 'POST',
      body: JSON.stringify({ username: 'test_user', password: 'wrong' }),
    });
    assert.equal(reply.status, 400);
    assert.deepEqual(reply.body, {
      non_field_errors: ['Unable to log in with provided credentials.'],
      status_code: 400,
    });
  });

  test('an unknown token answers 403 "Invalid token."', async () => {
    const reply = await call(`${alyx.baseUrl}/sessions`, {}, 'f'.repeat(40));
    assert.equal(reply.status, 403);
    assert.deepEqual(reply.body, { detail: 'Invalid token.', status_code: 403 });
  });

  test('no token answers 403 too', async () => {
    const reply = await call(`${alyx.baseUrl}/notes`);
    assert.equal(reply.status, 403);
    assert.equal(reply.body.detail, 'Authentication credentials were not provided.');
  });
});

describe('seed', () => {
  test('seeded sessions, insertions and subjects are served with their fixed ids', async () => {
    const session = await api.get(`/sessions/${SEEDED_SESSION.id}`);
    assert.equal(session.status, 200);
    assert.equal(session.body.subject, SEEDED_SESSION.subject);
    assert.equal(session.body.qc, 'NOT_SET');
    assert.deepEqual(session.body.json, SEEDED_SESSION.json);
    assert.equal(session.body.url, `${alyx.baseUrl}/sessions/${SEEDED_SESSION.id}`);

    const insertions = await api.get(`/insertions?session=${SEEDED_SESSION.id}`);
    assert.deepEqual(
      (insertions.body as Page).results.map((i) => i['name']),
      ['probe00', 'probe01'],
    );
    const subject = await api.get(`/subjects/${KS022.nickname}`);
    assert.equal(subject.body.id, KS022.id);
  });

  test('every seeded id is a version-4 UUID', () => {
    const ids = [...seed.subjects, ...seed.sessions, ...seed.insertions, ...seed.notes].map((o) => o.id);
    for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('notes', () => {
  test('260 notes list as pages of 250 with next, and ?limit= up to 1000', async () => {
    const eid = await freshSession(api);
    for (let batch = 0; batch < 13; batch++) {
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          api.post('/notes', { user: 'test_user', content_type: 'session', object_id: eid, text: `note ${batch * 20 + i}` }),
        ),
      );
    }
    const first = (await api.get(query(`object_id,${eid}`))).body as Page;
    assert.equal(first.count, 260);
    assert.equal(first.results.length, 250);
    assert.equal(first.previous, null);
    assert.ok(first.next?.startsWith(`${alyx.baseUrl}/notes?`), first.next ?? 'no next');
    const second = (await call(first.next!, {}, await login(alyx.baseUrl))).body as Page;
    assert.equal(second.results.length, 10);
    assert.equal(second.next, null);
    const seen = new Set([...first.results, ...second.results].map((n) => n['id']));
    assert.equal(seen.size, 260, 'pages neither repeat nor skip notes');

    const all = (await api.get(`${query(`object_id,${eid}`)}&limit=5000`)).body as Page;
    assert.equal(all.results.length, 260);
  });

  test('create, read back, PATCH, PUT and DELETE a note; content_type reads as app.model', async () => {
    const eid = await freshSession(api);
    const body = { user: 'test_user', content_type: 'session', object_id: eid };
    const created = await api.post('/notes', { ...body, text: 'first' });
    assert.equal(created.status, 201);
    assert.equal(created.body.user, 'test_user');
    assert.equal(created.body.content_type, 'actions.session');
    assert.match(created.body.date_time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);

    const path = `/notes/${created.body.id}`;
    assert.equal((await api.patch(path, { ...body, text: 'second' })).body.text, 'second');
    const replaced = await api.put(path, { ...body, content_type: 'actions.session', text: 'third', user: 'reviewer2' });
    assert.equal(replaced.status, 200, JSON.stringify(replaced.body));
    assert.equal(replaced.body.user, 'reviewer2');
    assert.equal((await api.delete(path)).status, 204);
    const gone = await api.get(path);
    assert.equal(gone.status, 404);
    assert.deepEqual(gone.body, { detail: 'No Note matches the given query.', status_code: 404 });
  });

  test('a note needs its user, and a PATCH needs the full body (500 otherwise, as Alyx)', async () => {
    const eid = await freshSession(api);
    const withoutUser = await api.post('/notes', { content_type: 'session', object_id: eid, text: 'x' });
    assert.equal(withoutUser.status, 400);
    assert.deepEqual(withoutUser.body, { user: ['This field is required.'], status_code: 400 });
    const created = await api.post('/notes', { user: 'test_user', content_type: 'session', object_id: eid, text: 'x' });
    const textOnly = await api.patch(`/notes/${created.body.id}`, { text: 'y' });
    assert.equal(textOnly.status, 500);
    assert.deepEqual(textOnly.body, { detail: "'content_type'", status_code: 500 });
    assert.equal((await api.get(`/notes/${created.body.id}`)).body.text, 'x', 'nothing was written');
  });

  test('notes attach to insertions and subjects', async () => {
    const insertion = seed.insertions[0]!;
    const onInsertion = await api.post('/notes', { user: 'test_user', content_type: 'probeinsertion', object_id: insertion.id, text: 'i' });
    assert.equal(onInsertion.body.content_type, 'experiments.probeinsertion');
    const onSubject = await api.post('/notes', { user: 'test_user', content_type: 'subject', object_id: KS022.id, text: 's' });
    assert.equal(onSubject.body.content_type, 'subjects.subject');
  });

  test('a note on an object that does not exist answers 500 "does not exist", as Alyx, and writes nothing', async () => {
    const missing = randomUUID();
    const reply = await api.post('/notes', { user: 'test_user', content_type: 'session', object_id: missing, text: 'x' });
    assert.equal(reply.status, 500);
    assert.deepEqual(reply.body, { detail: 'Session matching query does not exist.', status_code: 500 });
    // An insertion's id is not a session's.
    const wrongKind = await api.post('/notes', { user: 'test_user', content_type: 'session', object_id: seed.insertions[0]!.id, text: 'x' });
    assert.deepEqual(wrongKind.body, { detail: 'Session matching query does not exist.', status_code: 500 });
    const unknownType = await api.post('/notes', { user: 'test_user', content_type: 'sesion', object_id: missing, text: 'x' });
    assert.deepEqual(unknownType.body, { detail: 'ContentType matching query does not exist.', status_code: 500 });
    assert.equal((await api.get(query(`object_id__in,['${missing}']`))).body.count, 0, 'nothing was written');
  });

  test('the django filter: icontains with brackets and commas, object_id, ~ and lists', async () => {
    const eid = await freshSession(api);
    const other = await freshSession(api);
    const title = '=== EXPERIMENTER REASON(S) FOR MARKING THE SESSION AS CRITICAL ===';
    const text = JSON.stringify({ title, reasons_selected: ['synching impossible'], reason_for_other: [] });
    await api.post('/notes', { user: 'test_user', content_type: 'session', object_id: eid, text });
    await api.post('/notes', { user: 'test_user', content_type: 'session', object_id: other, text });
    await api.post('/notes', { user: 'test_user', content_type: 'session', object_id: eid, text: 'unrelated, with a comma' });

    const match = (await api.get(query(`text__icontains,${title},object_id,${eid}`))).body as Page;
    assert.equal(match.count, 1);
    assert.equal(match.results[0]!['text'], text);
    const caseless = (await api.get(query(`text__icontains,reason(s) for marking,object_id,${eid}`))).body as Page;
    assert.equal(caseless.count, 1);
    const excluded = (await api.get(query(`object_id,${eid},~text__icontains,critical`))).body as Page;
    assert.deepEqual(excluded.results.map((n) => n['text']), ['unrelated, with a comma']);
    const listed = (await api.get(query(`object_id__in,["${eid}", "${other}"],text__icontains,critical`))).body as Page;
    assert.equal(listed.count, 2);

    // Alyx lets a malformed filter through as a 500 with the Python error's text.
    const odd = await api.get(query('object_id'));
    assert.deepEqual(odd.body, { detail: 'list index out of range', status_code: 500 });
    const unknown = await api.get(query('colour,red'));
    assert.equal(unknown.status, 500);
    assert.match(unknown.body.detail, /^Cannot resolve keyword 'colour' into field\. Choices are: /);
  });

  test('an image can be attached (multipart) and is served back only with a token, as on Alyx', async () => {
    const eid = await freshSession(api);
    const form = new FormData();
    form.set('user', 'test_user');
    form.set('content_type', 'session');
    form.set('object_id', eid);
    form.set('text', 'with an image');
    form.set('width', 'orig');
    form.set('image', new Blob([Buffer.from(ONE_PIXEL_PNG, 'base64')], { type: 'image/png' }), 'pixel.png');
    const token = await login(alyx.baseUrl);
    const reply = await call(`${alyx.baseUrl}/notes`, { method: 'POST', body: form }, token);
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    const url = reply.body.image as string;
    assert.match(url, /\/uploaded\//);
    for (const headers of [{}, { authorization: 'Token 0000000000000000000000000000000000000000' }]) {
      const refused = await fetch(url, { headers });
      assert.equal(refused.status, 403, JSON.stringify(headers));
      assert.doesNotMatch(Buffer.from(await refused.arrayBuffer()).toString('latin1'), /^\x89PNG/);
    }
    const image = await fetch(url, { headers: { authorization: `Token ${token}` } });
    assert.equal(image.status, 200);
    assert.deepEqual(Buffer.from(await image.arrayBuffer()), Buffer.from(ONE_PIXEL_PNG, 'base64'));
  });

  test('?user= and ?object_id= are no filters on notes, as on Alyx: only django= filters', async () => {
    const eid = await freshSession(api);
    await api.post('/notes', { content_type: 'session', object_id: eid, text: 'by reviewer2', user: 'reviewer2' });
    const all = (await api.get('/notes?limit=1')).body as Page;
    const ignored = (await api.get(`/notes?user=nobody&object_id=${randomUUID()}&limit=1`)).body as Page;
    assert.equal(ignored.count, all.count);
    const page = (await api.get(query(`user__username,reviewer2,object_id,${eid}`))).body as Page;
    assert.deepEqual(page.results.map((n) => n['text']), ['by reviewer2']);
  });
});

describe('routes', () => {
  test('a trailing slash or an id that is not a UUID is Django\'s 404 page, HTML, as on Alyx', async () => {
    const token = await login(alyx.baseUrl);
    for (const path of ['/notes/', `/sessions/${SEEDED_SESSION.id}/`, '/sessions/not-a-uuid', '/auth-token/']) {
      const response = await fetch(`${alyx.baseUrl}${path}`, { headers: { Authorization: `Token ${token}` } });
      assert.equal(response.status, 404, path);
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/, path);
    }
  });

  test('/api/schema is OpenAPI 3 with the notes endpoints, and ONE\'s AlyxClient.rest() works with it', async () => {
    const schema = await call(`${alyx.baseUrl}/api/schema`, {}, await login(alyx.baseUrl));
    assert.equal(schema.status, 200);
    assert.match(schema.body.openapi, /^3\./);
    assert.ok(schema.body.paths['/notes/{id}'].patch, Object.keys(schema.body.paths).join(' '));
    // ONE caches the schema and its token under HOME: a temporary one keeps the user's untouched.
    const home = mkdtempSync(path.join(tmpdir(), 'alyx-qc-one-'));
    const script = `
import json, sys
from one.webclient import AlyxClient
alyx = AlyxClient(base_url=sys.argv[1], username='test_user', password=sys.argv[2], silent=True, cache_dir=sys.argv[3])
eid = sys.argv[4]
sessions = alyx.rest('sessions', 'list', django=f'pk,{eid}')
note = alyx.rest('notes', 'create', data={'user': 'test_user', 'content_type': 'session', 'object_id': eid, 'text': 'by ONE'})
notes = alyx.rest('notes', 'list', django=f'object_id,{eid}')
print(json.dumps({'sessions': len(sessions), 'content_type': note['content_type'], 'notes': [n['text'] for n in notes]}))
`;
    try {
      const eid = await freshSession(api);
      const { stdout } = await run(venvPython(), ['-c', script, alyx.baseUrl, seed.password, home, eid], {
        env: { ...process.env, HOME: home },
      });
      assert.deepEqual(JSON.parse(stdout), { sessions: 1, content_type: 'actions.session', notes: ['by ONE'] });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('users and permissions', () => {
  test('/users?django=auth_token__key,<token> names the token\'s owner', async () => {
    const token = await login(alyx.baseUrl, 'reviewer2');
    const page = (await api.get(`/users?django=${encodeURIComponent(`auth_token__key,${token}`)}`)).body as Page;
    assert.deepEqual(page.results.map((user) => user['username']), ['reviewer2']);
    assert.deepEqual(Object.keys(page.results[0]!).sort(), [
      'allowed_users', 'email', 'id', 'is_stock_manager', 'lab', 'subjects_responsible', 'username',
    ]);
    assert.deepEqual(page.results[0]!['lab'], [seed.lab]);
  });

  test('public_viewer (is_public_user) reads, and every write answers 403 permission denied', async () => {
    const viewer = client(alyx.baseUrl, await login(alyx.baseUrl, 'public_viewer'));
    assert.equal((await viewer.get(`/sessions/${SEEDED_SESSION.id}`)).status, 200);
    const denied = { detail: 'You do not have permission to perform this action.', status_code: 403 };
    const note = { user: 'public_viewer', content_type: 'session', object_id: SEEDED_SESSION.id, text: 'x' };
    assert.deepEqual((await viewer.post('/notes', note)).body, denied);
    assert.deepEqual((await viewer.patch(`/sessions/${SEEDED_SESSION.id}`, { json: {} })).body, denied);
    assert.deepEqual((await api.get(`/sessions/${SEEDED_SESSION.id}`)).body.json, SEEDED_SESSION.json, 'nothing was written');
  });
});

describe('sessions and insertions', () => {
  test('json reads back in PostgreSQL jsonb key order: shorter keys first, then bytewise, nested too', async () => {
    const eid = await freshSession(api);
    const sent = { sign_off_checklist: { _ephysChoiceWorld_00: null, _camera_left: 'PASS' }, zz: [{ yy: 1, b: 2 }], a: 1 };
    await api.patch(`/sessions/${eid}`, { json: sent });
    const read = (await api.get(`/sessions/${eid}`)).body.json;
    assert.equal(JSON.stringify(read), '{"a":1,"zz":[{"b":2,"yy":1}],"sign_off_checklist":{"_camera_left":"PASS","_ephysChoiceWorld_00":null}}');
  });

  test('django= JSON lookups on json give on SQLite the counts PostgreSQL gives', async () => {
    const eid = await freshSession(api);
    await api.patch(`/sessions/${eid}`, {
      json: { sign_off_checklist: { _ephysChoiceWorld_00: null, _passiveChoiceWorld_00: { user: 'reviewer2', date: '2024-01-02' } } },
    });
    const count = async (lookups: string): Promise<number> =>
      ((await api.get(`/sessions?django=${encodeURIComponent(`pk,${eid},${lookups}`)}`)).body as Page).count;
    assert.equal(await count('json__sign_off_checklist___ephysChoiceWorld_00,None'), 1, 'the key holds null');
    assert.equal(await count('json__sign_off_checklist___passiveChoiceWorld_00,None'), 0);
    assert.equal(await count('json__sign_off_checklist___camera_left__isnull,True'), 1, 'the key is absent');
    assert.equal(await count('json__sign_off_checklist___ephysChoiceWorld_00__isnull,True'), 0);
    assert.equal(await count('json__sign_off_checklist__has_key,_passiveChoiceWorld_00'), 1);
    assert.equal(await count('json__sign_off_checklist___passiveChoiceWorld_00__user,reviewer2'), 1);
    assert.equal(await count('json__sign_off_checklist___passiveChoiceWorld_00__user,test_user'), 0);
    const other = await freshSession(api);
    const both = (await api.get(`/sessions?django=${encodeURIComponent(`pk__in,['${eid}','${other}']`)}`)).body as Page;
    assert.equal(both.count, 2);
  });

  test('a session reads with every field of Alyx\'s, its notes and insertions included', async () => {
    const eid = await freshSession(api);
    await api.post('/insertions', { session: eid, name: 'probe00' });
    await api.post('/notes', { user: 'test_user', content_type: 'session', object_id: eid, text: 'on the session' });
    const session = (await api.get(`/sessions/${eid}`)).body;
    assert.deepEqual(Object.keys(session).sort(), [
      'auto_datetime', 'data_dataset_session_related', 'end_time', 'extended_qc', 'field_of_view', 'id', 'json', 'lab',
      'location', 'n_correct_trials', 'n_trials', 'narrative', 'notes', 'number', 'parent_session', 'probe_insertion',
      'procedures', 'projects', 'qc', 'start_time', 'subject', 'task_protocol', 'type', 'url', 'users',
      'wateradmin_session_related',
    ]);
    assert.deepEqual(session.notes.map((n: { text: string }) => n.text), ['on the session']);
    assert.deepEqual(session.probe_insertion.map((i: { name: string }) => i.name), ['probe00']);
    assert.equal(session.probe_insertion[0].session_info.id, eid);
    assert.deepEqual(session.users, ['test_user'], 'a session created without users is the caller\'s');
  });

  test('PATCH json replaces the whole field; any JSON value is kept', async () => {
    const eid = await freshSession(api);
    const patched = await api.patch(`/sessions/${eid}`, { json: { only: 'this' } });
    assert.equal(patched.status, 200);
    assert.deepEqual(patched.body.json, { only: 'this' });
    for (const value of [[1, 'two'], 'text', null]) {
      assert.deepEqual((await api.patch(`/sessions/${eid}`, { json: value })).body.json, value);
    }
    const qc = await api.patch(`/sessions/${eid}`, { qc: 'CRITICAL' });
    assert.equal(qc.body.qc, 'CRITICAL');
    assert.equal((await api.get(`/sessions?qc=CRITICAL&django=pk,${eid}`)).body.count, 1);
  });

  test('the session list leaves out json, as Alyx does: read the session itself', async () => {
    const page = (await api.get(`/sessions?django=pk,${SEEDED_SESSION.id}`)).body as Page;
    assert.deepEqual(Object.keys(page.results[0]!).sort(), [
      'id', 'lab', 'number', 'projects', 'start_time', 'subject', 'task_protocol', 'url',
    ]);
  });

  test('lookup by pk finds a session and no insertion', async () => {
    assert.equal((await api.get(`/sessions?django=pk,${SEEDED_SESSION.id}`)).body.count, 1);
    assert.equal((await api.get(`/insertions?django=pk,${SEEDED_SESSION.id}`)).body.count, 0);
  });

  test('insertions can be created and patched', async () => {
    const eid = await freshSession(api);
    const created = await api.post('/insertions', { session: eid, name: 'probe00' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.session, eid);
    const patched = await api.patch(`/insertions/${created.body.id}`, { json: { qc: 'PASS' } });
    assert.deepEqual(patched.body.json, { qc: 'PASS' });
    const twice = await api.post('/insertions', { session: eid, name: 'probe00' });
    assert.equal(twice.status, 400);
  });
});

describe('subjects and labs', () => {
  test('a subject is created with its lab (required), read and deleted by nickname, as on Alyx', async () => {
    const admin = client(alyx.baseUrl, await login(alyx.baseUrl, 'admin'));
    const nickname = `subject_${randomUUID().slice(0, 8)}`;
    const withoutLab = await admin.post('/subjects', { nickname });
    assert.deepEqual(withoutLab.body, { lab: ['This field is required.'], status_code: 400 });
    const created = await admin.post('/subjects', { nickname, lab: seed.lab });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.url, `${alyx.baseUrl}/subjects/${nickname}`);
    assert.equal(created.body.responsible_user, 'admin');
    const session = await admin.post('/sessions', { subject: nickname, number: 1 });
    assert.equal(session.body.lab, seed.lab, 'a session takes its subject\'s lab');
    assert.equal((await admin.delete(`/subjects/${nickname}`)).status, 204);
    assert.equal((await admin.get(`/sessions/${session.body.id}`)).status, 404, 'its sessions go with it');
  });

  test('/labs lists the seeded lab with Alyx\'s fields', async () => {
    const page = (await api.get('/labs')).body as Page;
    assert.deepEqual(page.results.map((lab) => lab['name']), [seed.lab]);
    assert.deepEqual(Object.keys(page.results[0]!).sort(), [
      'address', 'institution', 'json', 'name', 'reference_weight_pct', 'repositories', 'timezone', 'zscore_weight_pct',
    ]);
  });
});

describe('throttling', () => {
  test('over the per-user rate answers 429 with Retry-After, other users unaffected', async () => {
    const throttled = await startAlyx({ throttle: '10/minute' });
    try {
      const tester = client(throttled.baseUrl, await login(throttled.baseUrl));
      const statuses: number[] = [];
      let refused: Reply | undefined;
      for (let i = 0; i < 12 && !refused; i++) {
        const reply = await tester.get('/subjects');
        statuses.push(reply.status);
        if (reply.status === 429) refused = reply;
      }
      assert.ok(refused, `no 429 in ${statuses.join(',')}`);
      assert.deepEqual(statuses.slice(0, 10), Array(10).fill(200));
      assert.match(refused.headers.get('retry-after') ?? '', /^\d+$/);
      assert.deepEqual(refused.body, {
        detail: `Request was throttled. Expected available in ${refused.headers.get('retry-after')} seconds.`,
        status_code: 429,
      });

      const reviewer = client(throttled.baseUrl, await login(throttled.baseUrl, 'reviewer2'));
      assert.equal((await reviewer.get('/subjects')).status, 200);
    } finally {
      await throttled.stop();
    }
  });
});

describe('CORS', () => {
  const origin = 'http://127.0.0.1:9999';

  test('a stock server sends no CORS headers', async () => {
    const reply = await call(`${alyx.baseUrl}/auth-token`, { method: 'OPTIONS', headers: { Origin: origin } });
    assert.equal(reply.headers.get('access-control-allow-origin'), null);
  });

  test('--cors-origin allows that origin only, preflight included', async () => {
    const cors = await startAlyx({ corsOrigins: [origin] });
    try {
      const preflight = await fetch(`${cors.baseUrl}/notes`, {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization,content-type',
        },
      });
      assert.equal(preflight.status, 200);
      assert.equal(preflight.headers.get('access-control-allow-origin'), origin);
      assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /authorization/);

      const token = await login(cors.baseUrl);
      const allowed = await call(`${cors.baseUrl}/subjects`, { headers: { Origin: origin } }, token);
      assert.equal(allowed.headers.get('access-control-allow-origin'), origin);
      assert.match(allowed.headers.get('access-control-expose-headers') ?? '', /retry-after/i);
      const other = await call(`${cors.baseUrl}/subjects`, { headers: { Origin: 'http://127.0.0.1:1' } }, token);
      assert.equal(other.headers.get('access-control-allow-origin'), null);
    } finally {
      await cors.stop();
    }
  });
});
