/**
 * What every view of a widget starts with: an id of its own and an Alyx client over the kernel
 * relay (the page never talks to Alyx, and never holds the token). Extracted for the review
 * queue from `widget-view.ts`, whose single-session views do the same.
 */
import type { AnyModel } from '@anywidget/types';
import { AlyxClient } from '../core/client.ts';
import { KernelRelay } from './kernel-transport.ts';

/** The client's per-request timeout: longer than the relay's, so the relay's clearer message wins. */
const CLIENT_TIMEOUT_MS = 60_000;

/** A random id per view (getRandomValues, unlike randomUUID, also exists on plain-http pages: a remote JupyterHub). */
export function randomViewId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(8)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The view's relay and its client, logged in as `user` (the relay authenticates: `login` sends nothing). */
export function relayedClient(model: AnyModel, viewId: string, baseUrl: string, user: string): { relay: KernelRelay; client: Promise<AlyxClient> } {
  const relay = new KernelRelay(model, { idPrefix: viewId });
  const client = AlyxClient.login(baseUrl, { username: user, transportAuthenticates: true }, { transport: relay.transport, timeoutMs: CLIENT_TIMEOUT_MS });
  // Failures surface when the client is first used; do not report them as unhandled here.
  client.catch(() => undefined);
  return { relay, client };
}
