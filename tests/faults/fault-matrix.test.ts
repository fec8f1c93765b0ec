/**
 * Issue #7, faults: every workflow × every request position in it × every fault, injected once by
 * the fault proxy in front of the real development Alyx. The client retries by itself; if the
 * workflow still fails, the reviewer presses Retry (the workflow runs again, at most twice). Then
 * the server's final state is read directly (not through the proxy) and must be exactly what was
 * intended: one note with the exact text, no duplicates, the old critical note kept until its
 * replacement existed, the checklist key set and every other JSON key intact.
 *
 * Prints the matrix (workflow and position × fault) and the pass count at the end.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { startFaultProxy, type Fault, type FaultRule, type ProxyLogEntry } from '../../dev/fault-proxy/proxy.ts';
import type { AlyxNote } from '../../js/core/alyx-types.ts';
import { AlyxClient } from '../../js/core/client.ts';
import { writeCriticalNote } from '../../js/core/critical-note.ts';
import { NOTE_KINDS, type CriticalKind } from '../../js/core/note-kinds.ts';
import { criticalNoteText, signOffNoteText } from '../../js/core/note-text.ts';
import { signOff } from '../../js/core/sign-off.ts';
import { AlyxFixture, defaultSessionJson, PASSWORD, USER, USER2 } from '../support/alyx-fixture.ts';

const FAULTS: readonly Fault[] = ['drop-before', 'drop-after', 'delay', 'stall', 500, 502, 503, 429];
/** Client timeout below the proxy's delay, so a 'delay' fault is a timeout after the server acted. */
const CLIENT_TIMEOUT_MS = 1_000;
const DELAY_MS = 1_500;
/** How many times the reviewer presses Retry after a workflow fails. */
const RETRY_PRESSES = 2;
const PARALLEL_CASES = 3;
const TODAY = new Date(2024, 0, 15, 12);
const KEY = '_ephysChoiceWorld_00';

const SESSION_KIND = NOTE_KINDS['critical-session'] as CriticalKind;
const INSERTION_KIND = NOTE_KINDS['critical-insertion'] as CriticalKind;

interface Position {
  readonly label: string;
  readonly match: FaultRule['match'];
}

interface CaseContext {
  /** The object the workflow writes on (eid or pid). */
  readonly uuid: string;
  /** The session whose JSON must end as `expectedJson`. */
  readonly eid: string;
  readonly oldNoteIds: readonly string[];
}

interface Workflow {
  readonly name: string;
  readonly positions: readonly Position[];
  setup(): Promise<CaseContext>;
  /** One press of Submit (or Retry); returns the result's status. */
  run(client: AlyxClient, context: CaseContext): Promise<string>;
  /** The notes that must be on the object at the end, in order, by text and author. */
  expectedNotes(context: CaseContext): readonly { text: string; user: string }[];
  expectedJson(): unknown;
}

let alyx: AlyxFixture;
let token: string;

const sessionList: Position = { label: 'GET /sessions?django=pk', match: { method: 'GET', pathPrefix: '/sessions?' } };
const insertionList: Position = { label: 'GET /insertions?django=pk', match: { method: 'GET', pathPrefix: '/insertions?' } };
const notesByObject = (nth: number): Position => ({ label: `GET /notes?object_id #${nth}`, match: { method: 'GET', pathPrefix: '/notes?django=object_id,', nth } });
const notesByTitle = (nth: number): Position => ({ label: `GET /notes?text__icontains #${nth}`, match: { method: 'GET', pathPrefix: '/notes?django=text__icontains,', nth } });
const postNote: Position = { label: 'POST /notes', match: { method: 'POST', pathPrefix: '/notes' } };
const patchNote: Position = { label: 'PATCH /notes/<id>', match: { method: 'PATCH', pathPrefix: '/notes/' } };
const deleteNote: Position = { label: 'DELETE /notes/<old>', match: { method: 'DELETE', pathPrefix: '/notes/' } };
const readSession = (nth: number): Position => ({ label: `GET /sessions/<eid> #${nth}`, match: { method: 'GET', pathPrefix: '/sessions/', nth } });
const patchSession: Position = { label: 'PATCH /sessions/<eid>', match: { method: 'PATCH', pathPrefix: '/sessions/' } };

const CRITICAL_CHOICE = { reasons: ['synching impossible', 'Other'], other: 'rig <b>crashed</b> twice' };
const SIGN_OFF_CHOICE = { reasons: ['wheel data corrupt', 'Other'], other: 'photodiode flat' };

function checklistJson(key: string): unknown {
  const json = defaultSessionJson();
  (json['sign_off_checklist'] as Record<string, unknown>)[key] = { date: '2024-01-15', user: USER.username };
  return json;
}

const WORKFLOWS: readonly Workflow[] = [
  {
    name: 'critical new',
    // No re-list after the POST: the rival check is `settleRivals`, off by default (docs/robustness.md).
    positions: [sessionList, insertionList, notesByObject(1), postNote],
    setup: async () => {
      const eid = await alyx.newSession();
      return { uuid: eid, eid, oldNoteIds: [] };
    },
    run: async (client, { uuid }) => (await writeCriticalNote(client, { uuid, ...CRITICAL_CHOICE })).status,
    expectedNotes: () => [{ text: criticalNoteText(SESSION_KIND, CRITICAL_CHOICE), user: USER.username }],
    expectedJson: () => defaultSessionJson(),
  },
  {
    name: 'critical overwrite',
    positions: [sessionList, insertionList, notesByObject(1), postNote, deleteNote],
    setup: async () => {
      const eid = await alyx.newSession();
      const pid = await alyx.newInsertion(eid);
      const reviewer2 = await alyx.login(USER2.username);
      const old = await writeCriticalNote(reviewer2, { uuid: pid, reasons: ['Drift'] });
      assert.equal(old.status, 'written');
      return { uuid: pid, eid, oldNoteIds: old.status === 'written' ? [old.note.id] : [] };
    },
    run: async (client, { uuid }) => (await writeCriticalNote(client, { uuid, reasons: ['Histological images missing'], overwrite: true })).status,
    expectedNotes: () => [{ text: criticalNoteText(INSERTION_KIND, { reasons: ['Histological images missing'], other: null }), user: USER.username }],
    expectedJson: () => defaultSessionJson(),
  },
  {
    name: 'sign-off new',
    positions: [readSession(1), notesByTitle(1), postNote, patchSession, readSession(2), notesByTitle(2)],
    setup: async () => {
      const eid = await alyx.newSession();
      return { uuid: eid, eid, oldNoteIds: [] };
    },
    run: async (client, { eid }) => (await signOff(client, { eid, signOffKey: KEY, kind: 'task', ...SIGN_OFF_CHOICE, now: TODAY })).status,
    expectedNotes: () => [{ text: signOffNoteText(KEY, `2024-01-15_${USER.username}`, SIGN_OFF_CHOICE), user: USER.username }],
    expectedJson: () => checklistJson(KEY),
  },
  {
    name: 'sign-off merge',
    positions: [readSession(1), notesByTitle(1), patchNote, patchSession, readSession(2), notesByTitle(2)],
    setup: async () => {
      const eid = await alyx.newSession();
      const reviewer2 = await alyx.login(USER2.username);
      // reviewer2's earlier sign-off, then the checklist put back as the test expects it.
      await signOff(reviewer2, { eid, signOffKey: KEY, kind: 'task', reasons: [], now: new Date(2024, 0, 14, 12) });
      await (await alyx.inspector()).request('PATCH', `/sessions/${eid}`, { body: { json: defaultSessionJson() } });
      return { uuid: eid, eid, oldNoteIds: (await alyx.notesOf(eid)).map((note) => note.id) };
    },
    run: async (client, { eid }) => (await signOff(client, { eid, signOffKey: KEY, kind: 'task', ...SIGN_OFF_CHOICE, now: TODAY })).status,
    expectedNotes: () => [{
      text: `{"title": "=== SIGN-OFF NOTE FOR ${KEY} ===", "2024-01-14_${USER2.username}": {"reasons_selected": [], "reason_for_other": []}, "2024-01-15_${USER.username}": {"reasons_selected": ["wheel data corrupt", "Other"], "reason_for_other": "photodiode flat"}}`,
      // The merge PATCHes ibllib's whole note body, `user` included: the last reviewer is the author.
      user: USER.username,
    }],
    expectedJson: () => checklistJson(KEY),
  },
  {
    name: 'sign-off checklist',
    positions: [readSession(1), patchSession, readSession(2)],
    setup: async () => {
      const eid = await alyx.newSession();
      return { uuid: eid, eid, oldNoteIds: [] };
    },
    run: async (client, { eid }) => (await signOff(client, { eid, signOffKey: '_camera_left', kind: 'video', withNote: false, now: TODAY })).status,
    expectedNotes: () => [],
    expectedJson: () => checklistJson('_camera_left'),
  },
];

interface Outcome {
  readonly passed: boolean;
  /** Retry presses the reviewer needed (0: the client's own retries sufficed). */
  readonly presses: number;
  readonly why?: string;
}
const outcomes = new Map<string, Outcome>();
const cellKey = (workflow: string, position: string, fault: Fault): string => `${workflow}|${position}|${String(fault)}`;

/** The overwrite's promise: no DELETE of an old note reached the server before a new note existed. */
function assertCreatedBeforeDeleted(log: readonly ProxyLogEntry[], oldNoteIds: readonly string[]): void {
  const created = log.filter((entry) => entry.method === 'POST' && entry.path.startsWith('/notes') && entry.status === 201 && entry.upstreamEnd !== undefined);
  const firstCreated = Math.min(...created.map((entry) => entry.upstreamEnd ?? Infinity));
  for (const entry of log) {
    if (entry.method !== 'DELETE' || entry.upstreamStart === undefined) continue;
    if (!oldNoteIds.some((id) => entry.path.startsWith(`/notes/${id}`))) continue;
    assert.ok(entry.upstreamStart > firstCreated, `DELETE ${entry.path} reached Alyx before any new note existed`);
  }
}

/** A write whose answer was lost is looked for before it is sent again. */
function assertNoBlindRePost(log: readonly ProxyLogEntry[]): void {
  const posts = log.map((entry, index) => ({ entry, index })).filter(({ entry }) => entry.method === 'POST' && entry.path.startsWith('/notes'));
  for (let i = 1; i < posts.length; i++) {
    const previous = posts[i - 1] as (typeof posts)[number];
    const current = posts[i] as (typeof posts)[number];
    // A 429 says the server did not act, so sending it again at once is right.
    if (previous.entry.fault === undefined || previous.entry.fault === 429) continue;
    const looked = log.slice(previous.index + 1, current.index).some((entry) => entry.method === 'GET' && entry.path.startsWith('/notes?'));
    assert.ok(looked, `POST /notes was sent again after a ${String(previous.entry.fault)} without listing the notes first`);
  }
}

async function runCase(workflow: Workflow, position: Position, fault: Fault, times = 1): Promise<Outcome> {
  const context = await workflow.setup();
  const proxy = await startFaultProxy({ target: alyx.baseUrl });
  try {
    const client = await AlyxClient.login(proxy.baseUrl, { username: USER.username, token, password: PASSWORD }, { timeoutMs: CLIENT_TIMEOUT_MS, retry: { baseDelayMs: 20 } });
    const rule: FaultRule = { match: position.match, fault, times, ...(fault === 'delay' ? { delayMs: DELAY_MS } : {}) };
    proxy.inject(rule);
    let presses = 0;
    let status = '';
    let lastError: unknown;
    for (;;) {
      try {
        status = await workflow.run(client, context);
        break;
      } catch (error) {
        lastError = error;
        if (presses >= RETRY_PRESSES) throw new Error(`still failing after ${presses} Retry presses: ${(error as Error).message}`, { cause: error });
        presses++;
      }
    }
    assert.ok(proxy.log.some((entry) => entry.fault !== undefined), `the fault was never injected (no request matched ${position.label})`);
    // A request held in the proxy (a stalled one) may still reach Alyx after the workflow returned.
    await proxy.settled();
    // A Retry after the note was written finds it and offers to overwrite it: the UI shows it as there.
    assert.ok(status === 'written' || (presses > 0 && status === 'needs-confirmation'), `ended with status ${status} (${String(lastError)})`);

    const notes = await alyx.notesOf(context.uuid);
    assert.deepEqual(
      notes.map((note: AlyxNote) => ({ text: note.text, user: note.user })),
      workflow.expectedNotes(context),
      `notes on the object after ${presses} Retry presses`,
    );
    assert.deepEqual(await alyx.sessionJson(context.eid), workflow.expectedJson(), 'session json');
    assertNoBlindRePost(proxy.log);
    if (workflow.name === 'critical overwrite') assertCreatedBeforeDeleted(proxy.log, context.oldNoteIds);
    return { passed: true, presses };
  } finally {
    await proxy.stop();
  }
}

before(async () => {
  alyx = await AlyxFixture.start();
  token = await alyx.token();
});

after(async () => {
  await alyx.stop();
  const report = matrixReport();
  // test-results/ is git-ignored; docs/robustness.md quotes the latest run.
  mkdirSync('test-results', { recursive: true });
  writeFileSync('test-results/fault-matrix.md', `${report}\n`);
  process.stderr.write(`${report}\n`);
});

describe('fault matrix', { concurrency: PARALLEL_CASES }, () => {
  for (const workflow of WORKFLOWS) {
    for (const position of workflow.positions) {
      for (const fault of FAULTS) {
        test(`${workflow.name} · ${position.label} · ${String(fault)}`, async () => {
          const key = cellKey(workflow.name, position.label, fault);
          try {
            outcomes.set(key, await runCase(workflow, position, fault));
          } catch (error) {
            outcomes.set(key, { passed: false, presses: -1, why: (error as Error).message });
            throw error;
          }
        });
      }
    }
  }
});

/**
 * Beyond the client's own retries: a write that fails 5 times in a row makes the workflow fail, and
 * the reviewer presses Retry; the end state must still be exactly the intended one.
 */
const PERSISTENT_FAULTS: readonly Fault[] = ['drop-before', 'drop-after', 503];
const PERSISTENT_TIMES = 5;
const persistent = new Map<string, Outcome>();
const isWrite = (position: Position): boolean => position.match.method !== 'GET';

describe(`persistent faults (${PERSISTENT_TIMES} in a row) on every write`, { concurrency: PARALLEL_CASES }, () => {
  for (const workflow of WORKFLOWS) {
    for (const position of workflow.positions.filter(isWrite)) {
      for (const fault of PERSISTENT_FAULTS) {
        test(`${workflow.name} · ${position.label} · ${String(fault)} ×${PERSISTENT_TIMES}`, async () => {
          const key = cellKey(workflow.name, position.label, fault);
          try {
            persistent.set(key, await runCase(workflow, position, fault, PERSISTENT_TIMES));
          } catch (error) {
            persistent.set(key, { passed: false, presses: -1, why: (error as Error).message });
            throw error;
          }
        });
      }
    }
  }
});

function persistentReport(): string[] {
  const lines = [`| workflow | write | ${PERSISTENT_FAULTS.map((fault) => `${String(fault)} ×${PERSISTENT_TIMES}`).join(' | ')} |`, `|---|---|${PERSISTENT_FAULTS.map(() => '---').join('|')}|`];
  let passed = 0;
  for (const workflow of WORKFLOWS) {
    for (const position of workflow.positions.filter(isWrite)) {
      const cells = PERSISTENT_FAULTS.map((fault) => {
        const outcome = persistent.get(cellKey(workflow.name, position.label, fault));
        if (!outcome) return '–';
        if (!outcome.passed) return '✗';
        passed++;
        return outcome.presses > 0 ? `✓${outcome.presses}` : '✓';
      });
      lines.push(`| ${workflow.name} | \`${position.label}\` | ${cells.join(' | ')} |`);
    }
  }
  const failures = [...persistent].filter(([, outcome]) => !outcome.passed).map(([key, outcome]) => `- ${key}: ${outcome.why}`);
  return ['', '## Persistent faults on writes (the reviewer presses Retry)', '', ...lines, '', `${passed}/${persistent.size} passed.`, ...(failures.length ? ['', 'Failures:', ...failures] : [])];
}

/** The matrix as Markdown: ✓ passed without the reviewer, ✓R passed after R Retry presses, ✗ failed. */
export function matrixReport(): string {
  const lines = [`| workflow | request position | ${FAULTS.map(String).join(' | ')} |`, `|---|---|${FAULTS.map(() => '---').join('|')}|`];
  let passed = 0;
  let total = 0;
  for (const workflow of WORKFLOWS) {
    for (const position of workflow.positions) {
      const cells = FAULTS.map((fault) => {
        const outcome = outcomes.get(cellKey(workflow.name, position.label, fault));
        if (!outcome) return '–';
        total++;
        if (!outcome.passed) return '✗';
        passed++;
        return outcome.presses > 0 ? `✓${outcome.presses}` : '✓';
      });
      lines.push(`| ${workflow.name} | \`${position.label}\` | ${cells.join(' | ')} |`);
    }
  }
  const positions = WORKFLOWS.reduce((sum, workflow) => sum + workflow.positions.length, 0);
  lines.push('', `${WORKFLOWS.length} workflows, ${positions} request positions × ${FAULTS.length} faults = ${positions * FAULTS.length} cases; ${passed}/${total} passed.`);
  const failures = [...outcomes].filter(([, outcome]) => !outcome.passed).map(([key, outcome]) => `- ${key}: ${outcome.why}`);
  return ['', '## Fault matrix', '', '✓ the client recovered by itself; ✓N after N Retry presses; ✗ failed.', '', ...lines, ...(failures.length ? ['', 'Failures:', ...failures] : []), ...persistentReport()].join('\n');
}
