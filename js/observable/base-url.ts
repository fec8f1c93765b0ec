/**
 * Base URLs as a notebook page may give them. Besides the absolute URL of an Alyx that allows
 * the page's origin by CORS, a page can reach Alyx through a proxy on its own origin, and then
 * the natural way to say so is a path such as "/alyx": resolved here against the page.
 */
import { normaliseBaseUrl } from '../core/client.ts';

/** `baseUrl` made absolute against the page (`document.baseURI`) when it is a path, then normalised. */
export function resolveBaseUrl(baseUrl: string): string {
  const relative = /^(\/|\.\.?\/)/.test(baseUrl.trim());
  if (relative && typeof document !== 'undefined') return normaliseBaseUrl(new URL(baseUrl.trim(), document.baseURI).href);
  return normaliseBaseUrl(baseUrl);
}
