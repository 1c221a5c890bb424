import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { newId } from '../../db/src/ids.ts';
import { seedBenchShop } from '../lib/bench-shop.ts';
import { benchProcessEnvironment, startBenchProcess } from '../lib/bench-process.ts';
import { machineBusyMicroseconds } from '../lib/machine.ts';
import { processCpuSeconds, threadSchedule } from '../lib/process-cpu.ts';
import { databaseNow, relayLag } from '../lib/relay-lag.ts';
import { LedgerService } from '../../db/src/modules/ledger/ledger.service.ts';
import { createTestEnvironment, prepareTemplateDatabase } from '../../db/src/testing/databases.ts';
import { assertLedgerInvariants } from '../../db/src/testing/ledger-invariants.ts';
import { BenchClient } from './client.ts';
import { analyzeLikeAutovacuum } from '../lib/planner-statistics.ts';
import { readWarmUpSeconds } from '../lib/warm-up.ts';
import { startBenchChatHost } from '../lib/bench-chat-host.ts';
import { walBytesSince, walPosition } from '../lib/wal-profile.ts';
import { describeStorage, watchStorageBeside, type StorageWatch } from '../lib/storage-stalls.ts';
import { percentile } from '../lib/percentile.ts';

/**
 * `npm run bench -- checkout [--duration=10] [--warmup=15] [--variants=64] [--workers=1] [--levels=1,8,32] [--via-chat=0]`:
 * complete checkouts paid by wallet (cart line -> order -> paid: three HTTP requests) per second at 1, 8 and 32
 * concurrent shoppers, with p50/p99 of the whole flow. Throwaway database; the API, the workers (the outbox relay
 * and the job workers, as `npm run workers` runs them) and this load generator each run in a process of their
 * own. Every loop is bounded by its duration.
 *
 * The shoppers are guests, as a web widget's are, unless `--via-chat=1`: then each signs in through a host chat
 * that takes notifications (an endpoint of this process on loopback, answering 200), so every paid order also
 * sends its shopper a chat message (docs/notifications.md), as in a chat super-app.
 */
/** The value of `--<name>=<value>`, if given. */
const argument = (name: string) => process.argv.find((given) => given.startsWith(`--${name}=`))?.split('=')[1];
const flag = (name: string, fallback: number) => {
  const value = argument(name);
  return value === undefined ? fallback : Number(value);
};
const durationSeconds = Math.min(Math.max(flag('duration', 10), 1), 120);
/** 8 shoppers warm the platform up this long before the levels are measured (bench/lib/warm-up.ts). */
const warmUpSeconds = readWarmUpSeconds(flag);
const variantCount = Math.min(Math.max(flag('variants', 64), 1), 1_000);
/** `--workers=0` leaves the workers process out: the outbox rows are written, nothing relays them or runs their jobs. */
const withWorkers = flag('workers', 1) !== 0;
/** Shopper counts to measure (`--levels=32` for a quick comparison of one level); 1, 8 and 32 by default. */
const LEVELS = (argument('levels') ?? '1,8,32')
  .split(',')
  .map(Number)
  .filter((level) => Number.isInteger(level) && level >= 1 && level <= 256);
/** `--via-chat=1`: shoppers of a host chat that takes notifications, instead of guests. */
const viaChat = flag('via-chat', 0) !== 0;
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

/** The API and the workers (relay and job workers), each in a process of their own, compiled and run as production runs them (bench/lib/bench-process.ts). */
const start = (script: string) =>
  startBenchProcess(new URL(script, import.meta.url), { environment: childEnvironment, platform: true, cpuProfileFolder: process.env.BENCH_CPU_PROFILE });

const children: ChildProcess[] = [];
let chat: Awaited<ReturnType<typeof startBenchChatHost>> | null = null;
let storage: StorageWatch | undefined;
const report: Record<string, unknown> = { measuredAt: new Date().toISOString(), machine: { cpus: os.cpus().length, loadAverageBefore: os.loadavg() }, durationSeconds, warmUpSeconds, variantCount, workers: withWorkers, viaChat };

try {
  // A shop with many variants, so that shoppers spread over rows as a real catalog does.
  const { productId, slug, variantIds } = await seedBenchShop(pool, { label: 'bench', variantCount, priceMinor: PRICE_MINOR, stockPerVariant: STOCK_PER_VARIANT });

  const api = await start('./server.ts');
  children.push(api.child);
  const workers = withWorkers ? (await start('./workers.ts')).child : undefined;
  if (workers) children.push(workers);
  const client = new BenchClient(api.message.port as number);

  // One shopper per connection, each with a wallet that never runs dry.
  const ledger = new LedgerService(environment.database);
  const maxConnections = Math.max(...LEVELS);
  const shoppers: { id: string; token: string }[] = [];
  chat = viaChat ? await startBenchChatHost(environment) : null;
  for (let index = 0; index < maxConnections; index += 1) {
    const body = chat ? await chat.sessionBody(`bench-chat-user-${index}-${newId()}`) : { provider: 'guest', deviceId: `bench-device-${index}-${newId()}` };
    const session = await client.request('POST', '/api/store/sessions', { body });
    if (session.status !== 201) throw new Error(`session: ${session.status} ${JSON.stringify(session.body)}`);
    shoppers.push({ id: session.body.shopper.id, token: session.body.accessToken });
    await ledger.record(await ledger.recipes.topUp({ eventId: newId(), shopperId: session.body.shopper.id, currency: 'EUR', amountMinor: 1_000_000_000_000, source: 'world' }));
  }

  const failures: Record<string, number> = {};
  const fail = (step: string, status: number, body: unknown) => {
    const key = `${step} ${status} ${typeof body === 'object' && body && 'code' in body ? (body as { code: string }).code : ''}`.trim();
    failures[key] = (failures[key] ?? 0) + 1;
  };

  /** One complete purchase: a cart line, checkout of the cart, payment by wallet. */
  async function flow(shopper: { token: string }): Promise<{ ok: boolean; steps: number[] }> {
    const variantId = variantIds[Math.floor(Math.random() * variantIds.length)]!;
    const steps: number[] = [];
    let started = performance.now();
    const line = await client.request('PUT', `/api/store/shops/${slug}/cart/lines/${variantId}`, { token: shopper.token, body: { quantity: 1 } });
    steps.push(performance.now() - started);
    if (line.status !== 200) return fail('cart', line.status, line.body), { ok: false, steps };
    started = performance.now();
    const order = await client.request('POST', `/api/store/shops/${slug}/orders`, { token: shopper.token, body: { source: 'cart' }, headers: { 'idempotency-key': newId() } });
    steps.push(performance.now() - started);
    if (order.status !== 201) return fail('checkout', order.status, order.body), { ok: false, steps };
    started = performance.now();
    const paid = await client.request('POST', `/api/store/orders/${order.body.id}/pay`, { token: shopper.token, body: { method: 'wallet' } });
    steps.push(performance.now() - started);
    if (paid.status !== 200 || paid.body.status !== 'paid') return fail('pay', paid.status, paid.body), { ok: false, steps };
    return { ok: true, steps };
  }

  /**
   * CPU seconds used so far by the API process, the workers process and each PostgreSQL backend serving this
   * database (by pid), and the seconds each waited for a core (for the API and the workers, their event loops' threads).
   */
  async function cpuSeconds(): Promise<{ api: number; workers: number; postgres: Map<number, number>; waiting: { api: number; workers: number; postgres: Map<number, number> } }> {
    const apiSeconds = await new Promise<number>((resolve) => {
      const listener = (message: unknown) => {
        if (typeof message === 'object' && message && 'cpuMicroseconds' in message) {
          api.child.off('message', listener);
          resolve((message as { cpuMicroseconds: number }).cpuMicroseconds / 1e6);
        }
      };
      api.child.on('message', listener);
      api.child.send('cpu');
    });
    const { rows } = await pool.query<{ pid: number }>('select pid from pg_stat_activity where datname = current_database()');
    const postgres = new Map(rows.map(({ pid }) => [pid, processCpuSeconds(pid)]));
    const workersPid = workers?.pid;
    const waiting = {
      api: threadSchedule(api.child.pid!).waitingSeconds,
      workers: workersPid === undefined ? 0 : threadSchedule(workersPid).waitingSeconds,
      postgres: new Map(rows.map(({ pid }) => [pid, threadSchedule(pid).waitingSeconds])),
    };
    return { api: apiSeconds, workers: workersPid === undefined ? 0 : processCpuSeconds(workersPid), postgres, waiting };
  }

  /**
   * The backends' CPU between two reads, each backend against its own first read: one that began in between
   * counts whole, one that ended in between (a pooled connection closed when idle) is missed, never subtracted.
   */
  function postgresSecondsBetween(before: Map<number, number>, after: Map<number, number>): number {
    let seconds = 0;
    for (const [pid, total] of after) seconds += Math.max(0, total - (before.get(pid) ?? 0));
    return seconds;
  }

  async function level(connections: number, seconds: number) {
    // The WAL an order writes is what its rows and index entries cost to log.
    const walBefore = await walPosition(pool);
    await storage?.measure();
    const levelStartedAt = await databaseNow(pool);
    const cpuBefore = await cpuSeconds();
    const machineBefore = machineBusyMicroseconds();
    const loadGeneratorBefore = process.cpuUsage();
    const flowLatencies: number[] = [];
    const stepLatencies: number[][] = [[], [], []];
    let failed = 0;
    const deadline = performance.now() + seconds * 1000;
    const started = performance.now();
    await Promise.all(
      shoppers.slice(0, connections).map(async (shopper) => {
        while (performance.now() < deadline) {
          const flowStarted = performance.now();
          const result = await flow(shopper);
          if (!result.ok) {
            failed += 1;
            continue;
          }
          flowLatencies.push(performance.now() - flowStarted);
          result.steps.forEach((latency, index) => stepLatencies[index]!.push(latency));
        }
      }),
    );
    const elapsedSeconds = (performance.now() - started) / 1000;
    const loadGenerator = process.cpuUsage(loadGeneratorBefore);
    const machineMicroseconds = machineBusyMicroseconds() - machineBefore;
    const cpuAfter = await cpuSeconds();
    const walBytes = await walBytesSince(pool, walBefore);
    // The disk under PostgreSQL meanwhile: a writeback burst holds every commit's WAL flush (bench/lib/storage-stalls.ts).
    const storageStalls = await storage?.measure();
    // The events the level's orders wrote, from their transaction to the relay's publishing pass (with workers).
    const relay = withWorkers ? await relayLag(pool, levelStartedAt, await databaseNow(pool)) : null;
    flowLatencies.sort((a, b) => a - b);
    /** Seconds over the level as milliseconds per order, to two decimals. */
    const perOrder = (seconds: number) => Math.round((seconds * 1000 * 100) / Math.max(flowLatencies.length, 1)) / 100;
    stepLatencies.forEach((latencies) => latencies.sort((a, b) => a - b));
    return {
      connections,
      orders: flowLatencies.length,
      failed,
      seconds: Math.round(elapsedSeconds * 100) / 100,
      ordersPerSecond: Math.round(flowLatencies.length / elapsedSeconds),
      flowP50Ms: percentile(flowLatencies, 0.5, 1),
      flowP99Ms: percentile(flowLatencies, 0.99, 1),
      flowMaxMs: percentile(flowLatencies, 1, 1),
      // Backends that ended during the level are missed (postgresSecondsBetween), so the PostgreSQL figure is a floor.
      apiCpuMsPerOrder: perOrder(cpuAfter.api - cpuBefore.api),
      workersCpuMsPerOrder: perOrder(cpuAfter.workers - cpuBefore.workers),
      postgresCpuMsPerOrder: perOrder(postgresSecondsBetween(cpuBefore.postgres, cpuAfter.postgres)),
      // Time each was ready to run but had no core: what a two-core machine shared by a single-threaded API
      // and a dozen backends costs in latency, beside what it costs in CPU (bench/lib/process-cpu.ts).
      apiWaitingForCoreMsPerOrder: perOrder(cpuAfter.waiting.api - cpuBefore.waiting.api),
      workersWaitingForCoreMsPerOrder: perOrder(cpuAfter.waiting.workers - cpuBefore.waiting.workers),
      postgresWaitingForCoreMsPerOrder: perOrder(postgresSecondsBetween(cpuBefore.waiting.postgres, cpuAfter.waiting.postgres)),
      loadGeneratorCpuMsPerOrder: perOrder((loadGenerator.user + loadGenerator.system) / 1e6),
      // Every core's busy time (API, workers, PostgreSQL, Redis, this load generator) per order: moves much
      // less with the machine's speed from run to run than orders/s does.
      machineCpuMsPerOrder: perOrder(machineMicroseconds / 1e6),
      // The whole server's WAL over the level (the workers' writes and the seal included) per order: steady
      // from host to host, so it shows a change in what an order writes where CPU figures drown in noise.
      walBytesPerOrder: Math.round(walBytes / Math.max(flowLatencies.length, 1)),
      relayLagP50Ms: relay?.p50Ms ?? null,
      relayLagP99Ms: relay?.p99Ms ?? null,
      storage: storageStalls ?? null,
      eventsLeftUnpublished: relay?.unpublished ?? null,
      steps: Object.fromEntries(
        ['cart', 'checkout', 'pay'].map((step, index) => [step, { p50Ms: percentile(stepLatencies[index]!, 0.5, 1), p99Ms: percentile(stepLatencies[index]!, 0.99, 1) }]),
      ),
    };
  }

  console.log(`load average before: ${os.loadavg().map((value) => value.toFixed(2)).join(' ')} (other processes on this machine skew the numbers)`);
  storage = await watchStorageBeside(pool);
  console.log('warm-up (not reported) ...');
  if (warmUpSeconds > 0) await level(8, warmUpSeconds);
  const results = [];
  for (const connections of LEVELS) {
    // Each level at least doubles the order and ledger tables: autovacuum would have analyzed them by then.
    await analyzeLikeAutovacuum(pool);
    console.log(`${connections} concurrent shopper(s), ${durationSeconds} s ...`);
    results.push(await level(connections, durationSeconds));
  }
  client.close();

  console.log('\ncomplete checkouts paid by wallet (cart line -> order -> paid)');
  console.table(
    results.map((result) => ({
      shoppers: result.connections,
      'orders/s': result.ordersPerSecond,
      'flow p50 ms': result.flowP50Ms,
      'flow p99 ms': result.flowP99Ms,
      'checkout p99 ms': result.steps.checkout!.p99Ms,
      'pay p99 ms': result.steps.pay!.p99Ms,
      'API CPU ms/order': result.apiCpuMsPerOrder,
      'workers CPU ms/order': result.workersCpuMsPerOrder,
      'PostgreSQL CPU ms/order': result.postgresCpuMsPerOrder,
      'load generator CPU ms/order': result.loadGeneratorCpuMsPerOrder,
      'machine CPU ms/order': result.machineCpuMsPerOrder,
      'waiting for a core ms/order: API / workers / PostgreSQL': [result.apiWaitingForCoreMsPerOrder, result.workersWaitingForCoreMsPerOrder, result.postgresWaitingForCoreMsPerOrder].join(' / '),
      'WAL bytes/order': result.walBytesPerOrder,
      'relay lag p50 / p99 ms': `${result.relayLagP50Ms ?? '-'} / ${result.relayLagP99Ms ?? '-'}`,
      'slowest disk flush ms (dirty MB)': describeStorage(result.storage),
      failed: result.failed,
    })),
  );
  const at32 = results.find((result) => result.connections === 32);
  const budget = { ordersPerSecondAtLeast: 400, flowP99MsAtMost: 150 };
  const withinBudget = at32 !== undefined && at32.ordersPerSecond >= budget.ordersPerSecondAtLeast && at32.flowP99Ms <= budget.flowP99MsAtMost;
  console.log(`budget at 32 shoppers: >= ${budget.ordersPerSecondAtLeast} orders/s and p99 <= ${budget.flowP99MsAtMost} ms: ${withinBudget ? 'met' : 'NOT met'}`);
  if (Object.keys(failures).length) console.log('failures:', failures);

  // The books must balance and no unit may be sold twice, whatever the load did.
  await assertLedgerInvariants(environment.database);
  const stock = await pool.query<{ sold: number; reserved: number; movements: number }>(
    `select sum(${STOCK_PER_VARIANT} - stock_on_hand)::int as sold, sum(stock_reserved)::int as reserved,
            (select -coalesce(sum(quantity_delta), 0)::int from stock_movement where reason = 'sale') as movements
       from variant where product_id = $1`,
    [productId],
  );
  const paidOrders = await pool.query<{ count: number }>(`select count(*)::int as count from shop_order where status = 'paid'`);
  const checks: Record<string, unknown> = { ledgerInvariants: 'ok', unitsSold: stock.rows[0]?.sold, saleMovements: stock.rows[0]?.movements, paidOrders: paidOrders.rows[0]?.count, stillReserved: stock.rows[0]?.reserved };
  if (chat && withWorkers) {
    // Every paid order's shopper is told, once: the last notifications are still on their way when the load stops.
    const deadline = Date.now() + 30_000;
    while (chat.messagesReceived() < Number(checks.paidOrders) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    checks.chatMessages = chat.messagesReceived();
  }
  console.log('checks:', checks);
  if (checks.unitsSold !== checks.paidOrders || checks.saleMovements !== checks.paidOrders) throw new Error('units sold and paid orders disagree');
  if (checks.chatMessages !== undefined && checks.chatMessages !== checks.paidOrders) throw new Error(`${String(checks.chatMessages)} chat messages for ${String(checks.paidOrders)} paid orders`);

  Object.assign(report, { results, budget, withinBudget, failures, checks, loadAverageAfter: os.loadavg() });
  mkdirSync(new URL('../results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('../results/checkout.json', import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
  console.log('written to bench/results/checkout.json');
} finally {
  await storage?.stop();
  for (const child of children) child.send('close');
  await new Promise((resolve) => setTimeout(resolve, 500));
  for (const child of children) if (child.exitCode === null) child.kill();
  await chat?.close();
  await environment.cleanup();
}
