#!/usr/bin/env node
// The `alyx-qc` command of the npm package: runs the built command line, dist/cli/main.js.
// In a source checkout, build it first (`npm run build`), or run `node --import tsx js/cli/main.ts`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write(`alyx-qc: ${fileURLToPath(main)} is missing: run "npm run build" in the alyx-qc folder first.\n`);
  process.exit(3);
}
await import(main.href);
