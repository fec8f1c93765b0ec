/**
 * Serves the example notebook. Run from the repository, after `npm run build`:
 *
 *   node --import tsx examples/observable/serve.ts                 # with the development Alyx
 *   node --import tsx examples/observable/serve.ts --alyx https://alyx.internationalbrainlab.org --eid <eid>
 *
 * The first starts the development Alyx (run `bash scripts/setup.sh` once) allowing this page's
 * origin by CORS, as an Alyx administrator would; log in as test_user / TapetesBloc18. The second
 * puts your Alyx behind a same-origin proxy at /alyx (a stock Alyx sends no CORS headers), so the
 * notebook calls "/alyx" and the browser never makes a cross-origin request.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startAlyx } from '../../dev/alyx-server/start.ts';
import { startNotebookServer } from './server.ts';

const SEEDED_SESSION = 'd9e994e1-c4aa-4d58-a958-c247286598f6';

const { values } = parseArgs({
  options: {
    alyx: { type: 'string' },
    eid: { type: 'string' },
    port: { type: 'string', default: '8000' },
  },
});

if (!existsSync(new URL('../../dist/observable/index.js', import.meta.url))) {
  console.error('[alyx-qc] dist/observable/index.js is missing: run `npm run build` first.');
  process.exit(1);
}

const server = await startNotebookServer({ port: Number(values.port), alyxTarget: values.alyx });
const stops = [() => server.stop()];
const query = new URLSearchParams();
if (values.alyx) {
  query.set('alyx', '/alyx');
  if (values.eid) query.set('eid', values.eid);
  console.log(`Proxying ${server.origin}/alyx/ to ${values.alyx}.`);
} else {
  const alyx = await startAlyx({ corsOrigins: [server.origin] });
  stops.push(() => alyx.stop());
  query.set('alyx', alyx.baseUrl);
  query.set('eid', values.eid ?? SEEDED_SESSION);
  console.log(`Development Alyx at ${alyx.baseUrl}, allowing ${server.origin} by CORS. Log in as test_user / TapetesBloc18.`);
}
console.log(`Open ${server.notebookUrl}?${query} (Ctrl-C to stop)`);

const stop = async (): Promise<void> => {
  await Promise.all(stops.map((fn) => fn()));
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
