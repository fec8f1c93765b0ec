/**
 * The review queue's loading through the real kernel relay (`relay_bridge.py` with the scope
 * `ReviewQueue` builds): the id lists the core sends (`queueFilters`, hex integers) are exactly
 * what the Python side builds and allows (`loading_filters`, `_scope.py`), so 200 sessions load in
 * 3 requests and 201 in 6, each reaching the development Alyx once; a list naming a session
 * outside the queue never leaves the kernel.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { AlyxClient, signOff } from '../../js/core/index.ts';
import { loadReviewQueue } from '../../js/core/review-queue.ts';
import { KernelRelay } from '../../js/widget/kernel-transport.ts';
import type { AlyxRelayErrorMessage, AlyxResponseMessage } from '../../js/widget/relay-messages.ts';
import { startFaultProxy, type FaultProxy } from '../../dev/fault-proxy/proxy.ts';
import { venvPython } from '../../dev/alyx-server/start.ts';
import { AlyxFixture } from '../support/alyx-fixture.ts';

const REPO = path.resolve(import.meta.dirname, '..', '..');
const KEY = '_ephysChoiceWorld_00';
/** A session that is not the queue's (version-4 UUID). */
const OTHER = '2ffd3ed5-477e-4153-9af7-7fdad3c6946b';

let alyx: AlyxFixture;
let proxy: FaultProxy;

before(async () => {
  alyx = await AlyxFixture.start();
  proxy = await startFaultProxy({ target: alyx.baseUrl });
});
after(async () => {
  await proxy.stop();
  await alyx.stop();
});

/** The core's client over `KernelRelay`, answered by the real relay in a Python process. */
async function queueClient(eids: readonly string[]): Promise<{ client: AlyxClient; stop: () => Promise<void> }> {
  const env = { ...process.env, PYTHONPATH: path.join(REPO, 'python') };
  const child = spawn(venvPython(), [path.join(REPO, 'tests', 'faults', 'relay_bridge.py')], { cwd: REPO, env, stdio: ['pipe', 'pipe', 'inherit'] });
  const scope = { objects: eids, sign_off_keys: [KEY], queue_key: KEY };
  child.stdin.write(`${JSON.stringify({ base_url: proxy.baseUrl, token: await alyx.token(), username: 'test_user', scope })}\n`);
  const relay = new KernelRelay({ send: (message) => void child.stdin.write(`${JSON.stringify(message)}\n`) });
  createInterface({ input: child.stdout }).on('line', (line) => relay.receive(JSON.parse(line) as AlyxResponseMessage | AlyxRelayErrorMessage));
  const client = await AlyxClient.login(proxy.baseUrl, { username: 'test_user', transportAuthenticates: true }, { transport: relay.transport });
  const stop = (): Promise<void> => new Promise((resolve) => {
    child.once('close', () => resolve());
    child.stdin.end();
  });
  return { client, stop };
}

test('a queue of 200 sessions loads through the relay in 3 requests and 201 in 6, each reaching Alyx once; an id outside the queue is refused in the kernel', async () => {
  const eids: string[] = [];
  for (let index = 0; index < 201; index++) eids.push(await alyx.newSession());
  await signOff(await alyx.login(), { eid: eids[200]!, signOffKey: KEY, kind: 'task', reasons: ['wheel data corrupt'] });
  const { client, stop } = await queueClient(eids);
  try {
    proxy.clear();
    let before = client.requestCount;
    const first = await loadReviewQueue(client, { eids: eids.slice(0, 200), signOffKey: KEY, kind: 'task' });
    assert.equal(client.requestCount - before, 3);
    assert.ok(first.sessions.every((session) => session.session?.id === session.eid && !session.signedOff));
    before = client.requestCount;
    const all = await loadReviewQueue(client, { eids, signOffKey: KEY, kind: 'task' });
    assert.equal(client.requestCount - before, 6);
    assert.equal(all.sessions[200]!.signedOff, true);
    assert.equal(all.sessions[200]!.existingNotes.length, 1);
    assert.deepEqual(proxy.log.map((entry) => entry.status), Array(9).fill(200), 'every request reached Alyx once');
    const outside = `pk__in,[0x${eids[0]!.replace(/-/g, '')},0x${OTHER.replace(/-/g, '')}]`;
    await assert.rejects(client.list('sessions', { django: outside }), /not a look-up the workflows make/);
    assert.equal(proxy.log.length, 9, 'the refused list never left the kernel');
  } finally {
    await stop();
  }
});
