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
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build, minifySync, type Rolldown } from 'vite';
import { WIDGETS } from '../vite.config.ts';

/**
 * Gzip budgets (KB = 1024 bytes), set in issue #17 from the measured floor (every text and style
 * deleted: 17.3 KB per widget module, 8.2 KB for the core): each single-session widget module,
 * the review queue's module (its list, keyboard and batch on top of the sign-off panel), the core.
 */
export const BUDGET = { widgetGzip: 22 * 1024, queueGzip: 28 * 1024, coreGzip: 10 * 1024 } as const;

/** The review queue's widget: held to its own budget. */
export const QUEUE_WIDGET = 'queue';

/** The gzip budget of the widget module `name` (`static/<name>.js`). */
export function widgetBudget(name: string): number {
  return name === QUEUE_WIDGET ? BUDGET.queueGzip : BUDGET.widgetGzip;
}

export interface BundleFigure {
  readonly name: string;
  readonly minified: number;
  readonly gzip: number;
  readonly brotli: number;
  readonly budgetGzip: number;
  readonly withinBudget: boolean;
  /** What the bundle is made of: where to cut when over. */
  readonly parts: BundlePart[];
}

/**
 * One layer of a bundle (Lit, the core, the elements, the widget glue), minified and gzipped on
 * its own. The parts add up to more than the bundle: words they share compress once in it.
 */
export interface BundlePart {
  readonly part: string;
  readonly modules: number;
  readonly minified: number;
  readonly gzip: number;
}

/** The layer a module belongs to, from its path. */
function partOf(module: string): string {
  if (/node_modules\/(lit|lit-html|lit-element|@lit)\//.test(module)) return 'Lit';
  const layer = /^js\/(\w+)\//.exec(module)?.[1];
  if (layer === 'core') return 'core';
  if (layer === 'elements') return 'elements';
  if (layer === 'widget') return 'widget glue';
  return 'other';
}

function partsOf(chunks: Rolldown.OutputChunk[], repo: string): BundlePart[] {
  const byPart = new Map<string, string[]>();
  for (const [id, info] of chunks.flatMap((chunk) => Object.entries(chunk.modules))) {
    if (!info.code) continue;
    const part = partOf(path.relative(repo, id));
    byPart.set(part, [...(byPart.get(part) ?? []), info.code]);
  }
  return [...byPart].map(([part, codes]) => {
    const { code } = minifySync(`${part}.js`, codes.join('\n'), { module: true, compress: false, mangle: { toplevel: true } });
    return { part, modules: codes.length, minified: Buffer.byteLength(code), gzip: gzipSync(code, { level: 9 }).length };
  });
}

export interface BundleSizeResult {
  readonly figures: BundleFigure[];
  /** Bundles that could not be built, and why: the run fails on them. */
  readonly missing: { name: string; why: string }[];
  /** Bundles with a budget whose feature is not in the build yet (the queue before it lands). */
  readonly notYetBuilt: { name: string; budgetGzip: number; why: string }[];
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
  const bytes = Buffer.from(code, 'utf8');
  const gzip = gzipSync(bytes, { level: 9 }).length;
  const brotli = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }).length;
  return { name, minified: bytes.length, gzip, brotli, budgetGzip, withinBudget: gzip <= budgetGzip, parts: partsOf(chunks, repo) };
}

export async function measureBundleSize(repo: string): Promise<BundleSizeResult> {
  const figures: BundleFigure[] = [];
  const missing: { name: string; why: string }[] = [];

  // One bundle per Python widget class (`SignOff` loads signoff.js, `CriticalNote` critical.js):
  // each is what a notebook downloads for that widget, so each is held to the budget.
  const widgets: readonly string[] = WIDGETS;
  const notYetBuilt = widgets.includes(QUEUE_WIDGET) ? [] : [{ name: `widget ${QUEUE_WIDGET}.js`, budgetGzip: BUDGET.queueGzip, why: `not in vite.config.ts WIDGETS yet` }];
  for (const name of widgets) {
    // The entry is vite.config.ts's business (the queue's is js/widget/review-queue.ts): build the mode.
    try {
      const output = await build({
        root: repo,
        configFile: path.join(repo, 'vite.config.ts'),
        mode: `widget-${name}`,
        logLevel: 'error',
        build: { write: false, emptyOutDir: false },
      });
      figures.push(figure(`widget ${name}.js (Lit included)`, output, widgetBudget(name), repo));
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
  return { figures, missing, notYetBuilt };
}
