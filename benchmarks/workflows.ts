/**
 * The six workflows every per-workflow measure runs (round trips, CLI and widget requests), each
 * as alyx-qc's core, CLI and widget do it and as ibllib does it, and how its sessions are set up
 * beforehand (directly on the server, not through the proxy that counts).
 */
import type { AlyxClient } from '../js/core/client.ts';
import { writeCriticalNote } from '../js/core/critical-note.ts';
import { signOff } from '../js/core/sign-off.ts';
import type { IbllibWorkflow } from './ibllib.ts';
import { mapLimit } from './stats.ts';
// The workflows' own modules, not the core's index: load the note kinds as the index does.
import '../js/core/note-kinds.ts';

export const SIGN_OFF_KEY = '_ephysChoiceWorld_00';
export const OTHER = 'benchmark: other reason';

export const WORKFLOWS = ['critical-new-known', 'critical-new-unknown', 'critical-overwrite', 'sign-off-new', 'sign-off-merge', 'sign-off-no-note'] as const;
export type WorkflowId = (typeof WORKFLOWS)[number];

export const LABELS: Record<WorkflowId, string> = {
  'critical-new-known': 'critical note, new, content type known',
  'critical-new-unknown': 'critical note, new, content type looked up',
  'critical-overwrite': 'critical note, overwrite 1 (looked up)',
  'sign-off-new': 'sign-off, new note',
  'sign-off-merge': "sign-off, merged into another reviewer's note",
  'sign-off-no-note': 'sign-off without a note',
};

/** What ibllib runs for the same job (see ibllib_driver.py). */
export const IBLLIB_WORKFLOW: Record<WorkflowId, IbllibWorkflow> = {
  'critical-new-known': 'critical-new-known',
  'critical-new-unknown': 'critical-new',
  'critical-overwrite': 'critical-overwrite',
  'sign-off-new': 'sign-off',
  'sign-off-merge': 'sign-off',
  'sign-off-no-note': 'sign-off-no-note',
};

export const isSignOff = (workflow: WorkflowId): boolean => workflow.startsWith('sign-off');

/** Where sessions come from: the fixture's admin creates them, another reviewer's client seeds notes. */
export interface SessionSource {
  newSession(): Promise<string>;
  /** A client of a user other than the benchmark's, to write the note a merge or overwrite finds. */
  other(): Promise<AlyxClient>;
}

/** `count` sessions ready for `workflow`: a critical note on each to overwrite, a sign-off note to merge into. */
export function prepare(source: SessionSource, workflow: WorkflowId, count: number): Promise<string[]> {
  return mapLimit(Array.from({ length: count }), 4, async () => {
    const eid = await source.newSession();
    if (workflow === 'critical-overwrite') await writeCriticalNote(await source.other(), { uuid: eid, nums: '1', other: 'the note to overwrite' });
    if (workflow === 'sign-off-merge') {
      const result = await signOff(await source.other(), { eid, signOffKey: SIGN_OFF_KEY, kind: 'task', nums: '0', withNote: true });
      if (result.status !== 'written') throw new Error(`the note to merge into was not written: ${result.status}`);
    }
    return eid;
  });
}

/** When a workflow was written as the reviewer sees it (a sign-off: both writes answered, `onWritten`). */
export interface CoreTiming {
  writtenAt?: number;
}

/**
 * Runs `workflow` with alyx-qc's core; resolves when it is verified (what the CLI and Python's
 * `submit()` wait for). A sign-off's `onWritten` marks the moment the panel says "written",
 * while the read-back of the checklist runs on; a critical note is written when it resolves.
 */
export async function runCore(client: AlyxClient, workflow: WorkflowId, eid: string, timing: CoreTiming = {}): Promise<void> {
  if (!isSignOff(workflow)) {
    const result = await writeCriticalNote(client, {
      uuid: eid,
      nums: '0,2,4',
      other: OTHER,
      overwrite: workflow === 'critical-overwrite',
      ...(workflow === 'critical-new-known' ? { contentType: 'session' } : {}),
    });
    if (result.status !== 'written') throw new Error(`critical note not written: ${result.status}`);
    timing.writtenAt = performance.now();
    return;
  }
  const result = await signOff(client, {
    eid,
    signOffKey: SIGN_OFF_KEY,
    kind: 'task',
    nums: '1',
    other: OTHER,
    withNote: workflow !== 'sign-off-no-note',
    onWritten: () => {
      timing.writtenAt ??= performance.now();
    },
  });
  if (result.status !== 'written') throw new Error(`sign-off not written: ${result.status}`);
}

/** The `alyx-qc` command line for `workflow`, answers given as flags (no prompt). */
export function cliArgs(workflow: WorkflowId, eid: string): string[] {
  if (!isSignOff(workflow)) {
    return ['critical', eid, '--reasons', '0,2,4', '--other', OTHER, ...(workflow === 'critical-overwrite' ? ['--yes'] : []), ...(workflow === 'critical-new-known' ? ['--content-type', 'session'] : [])];
  }
  return ['signoff', eid, '--key', SIGN_OFF_KEY, '--kind', 'task', ...(workflow === 'sign-off-no-note' ? ['--no-note'] : ['--reasons', '1', '--other', OTHER])];
}
