import { buildApp } from '../../api/src/app.ts';
import { loadConfig } from '../../db/src/config.ts';

/**
 * The API in a process of its own for the checkout benchmark (forked with IPC by index.ts); answers with
 * its port, and with its CPU time used so far when asked ('cpu'), so that the benchmark can report CPU
 * per order whatever else the machine is running.
 */
const app = await buildApp(loadConfig());
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
const close = () => void app.close().then(() => process.exit(0));
process.on('message', (message) => {
  if (message === 'close') close();
  if (message === 'cpu') {
    const usage = process.cpuUsage();
    process.send?.({ cpuMicroseconds: usage.user + usage.system });
  }
});
process.on('disconnect', close);
