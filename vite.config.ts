/**
 * Two builds, picked with `--mode`:
 * - `widget`: the anywidget front end as ONE self-contained ES module (Lit included, no imports
 *   left, nothing from a CDN) written into the Python package, which ships it in the wheel.
 * - `lib` (default): the npm package's entry points in `dist/`: the core (Node and browsers, no
 *   DOM), the elements, the Observable helpers as a browser-ready module with Lit bundled, and
 *   the command line (Node only).
 */
import { defineConfig } from 'vite';

export default defineConfig(({ mode }) => {
  if (mode === 'widget') {
    return {
      build: {
        outDir: 'python/alyx_qc/static',
        emptyOutDir: true,
        target: 'es2022',
        minify: true,
        lib: { entry: 'js/widget/index.ts', formats: ['es'], fileName: () => 'widget.js' },
        rollupOptions: { output: { inlineDynamicImports: true } },
      },
    };
  }
  return {
    build: {
      outDir: 'dist',
      emptyOutDir: false,
      target: 'es2022',
      minify: true,
      sourcemap: true,
      lib: {
        entry: {
          'core/index': 'js/core/index.ts',
          'elements/index': 'js/elements/index.ts',
          'observable/index': 'js/observable/index.ts',
          'cli/main': 'js/cli/main.ts',
        },
        formats: ['es'],
      },
      rollupOptions: {
        // cross-fetch is only the Node fallback: browsers and Node 18+ have fetch.
        external: ['cross-fetch', /^node:/],
      },
    },
  };
});
