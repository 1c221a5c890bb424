import { buildApp } from '../../api/src/app.ts';
import { loadConfig } from '../../db/src/config.ts';

/**
 * The API in a process of its own for the tracking benchmark (forked with IPC by index.ts): answers with
 * its port, and with its memory, CPU time and live-update counters when asked ('stats').
 */
const app = await buildApp(loadConfig());
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
const close = () => void app.close().then(() => process.exit(0));
process.on('message', (message) => {
  if (message === 'close') close();
  if (message === 'stats') {
    const usage = process.cpuUsage();
    const memory = process.memoryUsage();
    process.send?.({ stats: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, cpuMicroseconds: usage.user + usage.system, realtime: app.realtime.stats() } });
  }
});
process.on('disconnect', close);
