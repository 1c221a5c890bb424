import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { newId } from '../../db/src/ids.ts';
import { seedBenchShop } from '../lib/bench-shop.ts';
import { benchProcessEnvironment, startBenchProcess } from '../lib/bench-process.ts';
import { LedgerService } from '../../db/src/modules/ledger/ledger.service.ts';
import { createTestEnvironment, prepareTemplateDatabase } from '../../db/src/testing/databases.ts';
import { assertLedgerInvariants } from '../../db/src/testing/ledger-invariants.ts';
import { BenchClient } from '../checkout/client.ts';
import { summariseCpuProfile } from '../lib/cpu-profile-summary.ts';
import { WaitSampler } from '../lib/wait-sampler.ts';
import { startPostgresCpuProfile } from '../lib/postgres-cpu-profile.ts';
import { startWalProfile } from '../lib/wal-profile.ts';
import { threadSchedule } from '../lib/process-cpu.ts';
import { analyzeLikeAutovacuum } from '../lib/planner-statistics.ts';
import { readWarmUpSeconds } from '../lib/warm-up.ts';
import { percentile } from '../lib/percentile.ts';

/**
 * `npm run bench -- checkout-profile [--duration=8] [--warmup=15] [--shoppers=32] [--variants=64] [--interval=20]`:
 * where a checkout's time goes. The same flow as `bench checkout` (cart line -> order -> pay by wallet,
 * one keep-alive connection per shopper, API in its own process), at one concurrency, while
 *  - a sampler reads pg_stat_activity and pg_locks every `interval` ms: each backend running SQL,
 *    waiting on a lock (naming the waiting statement), flushing WAL at commit, idle inside a
 *    transaction (the API computing between two statements) or parked in the pool;
 *  - the API records a V8 CPU profile of the measured window, sorted into JSON, validation, logging,
 *    the pg driver, the ORM, Redis, crypto, the HTTP framework, the ledger's and our other code, GC;
 *  - where Linux `perf` may sample the whole machine, PostgreSQL's CPU is sorted by what its backends
 *    were doing (executor start-up, CHECK constraints, foreign-key checks, index upkeep, commit, ...:
 *    bench/lib/postgres-cpu-profile.ts);
 *  - where pg_walinspect may be created, the WAL the window wrote is counted per paid order by record type
 *    and relation (heap inserts, row locks, index entries, MultiXacts, commits: bench/lib/wal-profile.ts).
 * Prints them all and writes bench/results/checkout-profile.json (the raw .cpuprofile is kept with
 * --keep-profile=1, for Chrome DevTools).
 */
const flag = (name: string, fallback: number) => {
  const value = process.argv.find((argument) => argument.startsWith(`--${name}=`))?.split('=')[1];
  return value === undefined ? fallback : Number(value);
};
const durationSeconds = Math.min(Math.max(flag('duration', 8), 1), 60);
const shopperCount = Math.min(Math.max(flag('shoppers', 32), 1), 256);
const variantCount = Math.min(Math.max(flag('variants', 64), 1), 1_000);
const intervalMs = Math.min(Math.max(flag('interval', 20), 5), 1_000);
const keepProfile = flag('keep-profile', 0) !== 0;
/** The flow runs this long before anything is profiled (bench/lib/warm-up.ts). */
const warmUpSeconds = readWarmUpSeconds(flag);
const PRICE_MINOR = 1_250;
const STOCK_PER_VARIANT = 10_000_000;

await prepareTemplateDatabase();
const environment = await createTestEnvironment({ DATABASE_POOL_MAX: '16', LOG_LEVEL: 'silent' });
const { pool } = environment.database;
const childEnvironment = benchProcessEnvironment(environment, {
  DATABASE_POOL_MAX: '16',
  RATE_LIMIT_MAX_PER_MINUTE: '1000000000',
  AUTH_RATE_LIMIT_MAX_PER_MINUTE: '1000000000',
});
const profileFolder = mkdtempSync(path.join(os.tmpdir(), 'checkout-profile-'));

/** The API and the workers (relay and job workers), each in a process of their own, compiled and run as production runs them (bench/lib/bench-process.ts). */
const start = (script: string) => startBenchProcess(new URL(script, import.meta.url), { environment: childEnvironment, platform: true });

function ask(child: ChildProcess, message: unknown, answerKey: string): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const listener = (answer: unknown) => {
      if (typeof answer === 'object' && answer && answerKey in answer) {
        child.off('message', listener);
        resolve(answer as Record<string, unknown>);
      }
    };
    child.on('message', listener);
    child.send(message as never);
  });
}

const children: ChildProcess[] = [];
try {
  const { slug, variantIds } = await seedBenchShop(pool, { label: 'profile', variantCount, priceMinor: PRICE_MINOR, stockPerVariant: STOCK_PER_VARIANT });

  const api = await start('./server.ts');
  children.push(api.child);
  children.push((await start('../checkout/workers.ts')).child);
  const client = new BenchClient(api.message.port as number);

  const ledger = new LedgerService(environment.database);
  const shoppers: { token: string }[] = [];
  for (let index = 0; index < shopperCount; index += 1) {
    const session = await client.request('POST', '/api/store/sessions', { body: { provider: 'guest', deviceId: `profile-device-${index}-${newId()}` } });
    if (session.status !== 201) throw new Error(`session: ${session.status} ${JSON.stringify(session.body)}`);
    shoppers.push({ token: session.body.accessToken });
    await ledger.record(await ledger.recipes.topUp({ eventId: newId(), shopperId: session.body.shopper.id, currency: 'EUR', amountMinor: 1_000_000_000_000, source: 'world' }));
  }

  const failures: Record<string, number> = {};
  const steps = { cart: [] as number[], checkout: [] as number[], pay: [] as number[] };
  const timed = async <T>(into: number[], call: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await call();
    into.push(performance.now() - started);
    return result;
  };
  async function flow(shopper: { token: string }): Promise<boolean> {
    const variantId = variantIds[Math.floor(Math.random() * variantIds.length)]!;
    const line = await timed(steps.cart, () => client.request('PUT', `/api/store/shops/${slug}/cart/lines/${variantId}`, { token: shopper.token, body: { quantity: 1 } }));
    if (line.status !== 200) return ((failures[`cart ${line.status}`] = (failures[`cart ${line.status}`] ?? 0) + 1), false);
    const order = await timed(steps.checkout, () =>
      client.request('POST', `/api/store/shops/${slug}/orders`, { token: shopper.token, body: { source: 'cart' }, headers: { 'idempotency-key': newId() } }),
    );
    if (order.status !== 201) return ((failures[`checkout ${order.status}`] = (failures[`checkout ${order.status}`] ?? 0) + 1), false);
    const paid = await timed(steps.pay, () => client.request('POST', `/api/store/orders/${order.body.id}/pay`, { token: shopper.token, body: { method: 'wallet' } }));
    if (paid.status !== 200) return ((failures[`pay ${paid.status}`] = (failures[`pay ${paid.status}`] ?? 0) + 1), false);
    return true;
  }

  async function run(seconds: number): Promise<{ orders: number; flows: number[]; elapsedSeconds: number }> {
    const flows: number[] = [];
    const deadline = performance.now() + seconds * 1000;
    const started = performance.now();
    await Promise.all(
      shoppers.map(async (shopper) => {
        while (performance.now() < deadline) {
          const flowStarted = performance.now();
          if (await flow(shopper)) flows.push(performance.now() - flowStarted);
        }
      }),
    );
    return { orders: flows.length, flows: flows.sort((a, b) => a - b), elapsedSeconds: (performance.now() - started) / 1000 };
  }

  const loadAverageBefore = os.loadavg();
  console.log(`load average before: ${loadAverageBefore.map((value) => value.toFixed(2)).join(' ')} (other processes on this machine skew the numbers)`);
  console.log('warm-up (not reported) ...');
  if (warmUpSeconds > 0) await run(warmUpSeconds);
  await analyzeLikeAutovacuum(pool);
  for (const list of Object.values(steps)) list.length = 0;

  // Round trips to PostgreSQL per request: one shopper alone, each step recorded by the API's pg driver.
  const roundTrips: Record<string, { count: number; statements: string[] }> = {};
  {
    const shopper = shoppers[0]!;
    const record = async (step: string, call: () => Promise<{ status: number; body: any }>) => {
      await ask(api.child, 'statements-start', 'statementsStarted');
      const answer = await call();
      // The outbox relay and the sealer answer after the reply: give them a moment to be counted too.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const statements = (await ask(api.child, 'statements-stop', 'statements')).statements as string[];
      roundTrips[step] = { count: statements.filter((statement) => !statement.startsWith('+ ')).length, statements };
      return answer;
    };
    const variantId = variantIds[0]!;
    await record('cart', () => client.request('PUT', `/api/store/shops/${slug}/cart/lines/${variantId}`, { token: shopper.token, body: { quantity: 1 } }));
    const order = await record('checkout', () => client.request('POST', `/api/store/shops/${slug}/orders`, { token: shopper.token, body: { source: 'cart' }, headers: { 'idempotency-key': newId() } }));
    await record('pay', () => client.request('POST', `/api/store/orders/${order.body.id}/pay`, { token: shopper.token, body: { method: 'wallet' } }));
  }

  console.log(`${shopperCount} concurrent shopper(s), ${durationSeconds} s, sampling PostgreSQL every ${intervalMs} ms and profiling the API ...`);
  // PostgreSQL's own time per statement, when the server preloads pg_stat_statements (optional: a stock
  // server does not, and the rest of the profile does not need it).
  const statementStatistics = await pool
    .query('create extension if not exists pg_stat_statements')
    .then(() => pool.query('select pg_stat_statements_reset()'))
    .then(() => true)
    .catch(() => false);
  const sampler = new WaitSampler(environment.config.database.url, intervalMs);
  await sampler.start();
  const postgresRecording = await startPostgresCpuProfile(profileFolder);
  const walRecording = await startWalProfile(pool);
  await ask(api.child, 'profile-start', 'profileStarted');
  const cpuBefore = process.cpuUsage();
  const eventLoopBefore = threadSchedule(api.child.pid!);
  const measured = await run(durationSeconds);
  const eventLoopAfter = threadSchedule(api.child.pid!);
  const wal = await walRecording.stop(Math.max(measured.orders, 1));
  const profilePath = path.join(profileFolder, 'api.cpuprofile');
  await ask(api.child, { profileStop: profilePath }, 'profileWritten');
  const postgresCpu = (await postgresRecording?.stop()) ?? null;
  const database = await sampler.stop();
  // Planning time shows only where the server also sets pg_stat_statements.track_planning (0 otherwise).
  const statementTimes = statementStatistics
    ? (
        await pool.query<{ statement: string; calls: string; execute_ms: number; plan_ms: number; mean_ms: number }>(
          `select left(regexp_replace(query, '\\s+', ' ', 'g'), 100) as statement, calls, round(total_exec_time::numeric, 1)::float8 as execute_ms,
                  round(total_plan_time::numeric, 1)::float8 as plan_ms, round(mean_exec_time::numeric, 3)::float8 as mean_ms
             from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())
            order by total_exec_time + total_plan_time desc limit 24`,
        )
      ).rows.map((row) => ({ ...row, calls: Number(row.calls) }))
    : null;
  const loadGeneratorCpuMs = Math.round((process.cpuUsage(cpuBefore).user + process.cpuUsage(cpuBefore).system) / 1000);
  const apiProfile = summariseCpuProfile(profilePath);
  client.close();

  // The API's event loop over the window, as the scheduler counts its thread: on a core, waiting for one, idle.
  const share = (seconds: number) => Math.round((seconds / measured.elapsedSeconds) * 1000) / 10;
  const runningShare = share(eventLoopAfter.runningSeconds - eventLoopBefore.runningSeconds);
  const waitingShare = share(eventLoopAfter.waitingSeconds - eventLoopBefore.waitingSeconds);
  const apiEventLoop = { runningShare, waitingForCoreShare: waitingShare, idleShare: Math.round(Math.max(0, 100 - runningShare - waitingShare) * 10) / 10 };
  const throughput = {
    shoppers: shopperCount,
    ordersPerSecond: Math.round(measured.orders / measured.elapsedSeconds),
    flowP50Ms: percentile(measured.flows, 0.5, 1),
    flowP99Ms: percentile(measured.flows, 0.99, 1),
    steps: Object.fromEntries(Object.entries(steps).map(([step, list]) => [step, { p50Ms: percentile(list.sort((a, b) => a - b), 0.5, 1), p99Ms: percentile(list, 0.99, 1) }])),
    apiCpuMsPerOrder: Math.round(((apiProfile.totalMs - (apiProfile.milliseconds.idle ?? 0)) / Math.max(measured.orders, 1)) * 100) / 100,
    loadGeneratorCpuMs,
  };
  console.log('\nthroughput:', throughput);
  console.log('\nround trips to PostgreSQL per request (one shopper alone; statements sent by the API, after-reply work included; "+" = sent in the round trip of the one before):');
  for (const [step, { count, statements }] of Object.entries(roundTrips)) {
    console.log(`  ${step}: ${count}`);
    for (const statement of statements) console.log(`    ${statement}`);
  }
  console.log(`\nPostgreSQL backends of this database (${database.samples} samples, every ${database.intervalMs} ms): average number in each state`);
  console.table(Object.entries(database.averageBackends).map(([state, backends]) => ({ state, backends, 'share of busy %': database.busyShare[state] ?? '-' })));
  if (database.lockWaits.length) {
    console.log('statements waiting on locks (share of lock-wait samples):');
    console.table(database.lockWaits.map((entry) => ({ '%': entry.share, lock: entry.lockType, statement: entry.statement })));
  }
  if (statementTimes) {
    console.log('\nPostgreSQL execution time per statement over the measured window (pg_stat_statements):');
    console.table(statementTimes);
  }
  console.log(`\nthe API's event loop over the measured window: running ${apiEventLoop.runningShare} %, waiting for a core ${apiEventLoop.waitingForCoreShare} %, idle ${apiEventLoop.idleShare} %`);
  console.log(`\nAPI CPU over the measured window (${apiProfile.totalMs} ms wall): milliseconds and share of busy time per bucket`);
  console.table(Object.entries(apiProfile.milliseconds).map(([bucket, milliseconds]) => ({ bucket, ms: milliseconds, 'share of busy %': apiProfile.busyShare[bucket] ?? '-' })));
  console.log('functions with the most self time:');
  console.table(apiProfile.topFunctions);
  if (postgresCpu) {
    console.log(`\nthe machine's CPU samples (perf, every core, ${postgresCpu.samples} samples): share per process`);
    console.table(postgresCpu.processShare);
    console.log(`PostgreSQL's samples (${postgresCpu.postgresSamples}): share per stage`);
    console.table(postgresCpu.postgresStageShare);
  }
  if (wal.profile) {
    console.log(`\nWAL written per paid order (pg_walinspect): ${wal.profile.bytesPerOrder} bytes in ${wal.profile.recordsPerOrder} records; the record types and relations with the most`);
    console.table(wal.profile.records);
  } else console.log(`\nno WAL profile: ${wal.reason}`);
  if (Object.keys(failures).length) console.log('failures:', failures);

  await assertLedgerInvariants(environment.database);
  const report = { measuredAt: new Date().toISOString(), machine: { cpus: os.cpus().length, loadAverageBefore, loadAverageAfter: os.loadavg() }, durationSeconds, throughput, roundTrips, database, statementTimes, apiEventLoop, api: apiProfile, postgresCpu, wal: wal.profile, failures };
  mkdirSync(new URL('../results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('../results/checkout-profile.json', import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
  console.log('written to bench/results/checkout-profile.json');
  if (keepProfile) {
    writeFileSync(new URL('../results/checkout-profile.cpuprofile', import.meta.url), JSON.stringify(JSON.parse((await import('node:fs')).readFileSync(profilePath, 'utf8'))));
    console.log('CPU profile kept in bench/results/checkout-profile.cpuprofile (open it in Chrome DevTools)');
  }
} finally {
  for (const child of children) child.send('close');
  await new Promise((resolve) => setTimeout(resolve, 500));
  for (const child of children) if (child.exitCode === null) child.kill();
  rmSync(profileFolder, { recursive: true, force: true });
  await environment.cleanup();
}
