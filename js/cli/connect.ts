/**
 * Logging in for a command: the credentials resolved from flags, environment and ONE, with the
 * username and the password asked at the terminal when missing, and one more chance when a
 * saved token turns out to be stale.
 */
import { AlyxClient, AlyxQcError } from '../core/index.ts';
import type { Credentials } from './credentials.ts';
import { UsageError } from './exit-codes.ts';
import type { LinePrompter } from './line-prompter.ts';
import { pythonStrip } from './python-text.ts';

const NO_SECRET_HELP =
  'set ALYX_TOKEN (or ALYX_PASSWORD, for automation), or log in once with ONE so that its token is cached, or run alyx-qc in a terminal to be asked for the password';

async function username(credentials: Credentials, prompter: LinePrompter): Promise<string> {
  if (credentials.username !== undefined) return credentials.username;
  if (!prompter.isTerminal) throw new UsageError(`no Alyx username: pass --user or set ALYX_LOGIN (and ${NO_SECRET_HELP}).`);
  // ONE's wording; a username is case-sensitive, so it is only stripped.
  return pythonStrip(await prompter.ask('Enter Alyx username: '));
}

async function askPassword(user: string, prompter: LinePrompter): Promise<string> {
  return prompter.askSecret(`Enter Alyx password for "${user}": `);
}

async function login(credentials: Credentials, prompter: LinePrompter): Promise<AlyxClient> {
  const user = await username(credentials, prompter);
  const { token, password } = credentials;
  if (token !== undefined) {
    return AlyxClient.login(credentials.baseUrl, password !== undefined ? { username: user, token, password } : { username: user, token });
  }
  if (password !== undefined) return AlyxClient.login(credentials.baseUrl, { username: user, password });
  if (!prompter.isTerminal) throw new UsageError(`no Alyx credentials for ${user} on ${credentials.baseUrl}: ${NO_SECRET_HELP}.`);
  return AlyxClient.login(credentials.baseUrl, { username: user, password: await askPassword(user, prompter) });
}

/**
 * Logs in and runs `work` with the client. A token is only tried by the first request, which
 * every command makes before asking or writing anything; if Alyx refuses it and a person is at
 * the terminal, ask for the password and run `work` again from the start.
 */
export async function withClient<T>(credentials: Credentials, prompter: LinePrompter, work: (client: AlyxClient) => Promise<T>): Promise<T> {
  const client = await login(credentials, prompter);
  try {
    return await work(client);
  } catch (error) {
    const stale = error instanceof AlyxQcError && error.code === 'auth' && credentials.token !== undefined && !client.canReauthenticate;
    if (!stale || !prompter.isTerminal) throw error;
    prompter.say(`Alyx refused the token from ${credentials.tokenSource ?? 'the saved parameters'}; log in again.`);
    const fresh = await AlyxClient.login(credentials.baseUrl, { username: client.user, password: await askPassword(client.user, prompter) });
    return work(fresh);
  }
}
