// Browser tests for js/elements, in Debian's Chromium (no browser download: the machine has no
// internet besides package registries). `npm run test:browser`; `ALYX_QC_SCREENSHOTS=1` also
// writes the PNGs under docs/screenshots/ (see js/elements/screenshots.test.ts).
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  // Screenshots must not depend on the machine's font hinting or colour profile.
  '--font-render-hinting=none',
  '--force-color-profile=srgb',
];

/**
 * `executeServerCommand('alyx-qc-screenshot', {path, selector?})` from a test: saves a PNG of the
 * element matching `selector` (or the viewport) when ALYX_QC_SCREENSHOTS is set, else does nothing,
 * so ordinary runs never rewrite the committed images.
 */
function screenshotPlugin() {
  return {
    name: 'alyx-qc-screenshot',
    async executeCommand({ command, payload, session }) {
      if (command !== 'alyx-qc-screenshot') return undefined;
      if (!process.env.ALYX_QC_SCREENSHOTS) return false;
      const { path, selector } = payload;
      if (!/^docs\/screenshots\/[\w-]+\.png$/.test(path)) throw new Error(`[alyx-qc] refusing to write screenshot to ${path}`);
      const page = session.browser.getPage(session.id);
      const file = resolve(process.cwd(), path);
      await mkdir(dirname(file), { recursive: true });
      if (selector) {
        const handle = await page.$(selector);
        if (!handle) throw new Error(`[alyx-qc] no element matches ${selector}`);
        await handle.screenshot({ path: file });
      } else {
        await page.screenshot({ path: file });
      }
      return true;
    },
  };
}

/** Browsers have fetch: the core's Node fallback (cross-fetch) becomes the page's, as in vite.config.ts. */
function browserFetchPlugin() {
  return {
    name: 'alyx-qc-browser-fetch',
    resolveImport({ source }) {
      return source === 'cross-fetch' ? '/js/core/platform-fetch.ts' : undefined;
    },
  };
}

export default {
  // The widget's views that need a page are `*.browser-test.ts` (js/widget/*.test.ts run in Node).
  files: ['js/elements/**/*.test.ts', 'js/widget/**/*.browser-test.ts'],
  // Lit's development build: it warns about mistakes such as class fields shadowing properties.
  nodeResolve: true,
  filterBrowserLogs: ({ args }) => !String(args[0]).startsWith('Lit is in dev mode'),
  // Two cores: one browser page at a time keeps timings (and focus) predictable.
  concurrency: 1,
  testFramework: { config: { timeout: 5000 } },
  browsers: [chromeLauncher({ launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS } })],
  plugins: [esbuildPlugin({ ts: true, target: 'es2022' }), screenshotPlugin(), browserFetchPlugin()],
};
