/**
 * Issue #7, secrets: a known token must never appear in what the core hands to anyone else:
 * errors (message, stack, cause, inspected or serialised), the client serialised or inspected,
 * workflow results and dry-run plans, console output, and URLs (the proxy's log: the token only
 * ever travels in the Authorization header). Faults come from the fault proxy, including a gateway
 * that quotes the request headers back in its error page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { inspect } from 'node:util';
import { startFaultProxy, type Fault, type FaultProxy } from '../../dev/fault-proxy/proxy.ts';
import { AlyxClient } from '../../js/core/client.ts';
import { writeCriticalNote } from '../../js/core/critical-note.ts';
import { signOff } from '../../js/core/sign-off.ts';
import { AlyxFixture, PASSWORD, USER } from '../support/alyx-fixture.ts';
import { runCli } from './run-cli.ts';
// The workflows' own modules, not the core's index: load the note kinds as the index does.
import '../../js/core/note-kinds.ts';

let alyx: AlyxFixture;
let proxy: FaultProxy;
let token: string;

/** Every way an error can be shown to a person or a log. */
function renderings(value: unknown): string[] {
  const out = [inspect(value, { showHidden: true, depth: Infinity }), String(value)];
  try {
    out.push(JSON.stringify(value) ?? '');
  } catch {
    // Circular: inspect above already covers it.
  }
  if (value instanceof Error) out.push(value.message, value.stack ?? '', inspect(value.cause, { depth: Infinity }));
  return out;
}

/** Any 12 characters in a row of the token count as a leak: an excerpt clipped mid-token is one too. */
function assertNoSecret(texts: readonly string[], where: string): void {
  const pieces = Array.from({ length: token.length - 11 }, (_, start) => token.slice(start, start + 12));
  for (const text of texts) {
    const piece = pieces.find((candidate) => text.includes(candidate));
    assert.ok(piece === undefined, `${where} shows (part of) the token: …${text.slice(Math.max(0, text.indexOf(piece ?? '') - 60), text.indexOf(piece ?? '') + 20)}…`);
    assert.ok(!text.includes(PASSWORD), `${where} shows the password`);
  }
}

async function viaProxy(options: { timeoutMs?: number } = {}): Promise<AlyxClient> {
  return AlyxClient.login(proxy.baseUrl, { username: USER.username, token, password: PASSWORD }, { retry: { baseDelayMs: 5, retries: 1, throttleRetries: 0 }, ...options });
}

before(async () => {
  alyx = await AlyxFixture.start();
  proxy = await startFaultProxy({ target: alyx.baseUrl });
  token = await alyx.token();
  assert.ok(token.length >= 20);
});
after(async () => {
  await proxy.stop();
  await alyx.stop();
});

describe('secrets: the token never leaves the client', () => {
  test('the client serialised, inspected, spread or stringified', async () => {
    const client = await viaProxy();
    assertNoSecret([JSON.stringify(client), inspect(client, { showHidden: true, depth: Infinity }), String(client), JSON.stringify({ ...client }), JSON.stringify(Object.entries(client))], 'the client');
  });

  const faults: (Fault | 'stale-token')[] = ['drop-before', 'drop-after', 'delay', 500, 502, 503, 429, 'html', 'echo-headers', 'stale-token'];
  for (const fault of faults) {
    test(`errors after ${String(fault)}: message, stack, cause, inspected and serialised`, async () => {
      proxy.clear();
      const client = fault === 'stale-token'
        ? await AlyxClient.login(proxy.baseUrl, { username: USER.username, token }, { retry: { baseDelayMs: 5 } })
        : await viaProxy(fault === 'delay' ? { timeoutMs: 100 } : {});
      if (fault === 'stale-token') {
        // Revoke nothing: point the same token at a path that answers "Invalid token." by sending a wrong one.
        const stale = await AlyxClient.login(proxy.baseUrl, { username: USER.username, token: `${token.slice(0, -4)}zzzz` });
        const error = await stale.list('sessions').catch((caught: unknown) => caught);
        assert.ok(error instanceof Error && /Invalid token/.test(error.message));
        assertNoSecret(renderings(error), 'a stale-token error');
        assert.ok(!renderings(error).some((text) => text.includes(token.slice(0, -4))), 'the stale token shows');
        return;
      }
      proxy.inject({ match: {}, fault, times: 10, delayMs: 300 });
      const eid = await alyx.newSession();
      const error = await client.request('GET', `/sessions/${eid}`).catch((caught: unknown) => caught);
      assert.ok(error instanceof Error, `expected an error after ${String(fault)}`);
      assertNoSecret(renderings(error), `the error after ${String(fault)}`);
      const write = await signOff(client, { eid, signOffKey: '_camera_left', kind: 'video', withNote: false }).catch((caught: unknown) => caught);
      assertNoSecret(renderings(write), `the sign-off error after ${String(fault)}`);
      const login = await AlyxClient.login(proxy.baseUrl, { username: USER.username, password: PASSWORD }, { timeoutMs: 100, retry: { baseDelayMs: 5, throttleRetries: 0 } }).catch((caught: unknown) => caught);
      assertNoSecret(renderings(login), `the login error after ${String(fault)}`);
      proxy.clear();
    });
  }

  test('workflow results and dry-run plans', async () => {
    proxy.clear();
    const client = await viaProxy();
    const eid = await alyx.newSession();
    const results = [
      await writeCriticalNote(client, { uuid: eid, reasons: ['Other'], other: 'dry', dryRun: true }),
      await signOff(client, { eid, signOffKey: '_ephysChoiceWorld_00', kind: 'task', reasons: [], dryRun: true }),
      await writeCriticalNote(client, { uuid: eid, reasons: ['dud or mock session'] }),
      await signOff(client, { eid, signOffKey: '_ephysChoiceWorld_00', kind: 'task', reasons: [] }),
    ];
    for (const result of results) assertNoSecret([JSON.stringify(result), inspect(result, { depth: Infinity })], `the ${result.status} result`);
  });

  test('console output while workflows run through faults', async () => {
    proxy.clear();
    const printed: string[] = [];
    const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
    const originals = methods.map((name) => console[name]);
    for (const name of methods) console[name] = (...args: unknown[]) => void printed.push(args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg, { depth: Infinity }))).join(' '));
    try {
      const client = await viaProxy({ timeoutMs: 300 });
      for (const fault of ['drop-after', 503, 'echo-headers', 'delay'] as const) {
        proxy.inject({ match: { method: 'POST' }, fault, delayMs: 500 });
        await writeCriticalNote(client, { uuid: await alyx.newSession(), reasons: ['dud or mock session'] }).catch(() => undefined);
      }
    } finally {
      methods.forEach((name, index) => {
        console[name] = originals[index] as (typeof console)[typeof name];
      });
    }
    assertNoSecret(printed, 'console output');
  });

  test('URLs: the token is only ever in the Authorization header', async () => {
    proxy.clear();
    const client = await viaProxy();
    await signOff(client, { eid: await alyx.newSession(), signOffKey: '_camera_left', kind: 'video', withNote: false });
    assert.ok(proxy.log.length > 0);
    assertNoSecret(proxy.log.map((entry) => entry.path), 'a request URL');
  });

  test('CLI: stdout and stderr of writes, dry runs, --json and failures', async () => {
    const eid = await alyx.newSession();
    const env = { ALYX_URL: alyx.baseUrl, ALYX_LOGIN: USER.username, ALYX_TOKEN: token };
    const runs = [
      await runCli(['critical', eid, '--reasons', '1', '--dry-run'], env),
      await runCli(['critical', eid, '--reasons', '1', '--dry-run', '--json'], env),
      await runCli(['signoff', eid, '--key', '_ephysChoiceWorld_00', '--kind', 'task', '--reasons', '1', '--json'], env),
      await runCli(['critical', eid, '--reasons', '1'], env),
      // With the password as well (ALYX_PASSWORD), and a stale token to force a new login.
      await runCli(['signoff', eid, '--key', '_camera_left', '--kind', 'video', '--no-note', '--json'], { ...env, ALYX_TOKEN: `${token.slice(0, -4)}zzzz`, ALYX_PASSWORD: PASSWORD }),
    ];
    for (const fault of ['echo-headers', 503, 'html', 'drop-after'] as const) {
      proxy.clear();
      proxy.inject({ match: {}, fault, times: 100 });
      runs.push(await runCli(['critical', eid, '--reasons', '1', '--yes', '--base-url', proxy.baseUrl], env));
      runs.push(await runCli(['signoff', eid, '--key', '_ephysChoiceWorld_00', '--kind', 'task', '--reasons', '1', '--json', '--base-url', proxy.baseUrl], env));
    }
    proxy.clear();
    assert.equal(runs[0]?.code, 0, runs[0]?.stderr);
    assert.ok(runs.slice(-8).every((run) => run.code === 3), 'the faulted runs fail with 3');
    for (const [index, run] of runs.entries()) assertNoSecret([run.stdout, run.stderr], `CLI run ${index}`);
  });
});
