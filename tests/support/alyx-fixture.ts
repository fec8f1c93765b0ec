/**
 * What server tests share: a running Alyx, logged-in clients, and a subject, sessions and
 * insertions of their own created over REST, so that every test works on objects of its own.
 *
 * The Alyx is the development one, started per fixture, unless ALYX_QC_TEST_URL names another
 * (test-alyx.ts lists the variables); there the fixture deletes on stop what it and the tests
 * made on its objects, as far as the server lets it.
 */
import { readFileSync } from 'node:fs';
import { startAlyx, type RunningAlyx, type StartAlyxOptions } from '../../dev/alyx-server/start.ts';
import { AlyxClient, type AlyxClientOptions } from '../../js/core/client.ts';
import type { AlyxNote, AlyxSession } from '../../js/core/alyx-types.ts';
import { ADMIN, CONFIG_ERROR, EXTERNAL_URL, passwordOf, TEST_LAB, USER } from './test-alyx.ts';

export { ADMIN, devAlyxOnly, EXTERNAL, passwordOf, PUBLIC_USER, USER, USER2 } from './test-alyx.ts';

interface Seed {
  readonly password: string;
  readonly subjects: readonly { id: string; nickname: string }[];
  readonly sessions: readonly { id: string }[];
  readonly insertions: readonly { id: string; session: string }[];
}

export const seed = JSON.parse(readFileSync(new URL('../../dev/alyx-server/seed.json', import.meta.url), 'utf8')) as Seed;
/** The plain test user's password (USER); other users: passwordOf(username). */
export const PASSWORD = USER.password;

/** A fresh checklist as the seed writes it, plus a foreign key that must survive every write. */
export function defaultSessionJson(): Record<string, unknown> {
  return {
    sign_off_checklist: { _ephysChoiceWorld_00: null, _passiveChoiceWorld_00: null, _neuropixel_raw_probe00: null, _camera_left: null },
    extraction_version: { ibllib: '2.40.1' },
    qc_notes: ['kept', 1],
  };
}

/** The fixture's subject: its id and nickname, its lab if known, and where to delete it. */
export interface TestSubject {
  readonly id: string;
  readonly nickname: string;
  readonly lab?: string;
  readonly path?: string;
}

const CLEANUP_BATCH = 100;
const CLEANUP_CONCURRENCY = 4;

export class AlyxFixture {
  private counter = 0;
  private insertionCounter = 0;
  private admin: AlyxClient | undefined;
  private subjectRecord: Promise<TestSubject> | undefined;
  private readonly sessions: string[] = [];
  private readonly insertions: string[] = [];
  private constructor(
    readonly server: RunningAlyx,
    /** True against an Alyx given by ALYX_QC_TEST_URL. */
    readonly external: boolean,
  ) {}

  /**
   * Start the development Alyx with `options`, or use the external one. The options are abilities
   * of the development Alyx only: asking an external one for them is an error (skip such tests
   * with devAlyxOnly()).
   */
  static async start(options: StartAlyxOptions = {}): Promise<AlyxFixture> {
    if (EXTERNAL_URL === undefined) return new AlyxFixture(await startAlyx(options), false);
    if (CONFIG_ERROR) throw new Error(`[alyx-qc tests] ${CONFIG_ERROR}`);
    const asked = Object.entries(options).filter(([, value]) => value !== undefined).map(([name]) => name);
    if (asked.length) {
      throw new Error(`[alyx-qc tests] ${asked.join(', ')} needs the development Alyx, but ALYX_QC_TEST_URL is set: skip this test with devAlyxOnly().`);
    }
    const server: RunningAlyx = { baseUrl: EXTERNAL_URL, log: () => '', stop: () => Promise.resolve() };
    return new AlyxFixture(server, true);
  }

  get baseUrl(): string {
    return this.server.baseUrl;
  }

  login(username = USER.username, options: AlyxClientOptions = {}): Promise<AlyxClient> {
    return AlyxClient.login(this.baseUrl, { username, password: passwordOf(username) }, options);
  }

  /** `username`'s Alyx token, fetched as a notebook or ONE would (`POST /auth-token`). */
  async token(username = USER.username): Promise<string> {
    const response = await fetch(`${this.baseUrl}/auth-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ username, password: passwordOf(username) }),
    });
    return ((await response.json()) as { token: string }).token;
  }

  /** A client for inspecting what the server stored; its requests are not the code under test. */
  async inspector(): Promise<AlyxClient> {
    this.admin ??= await this.login(ADMIN.username);
    return this.admin;
  }

  /** The subject of every session this fixture creates, made on first use. */
  subject(): Promise<TestSubject> {
    this.subjectRecord ??= this.createSubject();
    return this.subjectRecord;
  }

  private async createSubject(): Promise<TestSubject> {
    const admin = await this.inspector();
    // Unique per fixture, so that sessions numbered from 1 never meet another run's on this Alyx.
    const nickname = `alyxqc_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
    const lab = TEST_LAB ?? (this.external ? await this.firstLab(admin) : undefined);
    try {
      const created = await admin.request<{ id: string; nickname: string; url?: string }>('POST', '/subjects', { body: { nickname, ...(lab ? { lab } : {}) } });
      const path = created.url?.startsWith(this.baseUrl) ? created.url.slice(this.baseUrl.length) : `/subjects/${encodeURIComponent(nickname)}`;
      return { id: created.id, nickname: created.nickname, path, ...(lab ? { lab } : {}) };
    } catch (error) {
      // The development Alyx's subjects are read-only, and its database is thrown away on stop.
      const first = seed.subjects[0];
      if (this.external || !first) throw error;
      return first;
    }
  }

  private async firstLab(admin: AlyxClient): Promise<string | undefined> {
    const page = await admin.request<{ results?: { name: string }[] }>('GET', '/labs', { query: { limit: 1 } }).catch(() => undefined);
    return page?.results?.[0]?.name;
  }

  /** A new session of the fixture's subject; each gets the next number, on 2024-01-15 unless `startTime`. */
  async newSession(json: unknown = defaultSessionJson(), options: { startTime?: string } = {}): Promise<string> {
    const admin = await this.inspector();
    const subject = await this.subject();
    const session = await admin.request<AlyxSession>('POST', '/sessions', {
      body: {
        subject: subject.nickname,
        number: ++this.counter,
        start_time: options.startTime ?? '2024-01-15T10:00:00',
        task_protocol: '_iblrig_tasks_ephysChoiceWorld6.6.2',
        json,
        ...(subject.lab ? { lab: subject.lab } : {}),
      },
    });
    this.sessions.push(session.id);
    return session.id;
  }

  async newInsertion(eid?: string): Promise<string> {
    const admin = await this.inspector();
    const session = eid ?? (await this.newSession());
    // Names unique within the fixture: an Alyx may refuse two insertions of one name on a session.
    const name = `probe${String(this.insertionCounter++ % 100).padStart(2, '0')}`;
    const insertion = await admin.request<{ id: string }>('POST', '/insertions', { body: { session, name } });
    this.insertions.push(insertion.id);
    return insertion.id;
  }

  async notesOf(objectId: string): Promise<AlyxNote[]> {
    return (await this.inspector()).list<AlyxNote>('notes', { django: `object_id,${objectId}` });
  }

  async sessionJson(eid: string): Promise<unknown> {
    return (await (await this.inspector()).request<AlyxSession>('GET', `/sessions/${eid}`)).json;
  }

  async stop(): Promise<void> {
    if (this.external) await this.cleanUp();
    await this.server.stop();
  }

  /**
   * Delete, on an external Alyx, the notes on this fixture's objects, then its insertions,
   * sessions and subject. What the server refuses stays, and one line says how much.
   */
  private async cleanUp(): Promise<void> {
    if (!this.admin) return;
    const admin = this.admin;
    const subject = this.subjectRecord ? await this.subjectRecord.catch(() => undefined) : undefined;
    const owners = [...this.insertions, ...this.sessions, ...(subject ? [subject.id] : [])];
    const left: string[] = [];
    const remove = async (paths: string[]): Promise<void> => {
      const queue = [...paths];
      const worker = async (): Promise<void> => {
        for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
          await admin.request('DELETE', path).catch(() => left.push(path));
        }
      };
      await Promise.all(Array.from({ length: CLEANUP_CONCURRENCY }, worker));
    };
    const notes: string[] = [];
    for (let start = 0; start < owners.length; start += CLEANUP_BATCH) {
      const ids = owners.slice(start, start + CLEANUP_BATCH).map((id) => `'${id}'`).join(',');
      const found = await admin.list<AlyxNote>('notes', { django: `object_id__in,[${ids}]` }).catch(() => []);
      notes.push(...found.map((note) => `/notes/${note.id}`));
    }
    await remove(notes);
    await remove(this.insertions.map((id) => `/insertions/${id}`));
    await remove(this.sessions.map((id) => `/sessions/${id}`));
    if (subject?.path) await remove([subject.path]);
    if (left.length) process.stderr.write(`[alyx-qc tests] cleanup: ${this.baseUrl} refused to delete ${left.length} object(s), e.g. ${left[0]}\n`);
  }
}
