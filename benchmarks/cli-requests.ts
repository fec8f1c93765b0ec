/**
 * Requests per workflow of the `alyx-qc` command line, as a user runs it: a fresh process with
 * `ALYX_URL`, `ALYX_LOGIN` and `ALYX_PASSWORD` (so it logs in: `POST /auth-token` is counted),
 * the answers as flags, against the Alyx of `bench-alyx.ts` behind the counting proxy. Each
 * workflow runs twice on fresh sessions (the counts do not vary; the median is kept).
 */
import { startFaultProxy } from '../dev/fault-proxy/proxy.ts';
import { runCli } from '../js/cli/testing/cli-process.ts';
import { startBenchAlyx } from './bench-alyx.ts';
import { callShape } from './round-trips.ts';
import { median } from './stats.ts';
import { cliArgs, LABELS, prepare, WORKFLOWS, type WorkflowId } from './workflows.ts';

export interface CliRequestRow {
  readonly workflow: WorkflowId;
  /** Requests of one run, the login included. */
  readonly requests: number;
  /** Of them, the login (`POST /auth-token`). */
  readonly logins: number;
  /** `METHOD /path` of each request of the last run. */
  readonly calls: readonly string[];
  /** Runs that did not exit 0, with the first message. */
  readonly failures: number;
  readonly firstFailure?: string;
}

export async function measureCliRequests(options: { runs?: number; log?: (line: string) => void } = {}): Promise<CliRequestRow[]> {
  const runs = options.runs ?? 2;
  const log = options.log ?? (() => {});
  const alyx = await startBenchAlyx();
  const proxy = await startFaultProxy({ target: alyx.baseUrl });
  try {
    const env = { ALYX_URL: proxy.baseUrl, ALYX_LOGIN: alyx.username, ALYX_PASSWORD: alyx.password };
    const rows: CliRequestRow[] = [];
    for (const workflow of WORKFLOWS) {
      log(`CLI requests: ${LABELS[workflow]}`);
      const counts: number[] = [];
      const logins: number[] = [];
      let calls: string[] = [];
      const failures: string[] = [];
      for (const eid of await prepare(alyx, workflow, runs)) {
        const before = proxy.log.length;
        const run = await runCli(cliArgs(workflow, eid), { env });
        await proxy.settled();
        calls = proxy.log.slice(before).map((entry) => callShape(`${entry.method} ${entry.path}`));
        if (run.code !== 0) failures.push(`exit ${run.code}: ${run.stderr.trim().split('\n').pop() ?? ''}`);
        counts.push(calls.length);
        logins.push(calls.filter((call) => call.startsWith('POST /auth-token')).length);
      }
      rows.push({ workflow, requests: median(counts), logins: median(logins), calls, failures: failures.length, ...(failures[0] ? { firstFailure: failures[0] } : {}) });
    }
    return rows;
  } finally {
    await proxy.stop();
    await alyx.stop();
  }
}
