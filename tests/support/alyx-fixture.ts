/**
 * What server tests share: a running development Alyx, logged-in clients, and fresh sessions and
 * insertions created over REST so that every test works on objects of its own.
 */
import { readFileSync } from 'node:fs';
import { startAlyx, type RunningAlyx, type StartAlyxOptions } from '../../dev/alyx-server/start.ts';
import { AlyxClient, type AlyxClientOptions } from '../../js/core/client.ts';
import type { AlyxNote, AlyxSession } from '../../js/core/alyx-types.ts';

interface Seed {
  readonly password: string;
  readonly subjects: readonly { id: string; nickname: string }[];
  readonly sessions: readonly { id: string }[];
  readonly insertions: readonly { id: string; session: string }[];
}

export const seed = JSON.parse(readFileSync(new URL('../../dev/alyx-server/seed.json', import.meta.url), 'utf8')) as Seed;
export const PASSWORD = seed.password;

/** A fresh checklist as the seed writes it, plus a foreign key that must survive every write. */
export function defaultSessionJson(): Record<string, unknown> {
  return {
    sign_off_checklist: { _ephysChoiceWorld_00: null, _passiveChoiceWorld_00: null, _neuropixel_raw_probe00: null, _camera_left: null },
    extraction_version: { ibllib: '2.40.1' },
    qc_notes: ['kept', 1],
  };
}

export class AlyxFixture {
  private counter = 0;
  private admin: AlyxClient | undefined;
  private constructor(readonly server: RunningAlyx) {}

  static async start(options: StartAlyxOptions = {}): Promise<AlyxFixture> {
    return new AlyxFixture(await startAlyx(options));
  }

  get baseUrl(): string {
    return this.server.baseUrl;
  }

  login(username = 'test_user', options: AlyxClientOptions = {}): Promise<AlyxClient> {
    return AlyxClient.login(this.baseUrl, { username, password: PASSWORD }, options);
  }

  /** `username`'s Alyx token, fetched as a notebook or ONE would (`POST /auth-token`). */
  async token(username = 'test_user'): Promise<string> {
    const response = await fetch(`${this.baseUrl}/auth-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD }),
    });
    return ((await response.json()) as { token: string }).token;
  }

  /** A client for inspecting what the server stored; its requests are not the code under test. */
  async inspector(): Promise<AlyxClient> {
    this.admin ??= await this.login('admin');
    return this.admin;
  }

  async newSession(json: unknown = defaultSessionJson()): Promise<string> {
    const admin = await this.inspector();
    const subject = seed.subjects[this.counter % seed.subjects.length]?.nickname ?? 'KS022';
    const session = await admin.request<AlyxSession>('POST', '/sessions', {
      body: { subject, number: ++this.counter, start_time: '2024-01-15T10:00:00', task_protocol: '_iblrig_tasks_ephysChoiceWorld6.6.2', json },
    });
    return session.id;
  }

  async newInsertion(eid?: string): Promise<string> {
    const admin = await this.inspector();
    const session = eid ?? (await this.newSession());
    const insertion = await admin.request<{ id: string }>('POST', '/insertions', { body: { session, name: `probe0${this.counter % 10}` } });
    return insertion.id;
  }

  async notesOf(objectId: string): Promise<AlyxNote[]> {
    return (await this.inspector()).list<AlyxNote>('notes', { django: `object_id,${objectId}` });
  }

  async sessionJson(eid: string): Promise<unknown> {
    return (await (await this.inspector()).request<AlyxSession>('GET', `/sessions/${eid}`)).json;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}
