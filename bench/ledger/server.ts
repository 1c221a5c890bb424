import { buildApp } from '../../api/src/app.ts';
import { loadConfig } from '../../db/src/config.ts';
import { benchOperatorToken } from '../lib/operator-token.ts';

/**
 * The API in a process of its own for the ledger benchmark (forked with IPC by index.ts), so that the
 * load generator does not share its event loop. Answers with its port and an operator token.
 */
const app = await buildApp(loadConfig(), { logger: false });
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
process.send?.({ port, token: await benchOperatorToken(app) });
process.on('message', (message) => {
  if (message === 'close') void app.close().then(() => process.exit(0));
});
process.on('disconnect', () => void app.close().then(() => process.exit(0)));
