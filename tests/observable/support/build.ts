/**
 * These tests exercise the built package, as a notebook loads it. `scripts/test.sh` builds
 * first; run alone, the suite builds what is missing (`npm run build`), so it never tests stale
 * or absent files silently.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const OBSERVABLE_BUNDLE = fileURLToPath(new URL('../../../dist/observable/index.js', import.meta.url));
export const CORE_BUNDLE = fileURLToPath(new URL('../../../dist/core/index.js', import.meta.url));

export function ensureBuilt(): void {
  if (existsSync(OBSERVABLE_BUNDLE) && existsSync(CORE_BUNDLE)) return;
  console.log('[alyx-qc] dist/ is incomplete: running npm run build');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO, stdio: 'inherit' });
}
