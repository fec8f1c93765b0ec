/**
 * The published files, checked as Node and a CDN see them: the core imports in Node without a
 * DOM (Observable Framework's build, server-side rendering), and the Observable bundle is one
 * browser module with nothing left to resolve.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { init, parse } from 'es-module-lexer';
import { CORE_BUNDLE, OBSERVABLE_BUNDLE, ensureBuilt } from './support/build.ts';

/** What a notebook downloads: over this, look for what grew before raising it. */
const OBSERVABLE_BUDGET_BYTES = 120_000;

before(() => ensureBuilt());

test('the core imports in Node without touching HTMLElement, customElements, window or document', () => {
  // A fresh Node process whose DOM globals are traps: reading one is recorded.
  const script = `
    const touched = [];
    for (const name of ['HTMLElement', 'customElements', 'window', 'document']) {
      Object.defineProperty(globalThis, name, { configurable: true, get() { touched.push(name); return undefined; } });
    }
    const core = await import(${JSON.stringify(pathToFileURL(CORE_BUNDLE).href)});
    console.log(JSON.stringify({ touched, exports: Object.keys(core).sort() }));
  `;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  const { touched, exports } = JSON.parse(output) as { touched: string[]; exports: string[] };
  assert.deepEqual(touched, []);
  for (const name of ['AlyxClient', 'signOff', 'loadSignOffContext', 'writeCriticalNote', 'loadCriticalContext']) assert.ok(exports.includes(name), name);
});

test('the Observable bundle has no imports left: no bare specifiers, no node: built-ins, no sibling chunks', async () => {
  await init;
  const source = readFileSync(OBSERVABLE_BUNDLE, 'utf8');
  const [imports] = parse(source);
  const specifiers = imports.filter((entry) => entry.type !== 'import-meta').map((entry) => entry.specifier ?? source.slice(entry.start, entry.end));
  assert.deepEqual(specifiers, []);
  assert.doesNotMatch(source, /["'`]node:/);
  assert.doesNotMatch(source, /\brequire\(/);
});

test('the Observable bundle is Lit\'s production build and within its size budget', () => {
  const source = readFileSync(OBSERVABLE_BUNDLE, 'utf8');
  assert.doesNotMatch(source, /Lit is in dev mode/);
  const size = statSync(OBSERVABLE_BUNDLE).size;
  assert.ok(size <= OBSERVABLE_BUDGET_BYTES, `dist/observable/index.js is ${size} bytes, over its budget of ${OBSERVABLE_BUDGET_BYTES}`);
});
