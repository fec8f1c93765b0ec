/**
 * The development Alyx answers as Alyx 3.6.1 does on every recorded probe.
 *
 * Runs the shared probe tool (`../shared/tools/alyx_probe.py`, beside the repository) against a
 * fresh development Alyx and compares its answers with the recording of the real server
 * (`../shared/spec/alyx-3.6.1-responses.json`). Any difference fails, with the tool's list of
 * differences in the message.
 *
 *     node --import tsx --test dev/alyx-server/real-alyx.test.ts
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { test } from 'node:test';

import { startAlyx, venvPython } from './start.ts';

const run = promisify(execFile);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const SHARED = path.resolve(HERE, '..', '..', '..', 'shared');
const PROBE = path.join(SHARED, 'tools', 'alyx_probe.py');
const REFERENCE = path.join(SHARED, 'spec', 'alyx-3.6.1-responses.json');
const missing = [PROBE, REFERENCE].filter((file) => !existsSync(file));

test(
  'every probe of the Alyx 3.6.1 recording is answered identically',
  { skip: missing.length > 0 && `${missing.join(' and ')} not found: the repository was cloned without shared/ beside it` },
  async () => {
    const alyx = await startAlyx();
    const folder = mkdtempSync(path.join(tmpdir(), 'alyx-qc-probe-'));
    const candidate = path.join(folder, 'dev.json');
    try {
      await run(venvPython(), [PROBE, alyx.baseUrl, candidate]);
      // --compare exits 1 on any difference; its stdout lists them and ends "N/M behaviours identical".
      const compared = await run(venvPython(), [PROBE, '--compare', REFERENCE, candidate]).catch(
        (error: { stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? '', stderr: error.stderr ?? '' }),
      );
      const verdict = /(\d+)\/(\d+) behaviours identical/.exec(compared.stdout);
      assert.ok(verdict, `the probe tool printed no verdict:\n${compared.stdout}${compared.stderr}\n--- server log ---\n${alyx.log()}`);
      assert.equal(verdict[1], verdict[2], `differences from Alyx 3.6.1:\n${compared.stdout}`);
    } finally {
      rmSync(folder, { recursive: true, force: true });
      await alyx.stop();
    }
  },
);
