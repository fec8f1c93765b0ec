/**
 * Three builds, picked with `--mode`:
 * - `widget-signoff`, `widget-critical`, `widget-queue`: the anywidget front end of each Python
 *   widget class, each ONE self-contained ES module (Lit included, no imports left, nothing from a
 *   CDN) holding only its own panel and workflow, written into the Python package, which ships
 *   them in the wheel with `kinds.json` (the sign-off kinds, which Python sends to the page).
 * - `lib` (default): the npm package's entry points in `dist/` for bundlers and Node: the core
 *   (no DOM), the elements and the command line. Dependencies (`lit`, `cross-fetch`) stay
 *   imports, so an app bundles one copy of each.
 * - `observable`: `dist/observable/index.js`, the module notebooks load by URL (Observable,
 *   jsDelivr, a local file): ONE self-contained browser ES module, Lit and the core inlined, no
 *   import left in it. It is a build of its own because entries of one Rollup build share chunks,
 *   and a module loaded by URL must not import sibling files.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type UserConfig } from 'vite';
import { minifyTemplates } from './scripts/minify-templates.ts';
import { signOffKindsJson } from './scripts/sign-off-kinds-json.ts';
import { terserPass } from './scripts/terser-pass.ts';

/**
 * Browsers have fetch: the core's Node fallback must not pull cross-fetch's ponyfill (10 KB) or
 * a bare import into a bundle that runs in a page.
 */
const browserFetch = { 'cross-fetch': fileURLToPath(new URL('js/core/platform-fetch.ts', import.meta.url)) };

/** The widgets the Python package ships: `static/<name>.js` built from `js/widget/<name>.ts` (or the entry named below). */
export const WIDGETS = ['signoff', 'critical', 'queue'] as const;

/** Widgets whose entry module is not named like their bundle. */
const WIDGET_ENTRIES: Partial<Record<(typeof WIDGETS)[number], string>> = { queue: 'review-queue' };

function widgetBuild(name: (typeof WIDGETS)[number]): UserConfig {
  return {
    resolve: { alias: browserFetch },
    // `kinds.json` beside the bundles, for Python (each widget build writes the same file); and
    // Terser after Rolldown's minifier, for the size budgets.
    plugins: [signOffKindsJson(), terserPass()],
    build: {
      outDir: 'python/alyx_qc/static',
      // The widget builds share the folder (one entry each, see below): none may empty it.
      emptyOutDir: false,
      target: 'es2022',
      minify: true,
      lib: { entry: `js/widget/${WIDGET_ENTRIES[name] ?? name}.ts`, formats: ['es'], fileName: () => `${name}.js` },
      // One file: a widget's ESM is loaded by URL and must not import sibling chunks (so one entry
      // per build: Rolldown inlines everything only for a single input). Vite leaves
      // whitespace in ES library output; the output minifier takes it out too.
      rolldownOptions: {
        output: { codeSplitting: false, minify: true },
        // Terser takes most of the build's few seconds, as expected: no timing report for it.
        checks: { pluginTimings: false },
      },
    },
  };
}

function libBuild(): UserConfig {
  return {
    build: {
      outDir: 'dist',
      // The first step of `npm run build`: start clean, so no chunk of an older build lingers;
      // `dist/observable/` and `dist/types/` are written by the steps after it.
      emptyOutDir: true,
      target: 'es2022',
      minify: true,
      sourcemap: true,
      lib: {
        entry: {
          'core/index': 'js/core/index.ts',
          'elements/index': 'js/elements/index.ts',
          'cli/main': 'js/cli/main.ts',
        },
        formats: ['es'],
      },
      rolldownOptions: {
        // cross-fetch is only the Node fallback (browsers and Node 18+ have fetch); lit is a
        // dependency the app's bundler dedupes.
        external: ['cross-fetch', 'lit', /^lit\//, /^@lit\//, /^node:/],
        output: { chunkFileNames: 'chunks/[name]-[hash].js', minify: true },
      },
    },
  };
}

function observableBuild(): UserConfig {
  return {
    resolve: { alias: browserFetch },
    build: {
      outDir: 'dist/observable',
      emptyOutDir: true,
      target: 'es2022',
      minify: true,
      sourcemap: true,
      lib: { entry: 'js/observable/index.ts', formats: ['es'], fileName: () => 'index.js' },
      // keepNames: Observable's inspector shows a value's class (`alyx = AlyxClient {…}`), and errors keep theirs.
      rolldownOptions: { output: { codeSplitting: false, keepNames: true, minify: true } },
    },
  };
}

function buildFor(mode: string): UserConfig {
  const widget = WIDGETS.find((name) => mode === `widget-${name}`);
  if (widget) return widgetBuild(widget);
  if (mode === 'observable') return observableBuild();
  return libBuild();
}

export default defineConfig(({ mode }) => {
  const config = buildFor(mode);
  return { ...config, plugins: [minifyTemplates(), ...(config.plugins ?? [])] };
});
