/**
 * Serves the example notebook. Run from the repository, after `npm run build`:
 *
 *   node --import tsx examples/observable/serve.ts                  # Observable runtime page + development Alyx
 *   node --import tsx examples/observable/serve.ts --notebook-kit   # the Notebook Kit notebook, in its preview server
 *   node --import tsx examples/observable/serve.ts --alyx https://alyx.internationalbrainlab.org --eid <eid>
 *
 * Without --alyx it starts the development Alyx (run `bash scripts/setup.sh` once), allowing the
 * page's origin by CORS as an Alyx administrator would; log in as test_user / TapetesBloc18. With
 * --alyx, your Alyx sits behind a same-origin proxy at /alyx (a stock Alyx sends no CORS
 * headers), so the browser never makes a cross-origin request.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startAlyx } from '../../dev/alyx-server/start.ts';
import { startNotebookKitServer } from './notebook-kit-server.ts';
import { startNotebookServer } from './server.ts';

const SEEDED_SESSION = 'd9e994e1-c4aa-4d58-a958-c247286598f6';

const { values } = parseArgs({
  options: {
    alyx: { type: 'string' },
    eid: { type: 'string' },
    port: { type: 'string' },
    'notebook-kit': { type: 'boolean', default: false },
  },
});

if (!existsSync(new URL('../../dist/observable/index.js', import.meta.url))) {
  console.error('[alyx-qc] dist/observable/index.js is missing: run `npm run build` first.');
  process.exit(1);
}

const kit = values['notebook-kit'];
const port = Number(values.port ?? (kit ? 5173 : 8000));
const stops: (() => Promise<void>)[] = [];
const query = new URLSearchParams({ alyx: '/alyx', eid: values.eid ?? SEEDED_SESSION });
let origin: string;
let notebookUrl: string;

if (kit) {
  // Notebook Kit's preview server, reaching Alyx through its /alyx proxy.
  const alyx = values.alyx ? undefined : await startAlyx();
  if (alyx) stops.push(() => alyx.stop());
  const server = await startNotebookKitServer({ port, alyxTarget: values.alyx ?? alyx?.baseUrl });
  stops.push(() => server.stop());
  ({ origin, notebookUrl } = server);
} else {
  const server = await startNotebookServer({ port, alyxTarget: values.alyx });
  stops.push(() => server.stop());
  ({ origin, notebookUrl } = server);
  if (!values.alyx) {
    // The development Alyx allows this page's origin by CORS, as an Alyx administrator would.
    const alyx = await startAlyx({ corsOrigins: [server.origin] });
    stops.push(() => alyx.stop());
    server.alyxTarget = alyx.baseUrl;
    query.set('alyx', alyx.baseUrl);
    console.log(`Development Alyx at ${alyx.baseUrl}, allowing ${origin} by CORS.`);
  }
}
if (values.alyx) console.log(`Proxying ${origin}/alyx/ to ${values.alyx}.`);
else console.log('Log in as test_user, password TapetesBloc18.');
console.log(`Open ${notebookUrl}?${query} (Ctrl-C to stop)`);

const stop = async (): Promise<void> => {
  await Promise.all(stops.map((fn) => fn()));
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
