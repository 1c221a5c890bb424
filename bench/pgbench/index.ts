import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { runPgbench } from '../lib/pgbench.ts';

/**
 * `npm run bench -- pgbench [--duration=5]`: pgbench TPC-B at 1, 8 and 32 clients, the reference beside
 * which docs/performance.md reads the checkout's orders/s (a paid order is three HTTP requests and a few
 * transactions; a TPC-B transaction is five statements). `npm run bench` runs it next to `checkout`.
 */
const durationFlag = process.argv.find((argument) => argument.startsWith('--duration='))?.split('=')[1];
const seconds = Math.min(Math.max(Number(durationFlag ?? 5) || 5, 1), 60);
const loadAverageBefore = os.loadavg();
const levels = await runPgbench([1, 8, 32], seconds);
console.table(levels.map((level) => ({ clients: level.clients, threads: level.threads, tps: level.tps, 'latency avg ms': level.latencyAverageMs })));
const report = { benchmark: 'pgbench', measuredAt: new Date().toISOString(), loadAverageBefore, loadAverageAfter: os.loadavg(), levels };
mkdirSync(new URL('../results/', import.meta.url), { recursive: true });
writeFileSync(new URL('../results/pgbench.json', import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
console.log('Wrote bench/results/pgbench.json');
