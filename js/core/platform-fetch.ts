/**
 * Stands in for `cross-fetch` in the browser bundles, the widget's and Observable's (see
 * vite.config.ts): browsers have
 * `fetch`, so the core's Node fallback becomes the platform's own, looked up at call time.
 */
const platformFetch: typeof fetch = (input, init) => globalThis.fetch(input, init);

export default platformFetch;
