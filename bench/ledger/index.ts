import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { newId } from '../../db/src/ids.ts';
import { LedgerService } from '../../db/src/modules/ledger/ledger.service.ts';
import type { TransferInput } from '../../db/src/modules/ledger/ledger.types.ts';
import { createTestEnvironment, prepareTemplateDatabase } from '../../db/src/testing/databases.ts';
import { assertLedgerInvariants } from '../../db/src/testing/ledger-invariants.ts';
import { closedLoop, openLoop, type LoadReport, type LoadTarget } from './load.ts';
import { machineBusyMicroseconds } from '../lib/machine.ts';
import { runPgbench } from '../lib/pgbench.ts';
import { collectionsBetween, type GarbageCollections } from '../lib/garbage-collections.ts';
import { benchProcessEnvironment, startBenchProcess } from '../lib/bench-process.ts';
import { watchStorageBeside, type StorageStalls, type StorageWatch } from '../lib/storage-stalls.ts';

/**
 * `npm run bench -- ledger [--duration=10] [--accounts=10000]`: ledger transfers through the HTTP API
 * on a throwaway database, API in its own process, then pgbench's TPC-B on the same server for scale.
 * Every loop is bounded by its duration; the ledger is verified at the end.
 */
const flag = (name: string, fallback: number) => {
  const value = process.argv.find((argument) => argument.startsWith(`--${name}=`))?.split('=')[1];
  return value === undefined ? fallback : Number(value);
};
const durationSeconds = Math.min(flag('duration', 10), 120);
const accountCount = Math.min(flag('accounts', 10_000), 100_000);

await prepareTemplateDatabase();
const environment = await createTestEnvironment({ DATABASE_POOL_MAX: '10', RATE_LIMIT_MAX_PER_MINUTE: '1000000000', LOG_LEVEL: 'silent' });
const ledger = new LedgerService(environment.database);
const report: Record<string, unknown> = { machine: { cpus: (await import('node:os')).cpus().length, loadAverage: (await import('node:os')).loadavg() }, durationSeconds, accountCount };

// The API in a process of its own, compiled and run as production runs it (bench/lib/bench-process.ts); its first
// message gives its port and an operator token. BENCH_CPU_PROFILE=<folder> writes a V8 CPU profile of it there.
let server: ChildProcess | undefined;
let storage: StorageWatch | undefined;
try {
  const api = await startBenchProcess(new URL('./server.ts', import.meta.url), {
    environment: benchProcessEnvironment(environment, { DATABASE_POOL_MAX: '10', RATE_LIMIT_MAX_PER_MINUTE: '1000000000' }),
    platform: true,
    cpuProfileFolder: process.env.BENCH_CPU_PROFILE,
  });
  server = api.child;
  const { port, token } = api.message as { port: number; token: string };

  console.log(`Opening and funding ${accountCount} wallets ...`);
  const world = await ledger.openAccount({ kind: 'world', currency: 'EUR' });
  const escrow = await ledger.openAccount({ kind: 'escrow', currency: 'EUR' });
  const wallets: string[] = [];
  for (let start = 0; start < accountCount; start += 50) {
    const opened = await Promise.all(Array.from({ length: Math.min(50, accountCount - start) }, () => ledger.openAccount({ kind: 'shopper_wallet', currency: 'EUR', ownerId: newId() })));
    wallets.push(...opened.map((account) => account.id));
  }
  for (let start = 0; start < wallets.length; start += 5_000) {
    await ledger.record(wallets.slice(start, start + 5_000).map((wallet) => ({ id: newId(), debitAccountId: world.id, creditAccountId: wallet, amountMinor: 1_000_000_000, currency: 'EUR', reason: 'top_up' })));
  }

  const randomWallet = () => wallets[Math.floor(Math.random() * wallets.length)]!;
  const uniformTransfer = (): TransferInput => {
    const debitAccountId = randomWallet();
    let creditAccountId = randomWallet();
    while (creditAccountId === debitAccountId) creditAccountId = randomWallet();
    return { id: newId(), debitAccountId, creditAccountId, amountMinor: 1 + Math.floor(Math.random() * 100), currency: 'EUR', reason: 'bench_uniform' };
  };
  const hotTransfer = (): TransferInput => ({ id: newId(), debitAccountId: randomWallet(), creditAccountId: escrow.id, amountMinor: 1 + Math.floor(Math.random() * 100), currency: 'EUR', reason: 'bench_hot' });
  const target = (make: () => TransferInput, perRequest: number): LoadTarget => ({
    port,
    path: '/api/admin/operator/ledger/transfers',
    headers: { authorization: `Bearer ${token}` },
    transfersPerRequest: perRequest,
    nextBody: () => JSON.stringify({ transfers: Array.from({ length: perRequest }, make) }),
  });

  const scenarios: [string, () => Promise<LoadReport>][] = [
    ['warm-up (not reported)', () => closedLoop(target(uniformTransfer, 1), 16, Math.min(3, durationSeconds))],
    ['uniform, closed loop, 64 connections, 1 transfer/request', () => closedLoop(target(uniformTransfer, 1), 64, durationSeconds)],
    ['uniform, closed loop, 32 connections, 10 transfers/request', () => closedLoop(target(uniformTransfer, 10), 32, durationSeconds)],
    ['uniform, open loop, 2,000 requests/s offered, 1 transfer/request', () => openLoop(target(uniformTransfer, 1), 2_000, durationSeconds)],
    ['hot account, closed loop, 64 connections, 1 transfer/request', () => closedLoop(target(hotTransfer, 1), 64, durationSeconds)],
    ['hot account, open loop, 2,000 requests/s offered, 1 transfer/request', () => openLoop(target(hotTransfer, 1), 2_000, durationSeconds)],
  ];
  // The same uniform load without HTTP: callers in this process straight into the batching writer.
  const inProcess = async (callers: number): Promise<LoadReport> => {
    const latencies: number[] = [];
    const started = performance.now();
    const deadline = started + durationSeconds * 1000;
    await Promise.all(
      Array.from({ length: callers }, async () => {
        while (performance.now() < deadline) {
          const sentAt = performance.now();
          await ledger.record([uniformTransfer()]);
          latencies.push(performance.now() - sentAt);
        }
      }),
    );
    latencies.sort((a, b) => a - b);
    const seconds = (performance.now() - started) / 1000;
    const at = (fraction: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(fraction * latencies.length))]! * 100) / 100;
    return {
      requests: latencies.length,
      transfers: latencies.length,
      failures: 0,
      seconds,
      requestsPerSecond: Math.round(latencies.length / seconds),
      transfersPerSecond: Math.round(latencies.length / seconds),
      latencyP50Ms: at(0.5),
      latencyP99Ms: at(0.99),
      latencyMaxMs: at(1),
    };
  };
  scenarios.push(['uniform, no HTTP: 256 callers in process through the batching writer', () => inProcess(256)]);
  const apiUsage = () =>
    new Promise<{ cpuMicroseconds: number; collections: GarbageCollections }>((resolve) => {
      const listener = (message: unknown) => {
        if (typeof message === 'object' && message && 'cpuMicroseconds' in message) {
          api.child.off('message', listener);
          resolve(message as { cpuMicroseconds: number; collections: GarbageCollections });
        }
      };
      api.child.on('message', listener);
      api.child.send('cpu');
    });
  // The disk under PostgreSQL beside each scenario, where this process can see it: a commit waits for its WAL flush,
  // and on a host that lets the kernel's dirty pages pile up a writeback burst holds that flush for tens of ms.
  storage = await watchStorageBeside(environment.database.pool);
  type ScenarioReport = LoadReport & {
    apiCpuMicrosecondsPerRequest: number;
    apiCollections: GarbageCollections;
    storage?: StorageStalls;
    loadGeneratorCpuMicrosecondsPerRequest: number;
    machineCpuMicrosecondsPerTransfer: number;
  };
  const results: Record<string, ScenarioReport> = {};
  for (const [name, run] of scenarios) {
    await storage?.measure();
    const apiBefore = await apiUsage();
    const machineBefore = machineBusyMicroseconds();
    const loadGeneratorBefore = process.cpuUsage();
    const result = await run();
    const loadGeneratorUsage = process.cpuUsage(loadGeneratorBefore);
    const loadGeneratorCpuMicrosecondsPerRequest = Math.round((loadGeneratorUsage.user + loadGeneratorUsage.system) / Math.max(result.requests, 1));
    const machineCpuMicrosecondsPerTransfer = Math.round((machineBusyMicroseconds() - machineBefore) / Math.max(result.transfers, 1));
    const apiAfter = await apiUsage();
    const storageStalls = await storage?.measure();
    // In process, the API is idle: its CPU per request is meaningful only for the HTTP scenarios.
    const apiCpuMicrosecondsPerRequest = Math.round((apiAfter.cpuMicroseconds - apiBefore.cpuMicroseconds) / Math.max(result.requests, 1));
    // The full collections the API met during the scenario: an open loop's tail follows them, as it follows the disk's slow flushes.
    const apiCollections = collectionsBetween(apiBefore.collections, apiAfter.collections);
    if (!name.startsWith('warm-up')) results[name] = { ...result, apiCpuMicrosecondsPerRequest, apiCollections, storage: storageStalls, loadGeneratorCpuMicrosecondsPerRequest, machineCpuMicrosecondsPerTransfer };
    console.log(
      `${name}: ${result.transfersPerSecond} transfers/s (${result.requestsPerSecond} req/s), p50 ${result.latencyP50Ms} ms, p99 ${result.latencyP99Ms} ms, max ${result.latencyMaxMs} ms, ` +
        `failures ${result.failures}, API CPU ${apiCpuMicrosecondsPerRequest} µs/request, API full collections ${apiCollections.fullCollections} (${apiCollections.fullCollectionPauseMs} ms), ` +
        (storageStalls ? `slowest disk flush ${storageStalls.slowestFlushMs} ms (dirty backlog up to ${storageStalls.largestDirtyBacklogMb} MB), ` : '') +
        `load generator ${loadGeneratorCpuMicrosecondsPerRequest} µs/request, machine CPU ${machineCpuMicrosecondsPerTransfer} µs/transfer`,
    );
  }
  report.scenarios = results;

  const started = performance.now();
  await assertLedgerInvariants(environment.database);
  const verification = await ledger.verify();
  report.verification = { ...verification, seconds: Math.round(performance.now() - started) / 1000 };
  console.log(`Ledger verified: ${JSON.stringify(report.verification)}`);
} finally {
  await storage?.stop();
  if (server) {
    const exited = new Promise((resolve) => server!.once('exit', resolve));
    server.send('close');
    await exited;
  }
  await ledger.close();
  await environment.cleanup();
}

// pgbench's TPC-B-like run on the same server, for a sense of what this machine's PostgreSQL does.
const [pgbench] = await runPgbench([8], Math.min(durationSeconds, 10));
report.pgbench = { tps: pgbench!.tps, latencyAverageMs: pgbench!.latencyAverageMs, clients: 8, threads: pgbench!.threads, scale: pgbench!.scale };
console.log(`pgbench TPC-B (scale 10, 8 clients, 2 threads): ${pgbench!.tps} tps, average latency ${pgbench!.latencyAverageMs} ms`);

mkdirSync(new URL('../results/', import.meta.url), { recursive: true });
writeFileSync(new URL('../results/ledger.json', import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
console.log('Wrote bench/results/ledger.json');
process.exit(0);
