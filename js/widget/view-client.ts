/**
 * What every view of a widget starts with: an id of its own and an Alyx client over the kernel
 * relay (the page never talks to Alyx, and never holds the token: the client is the REST half
 * alone, with no login code). Shared by the single-session views and the review queue's.
 */
import type { AnyModel } from '@anywidget/types';
import { AlyxRestClient } from '../core/rest-client.ts';
import { KernelRelay } from './kernel-transport.ts';

/** The client's per-request timeout: longer than the relay's, so the relay's clearer message wins. */
const CLIENT_TIMEOUT_MS = 60_000;

/** A random id per view (getRandomValues, unlike randomUUID, also exists on plain-http pages: a remote JupyterHub). */
export function randomViewId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(8)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The view's relay, and a client whose requests it relays as `user` (Python checked `baseUrl` and adds the token). */
export function relayedClient(model: AnyModel, viewId: string, baseUrl: string, user: string): { relay: KernelRelay; client: AlyxRestClient } {
  const relay = new KernelRelay(model, { idPrefix: viewId });
  return { relay, client: new AlyxRestClient(baseUrl, user, { transport: relay.transport, timeoutMs: CLIENT_TIMEOUT_MS }) };
}
