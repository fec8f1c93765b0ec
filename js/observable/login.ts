/**
 * Logging in from a notebook page: the base URL may be a path to a same-origin proxy, and a
 * request the browser blocked is explained (CORS, unreachable, mixed content) rather than
 * surfacing as a bare "Failed to fetch".
 */
import { AlyxClient, type AlyxClientOptions, type AlyxCredentials } from '../core/client.ts';
import { fetchTransport, type Transport } from '../core/transport.ts';
import { resolveBaseUrl } from './base-url.ts';
import { explainNetworkError } from './cors.ts';

/**
 * `AlyxClient.login` for notebooks: `baseUrl` may also be a path such as `"/alyx"` (a proxy on
 * the page's own origin), and network failures are explained. Resolves with the client.
 */
export async function login(baseUrl: string, credentials: AlyxCredentials, options: AlyxClientOptions = {}): Promise<AlyxClient> {
  try {
    return await AlyxClient.login(resolveBaseUrl(baseUrl), credentials, options);
  } catch (error) {
    throw await explainNetworkError(error);
  }
}

/**
 * Logs in with a password and returns a client that holds only the token (not the password),
 * and the token itself for the opt-in "remember me". The client keeps its token private, so the
 * token is read from the `/auth-token` answer on its way through the transport.
 */
export async function loginForToken(
  baseUrl: string,
  credentials: { readonly username: string; readonly password: string },
  options: AlyxClientOptions = {},
): Promise<{ client: AlyxClient; token: string }> {
  const transport = options.transport ?? fetchTransport();
  let token: string | undefined;
  const capture: Transport = async (request) => {
    const response = await transport(request);
    if (request.method === 'POST' && request.url.endsWith('/auth-token') && response.status === 200) {
      try {
        const body = JSON.parse(response.body) as { token?: unknown };
        if (typeof body.token === 'string') token = body.token;
      } catch {
        // The client reports a body that is not JSON; nothing to capture.
      }
    }
    return response;
  };
  const checked = await login(baseUrl, credentials, { ...options, transport: capture });
  if (token === undefined) throw new Error('[alyx-qc] Logged in, but the token could not be read from the answer of /auth-token.');
  const client = await AlyxClient.login(checked.baseUrl, { username: credentials.username, token }, { ...options, transport });
  return { client, token };
}
