import { buildApp } from '../../api/src/app.ts';
import { loadConfig } from '../../db/src/config.ts';
import { benchOperatorToken } from '../lib/operator-token.ts';
import { countGarbageCollections } from '../lib/garbage-collections.ts';

/**
 * The API in a process of its own for the ledger benchmark (forked with IPC by index.ts), so that the
 * load generator does not share its event loop. Answers with its port and an operator token, and with
 * its CPU time and garbage collections so far when asked ('cpu').
 */
const collections = countGarbageCollections();
const app = await buildApp(loadConfig());
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
process.send?.({ port, token: await benchOperatorToken(app) });
process.on('message', (message) => {
  if (message === 'close') void app.close().then(() => process.exit(0));
  // Its CPU time and collections so far, so that the benchmark can report the API's CPU per request and
  // the full collections each scenario met.
  if (message === 'cpu') {
    const usage = process.cpuUsage();
    process.send?.({ cpuMicroseconds: usage.user + usage.system, collections: collections.snapshot() });
  }
});
process.on('disconnect', () => void app.close().then(() => process.exit(0)));
