/**
 * Measure 1: bundle size. The widget ES modules the Python package ships (one per widget class,
 * Lit included) and the core alone, minified as the real builds minify, then gzipped (level 9)
 * and brotli'd (quality 11).
 *
 * All are built into memory with Vite's API (nothing in `python/` or `dist/` is touched): the
 * widgets with the project's own `vite.config.ts` in their `widget-*` modes, the core as a single
 * entry with the library build's settings (`cross-fetch` and `node:*` external, as in the
 * published package).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build, type Rolldown } from 'vite';

export const BUDGET = { widgetGzip: 16 * 1024, coreGzip: 8 * 1024 } as const;

export interface BundleFigure {
  readonly name: string;
  readonly minified: number;
  readonly gzip: number;
  readonly brotli: number;
  readonly budgetGzip: number;
  readonly withinBudget: boolean;
  /** The largest modules, minified bytes each before compression: where to cut when over. */
  readonly largest: { module: string; bytes: number }[];
}

export interface BundleSizeResult {
  readonly figures: BundleFigure[];
  /** Bundles that could not be built, and why. */
  readonly missing: { name: string; why: string }[];
}

type BuildOutput = Rolldown.RolldownOutput | Rolldown.RolldownOutput[] | Rolldown.RolldownWatcher;

/** Every JS chunk of a build (one each here: dynamic imports are inlined). */
function chunksOf(output: BuildOutput): Rolldown.OutputChunk[] {
  const outputs = Array.isArray(output) ? output : 'output' in output ? [output] : [];
  if (outputs.length === 0) throw new Error('Vite returned a watcher, not a build output');
  return outputs.flatMap((o) => o.output).filter((item): item is Rolldown.OutputChunk => item.type === 'chunk');
}

function figure(name: string, output: BuildOutput, budgetGzip: number, repo: string): BundleFigure {
  const chunks = chunksOf(output);
  const code = chunks.map((chunk) => chunk.code).join('\n');
  const largest = chunks
    .flatMap((chunk) => Object.entries(chunk.modules))
    .map(([id, info]) => ({ module: path.relative(repo, id), bytes: info.renderedLength }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 5);
  const bytes = Buffer.from(code, 'utf8');
  const gzip = gzipSync(bytes, { level: 9 }).length;
  const brotli = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }).length;
  return { name, minified: bytes.length, gzip, brotli, budgetGzip, withinBudget: gzip <= budgetGzip, largest };
}

export async function measureBundleSize(repo: string): Promise<BundleSizeResult> {
  const figures: BundleFigure[] = [];
  const missing: { name: string; why: string }[] = [];

  // One bundle per Python widget class (`SignOff` loads signoff.js, `CriticalNote` critical.js):
  // each is what a notebook downloads for that widget, so each is held to the budget.
  for (const name of ['signoff', 'critical']) {
    const entry = path.join(repo, `js/widget/${name}.ts`);
    if (!existsSync(entry)) {
      missing.push({ name: `widget ${name}`, why: `js/widget/${name}.ts does not exist` });
      continue;
    }
    try {
      const output = await build({
        root: repo,
        configFile: path.join(repo, 'vite.config.ts'),
        mode: `widget-${name}`,
        logLevel: 'error',
        build: { write: false, emptyOutDir: false },
      });
      figures.push(figure(`widget ${name}.js (Lit included)`, output, BUDGET.widgetGzip, repo));
    } catch (error) {
      missing.push({ name: `widget ${name}`, why: `vite build --mode widget-${name} failed: ${(error as Error).message.split('\n')[0]}` });
    }
  }

  const output = await build({
    root: repo,
    configFile: false,
    logLevel: 'error',
    build: {
      write: false,
      target: 'es2022',
      minify: true,
      lib: { entry: path.join(repo, 'js/core/index.ts'), formats: ['es'], fileName: () => 'core.js' },
      // As the real builds: the output minifier also takes out the whitespace Vite leaves in ES libraries.
      rolldownOptions: { external: ['cross-fetch', /^node:/], output: { minify: true } },
    },
  });
  figures.push(figure('core (dist/core/index.js)', output, BUDGET.coreGzip, repo));
  return { figures, missing };
}
