/**
 * Stands in for `cross-fetch` in the Observable bundle (see vite.config.ts): browsers have
 * `fetch`, so the core's Node fallback becomes the platform's own, looked up at call time.
 */
const platformFetch: typeof fetch = (input, init) => globalThis.fetch(input, init);

export default platformFetch;
