/**
 * The `alyx-qc` executable: wires the process (argv, streams, environment, Ctrl-C) to
 * {@link runCli}. `bin/alyx-qc.js` loads the built copy of this file.
 */
import { homedir } from 'node:os';
import { runCli } from './run-cli.ts';

let interrupts = 0;

const code = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  home: homedir(),
  platform: process.platform,
  onInterrupt(handler) {
    const onSigint = (): void => {
      // A second Ctrl-C while requests are being cancelled: stop at once.
      if (++interrupts > 1) process.exit(1);
      handler();
    };
    process.on('SIGINT', onSigint);
    return () => process.off('SIGINT', onSigint);
  },
});
process.exitCode = code;
// Everything is closed by now; this only guards against a stray handle keeping us alive.
setTimeout(() => process.exit(code), 2000).unref();
