/**
 * Requests per workflow of the widgets, as a reviewer uses them: `SignOff(...)` /
 * `CriticalNote(...)` displayed (the view loads what Alyx holds), then `submit(...)` from Python,
 * until the view has re-read Alyx after the write. Counted at a proxy in front of Alyx: what the
 * kernel's relay sends (see `widget-host.ts` for how the notebook is played without Jupyter).
 * Each workflow runs twice on fresh sessions; the counts do not vary, the median is kept.
 */
import type { FaultProxy } from '../dev/fault-proxy/proxy.ts';
import { startFaultProxy } from '../dev/fault-proxy/proxy.ts';
import { startBenchAlyx } from './bench-alyx.ts';
import { callShape } from './round-trips.ts';
import { median } from './stats.ts';
import { WidgetHost } from './widget-host.ts';
import { isSignOff, LABELS, OTHER, prepare, SIGN_OFF_KEY, WORKFLOWS, type WorkflowId } from './workflows.ts';

export interface WidgetRequestRow {
  readonly workflow: WorkflowId;
  /** Requests of displaying the widget (its context loaded). */
  readonly load: number;
  /** Requests from `submit(...)` until the view has re-read Alyx after the write. */
  readonly write: number;
  readonly calls: readonly string[];
  readonly failures: number;
  readonly firstFailure?: string;
}

/** Resolves once the proxy has seen no request for `quietMs` and none is in flight. */
export async function quiet(proxy: FaultProxy, quietMs = 400): Promise<void> {
  for (;;) {
    await proxy.settled();
    const seen = proxy.log.length;
    await new Promise((resolve) => setTimeout(resolve, quietMs));
    if (proxy.log.length === seen) return;
  }
}

/** Python's call for each workflow: the widget, its arguments, and its `submit`. */
function pythonCalls(workflow: WorkflowId, eid: string): { cls: string; bundle: string; args: unknown[]; kwargs: Record<string, unknown>; submit: Record<string, unknown> } {
  if (isSignOff(workflow)) {
    const submit = workflow === 'sign-off-no-note' ? { with_note: false } : { nums: '1', other: OTHER };
    return { cls: 'SignOff', bundle: 'signoff', args: [eid], kwargs: { key: SIGN_OFF_KEY, kind: 'task' }, submit };
  }
  return {
    cls: 'CriticalNote',
    bundle: 'critical',
    args: [eid],
    kwargs: workflow === 'critical-new-known' ? { content_type: 'session' } : {},
    submit: { nums: '0,2,4', other: OTHER, ...(workflow === 'critical-overwrite' ? { overwrite: true } : {}) },
  };
}

export async function measureWidgetRequests(options: { runs?: number; log?: (line: string) => void } = {}): Promise<WidgetRequestRow[]> {
  const runs = options.runs ?? 2;
  const log = options.log ?? (() => {});
  const alyx = await startBenchAlyx();
  const proxy = await startFaultProxy({ target: alyx.baseUrl });
  let host: WidgetHost | undefined;
  try {
    // The token as a notebook's ONE holds it: fetched before, not through the counting proxy.
    const token = await alyx.token();
    host = await WidgetHost.start(['signoff', 'critical'], { baseUrl: proxy.baseUrl, username: alyx.username, token });
    const rows: WidgetRequestRow[] = [];
    for (const workflow of WORKFLOWS) {
      log(`widget requests: ${LABELS[workflow]}`);
      const loads: number[] = [];
      const writes: number[] = [];
      let calls: string[] = [];
      const failures: string[] = [];
      for (const eid of await prepare(alyx, workflow, runs)) {
        const python = pythonCalls(workflow, eid);
        const errorsBefore = host.errors.length;
        const start = proxy.log.length;
        const id = await host.display(python.cls, python.bundle, python.args, python.kwargs);
        const loaded = await host.waitForStatus(id, ['idle', 'failed']);
        await quiet(proxy);
        const afterLoad = proxy.log.length;
        if (loaded === 'failed') failures.push(`load: ${String(await host.stateOf(id, 'error'))}`);
        host.call(id, 'submit', python.submit);
        const status = await host.waitForStatus(id, ['written', 'failed']);
        await quiet(proxy);
        if (status === 'failed') failures.push(`write: ${String(await host.stateOf(id, 'error'))}`);
        if (host.errors.length > errorsBefore) failures.push(host.errors.slice(errorsBefore).join('; '));
        calls = proxy.log.slice(start).map((entry) => callShape(`${entry.method} ${entry.path}`));
        loads.push(afterLoad - start);
        writes.push(proxy.log.length - afterLoad);
        await host.remove(id);
      }
      rows.push({ workflow, load: median(loads), write: median(writes), calls, failures: failures.length, ...(failures[0] ? { firstFailure: failures[0] } : {}) });
    }
    return rows;
  } finally {
    await host?.stop();
    await proxy.stop();
    await alyx.stop();
  }
}
