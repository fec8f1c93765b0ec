/** The serializer against Python itself: random values through both, compared byte for byte. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { pythonJsonDumps, pythonJsonLoads, type PyJson } from './python-json.ts';

/** A deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const POOL = ['a', 'Z', ' ', '"', '\\', '/', '\n', '\r', '\t', '\b', '\f', '\x00', '\x1f', '\x7f', '\x80', 'é', '\u2019', '\u2028', '\uffff', '😀', '𝄞', '<', '>', '&', "'"];

function randomString(next: () => number): string {
  let out = '';
  const length = Math.floor(next() * 12);
  for (let i = 0; i < length; i++) out += POOL[Math.floor(next() * POOL.length)];
  return out;
}

function randomValue(next: () => number, depth: number): PyJson {
  const pick = Math.floor(next() * (depth > 2 ? 5 : 7));
  switch (pick) {
    case 0: return randomString(next);
    case 1: return next() < 0.5 ? null : next() < 0.5;
    case 2: return BigInt(Math.floor((next() - 0.5) * 1e6));
    case 3: return (next() - 0.5) * 10 ** Math.floor(next() * 40 - 20);
    case 4: return randomString(next);
    case 5: return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
    default: return new Map(Array.from({ length: Math.floor(next() * 4) }, () => [randomString(next), randomValue(next, depth + 1)] as [string, PyJson]));
  }
}

test('300 random values: our dumps equals Python json.dumps(json.loads(our dumps))', () => {
  const next = random(20_240_115);
  const values = Array.from({ length: 300 }, () => randomValue(next, 0));
  const ours = values.map((value) => pythonJsonDumps(value));
  // Python re-serialises what we wrote; any difference in escaping, separators or floats shows.
  const script = 'import json,sys\nfor line in sys.stdin.read().split("\\n"):\n    print(json.dumps(json.loads(line)))';
  const python = execFileSync('python3', ['-c', script], { input: ours.join('\n'), encoding: 'utf8' }).trimEnd().split('\n');
  assert.equal(python.length, ours.length);
  for (let i = 0; i < ours.length; i++) assert.equal(ours[i], python[i], `value ${i}`);
  for (const text of ours) assert.equal(pythonJsonDumps(pythonJsonLoads(text)), text);
});

test('loads rejects what Python rejects', () => {
  for (const bad of ['', '{', '{"a" 1}', '[1,]', '"\x01"', '"\\x"', '"\\u12"', '{"\\q": 1}', '"\\\t"', '{"a": 1} x', "{'a': 1}"]) {
    assert.throws(() => pythonJsonLoads(bad), SyntaxError, JSON.stringify(bad));
  }
});
