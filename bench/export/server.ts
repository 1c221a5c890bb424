import { buildApp } from '../../api/src/app.ts';
import { loadConfig } from '../../db/src/config.ts';
import { benchOperatorToken } from '../lib/operator-token.ts';

/**
 * The API in a process of its own for the export benchmark (forked with IPC by index.ts), so that its
 * memory is measured alone. Samples its RSS and heap between `sample-start` and `sample-stop`, and once a
 * second its live heap (after a forced full collection, hence --expose-gc).
 */
const app = await buildApp(loadConfig());
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;

interface Sampling {
  timer: NodeJS.Timeout;
  liveTimer: NodeJS.Timeout;
  start: NodeJS.MemoryUsage;
  peakRssBytes: number;
  peakHeapUsedBytes: number;
  /** Heap after a full collection: what the process really holds, not garbage awaiting the collector. */
  peakLiveHeapBytes: number;
  samples: number;
}

const LIVE_HEAP_EVERY_MS = 1_000;

function sampleLive(current: Sampling): void {
  globalThis.gc?.();
  current.peakLiveHeapBytes = Math.max(current.peakLiveHeapBytes, process.memoryUsage().heapUsed);
}
let sampling: Sampling | null = null;

function sample(current: Sampling): void {
  const usage = process.memoryUsage();
  current.peakRssBytes = Math.max(current.peakRssBytes, usage.rss);
  current.peakHeapUsedBytes = Math.max(current.peakHeapUsedBytes, usage.heapUsed);
  current.samples += 1;
}

process.on('message', (message: { type: string; intervalMs?: number }) => {
  if (message.type === 'sample-start') {
    globalThis.gc?.();
    const start = process.memoryUsage();
    sampling = {
      start,
      peakRssBytes: start.rss,
      peakHeapUsedBytes: start.heapUsed,
      peakLiveHeapBytes: start.heapUsed,
      samples: 0,
      timer: setInterval(() => sample(sampling!), message.intervalMs ?? 25),
      liveTimer: setInterval(() => sampleLive(sampling!), LIVE_HEAP_EVERY_MS),
    };
  } else if (message.type === 'sample-stop' && sampling) {
    clearInterval(sampling.timer);
    clearInterval(sampling.liveTimer);
    sample(sampling);
    const end = process.memoryUsage();
    process.send?.({
      type: 'samples',
      startRssBytes: sampling.start.rss,
      startHeapUsedBytes: sampling.start.heapUsed,
      peakRssBytes: sampling.peakRssBytes,
      peakHeapUsedBytes: sampling.peakHeapUsedBytes,
      peakLiveHeapBytes: sampling.peakLiveHeapBytes,
      endRssBytes: end.rss,
      endHeapUsedBytes: end.heapUsed,
      samples: sampling.samples,
    });
    sampling = null;
  } else if (message.type === 'close') {
    void app.close().then(() => process.exit(0));
  }
});
process.on('disconnect', () => void app.close().then(() => process.exit(0)));
process.send?.({ type: 'ready', port, token: await benchOperatorToken(app) });
