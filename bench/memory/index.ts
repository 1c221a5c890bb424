import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { newId } from '../../db/src/ids.ts';
import { LedgerService } from '../../db/src/modules/ledger/ledger.service.ts';
import { createTestEnvironment, prepareTemplateDatabase } from '../../db/src/testing/databases.ts';
import { BenchClient } from '../checkout/client.ts';
import { treeMemory, type TreeMemory } from '../lib/process-memory.ts';

/**
 * `npm run bench -- memory [--duration=10] [--shoppers=32]`: the resident memory of the running platform
 * (every process `npm start` runs, the `npm` client itself excepted), idle and under the checkout load
 * (cart line -> order -> paid by wallet, one keep-alive connection per shopper). The platform is started
 * exactly as a user starts it, `npm start`, against a throwaway database that it migrates and seeds.
 * Budget: <= 150 MB idle, <= 250 MB under load.
 */
const flag = (name: string, fallback: number) => {
  const value = process.argv.find((argument) => argument.startsWith(`--${name}=`))?.split('=')[1];
  return value === undefined ? fallback : Number(value);
};
const durationSeconds = Math.min(Math.max(flag('duration', 10), 1), 120);
const shopperCount = Math.min(Math.max(flag('shoppers', 32), 1), 256);
const IDLE_SETTLE_MS = 5_000;
const SAMPLE_EVERY_MS = 250;
const BUDGET = { idleMbAtMost: 150, underLoadMbAtMost: 250 };
const rootFolder = fileURLToPath(new URL('../../', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

await prepareTemplateDatabase();
const environment = await createTestEnvironment({ LOG_LEVEL: 'silent' });
const port = await freePort();
const loadAverageBefore = os.loadavg();

// `npm start` as a user runs it, in its own process group so that the stop below is a terminal's Ctrl-C.
const npm = spawn('npm', ['start'], {
  cwd: rootFolder,
  detached: true,
  stdio: ['ignore', 'pipe', 'pipe'],
  env: {
    ...process.env,
    DATABASE_URL: environment.config.database.url,
    REDIS_KEY_PREFIX: environment.config.redis.keyPrefix,
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    // The per-client limit would refuse one client playing 32 shoppers; the limiter itself stays on.
    RATE_LIMIT_MAX_PER_MINUTE: '1000000000',
    AUTH_RATE_LIMIT_MAX_PER_MINUTE: '1000000000',
  },
});
let output = '';
npm.stdout.on('data', (chunk) => (output += chunk));
npm.stderr.on('data', (chunk) => (output += chunk));
const exited = new Promise((resolve) => npm.once('exit', resolve));

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline || npm.exitCode !== null) throw new Error(`npm start: no ${what} (output so far:\n${output})`);
    await sleep(100);
  }
}

function summary(memory: TreeMemory) {
  return {
    totalRssMb: memory.totalRssMb,
    totalAnonymousMb: memory.totalAnonymousMb,
    processes: memory.processes.map(({ pid, command, rssMb, anonymousMb, fileMb }) => ({ pid, command: command.replace(rootFolder, ''), rssMb, anonymousMb, fileMb })),
  };
}

try {
  const startedAtMs = Date.now();
  await until(() => output.includes('Press Ctrl-C to stop.'), 180_000, 'banner');
  const startSeconds = Math.round((Date.now() - startedAtMs) / 100) / 10;
  await sleep(IDLE_SETTLE_MS);
  const idle = treeMemory(npm.pid!);
  console.log(`idle, ${IDLE_SETTLE_MS / 1000} s after the banner: ${idle.totalRssMb} MB resident in ${idle.processes.length} process(es)`);
  console.table(idle.processes.map(({ pid, command, rssMb, anonymousMb, fileMb }) => ({ pid, command: command.slice(0, 90), 'RSS MB': rssMb, 'anonymous MB': anonymousMb, 'file MB': fileMb })));

  // Shoppers who can pay: a shop with deep stock, and wallets topped up through the ledger's own recipe.
  const { pool } = environment.database;
  const merchantId = newId();
  const shopId = newId();
  const productId = newId();
  const slug = `memory-${shopId.slice(-8)}`;
  await pool.query(`insert into merchant (id, name) values ($1, 'Memory bench merchant')`, [merchantId]);
  await pool.query(`insert into shop (id, merchant_id, slug, name, currency) values ($1, $2, $3, 'Memory bench shop', 'EUR')`, [shopId, merchantId, slug]);
  await pool.query(`insert into product (id, merchant_id, shop_id, title, status) values ($1, $2, $3, 'Bench tea', 'active')`, [productId, merchantId, shopId]);
  const variantIds = Array.from({ length: 64 }, () => newId());
  await pool.query(
    `insert into variant (id, merchant_id, product_id, sku, title, price_minor, stock_on_hand, position)
     select id, $2, $3, 'MEMORY-' || position, 'Tin ' || position, 1250, 10000000, position from unnest($1::uuid[]) with ordinality as v(id, position)`,
    [variantIds, merchantId, productId],
  );
  const client = new BenchClient(port);
  const ledger = new LedgerService(environment.database);
  const shoppers: string[] = [];
  for (let index = 0; index < shopperCount; index += 1) {
    const session = await client.request('POST', '/api/store/sessions', { body: { provider: 'guest', deviceId: `memory-bench-${index}-${newId()}` } });
    if (session.status !== 201) throw new Error(`session: ${session.status} ${JSON.stringify(session.body)}`);
    await ledger.record(await ledger.recipes.topUp({ eventId: newId(), shopperId: session.body.shopper.id, currency: 'EUR', amountMinor: 1_000_000_000_000, source: 'world' }));
    shoppers.push(session.body.accessToken);
  }

  let orders = 0;
  let failed = 0;
  let peak = treeMemory(npm.pid!);
  const sampler = setInterval(() => {
    const sample = treeMemory(npm.pid!);
    if (sample.totalRssMb > peak.totalRssMb) peak = sample;
  }, SAMPLE_EVERY_MS);
  const deadline = performance.now() + durationSeconds * 1000;
  await Promise.all(
    shoppers.map(async (token) => {
      while (performance.now() < deadline) {
        const variantId = variantIds[Math.floor(Math.random() * variantIds.length)]!;
        const line = await client.request('PUT', `/api/store/shops/${slug}/cart/lines/${variantId}`, { token, body: { quantity: 1 } });
        const order = line.status === 200 ? await client.request('POST', `/api/store/shops/${slug}/orders`, { token, body: { source: 'cart' }, headers: { 'idempotency-key': newId() } }) : line;
        const paid = order.status === 201 ? await client.request('POST', `/api/store/orders/${order.body.id}/pay`, { token, body: { method: 'wallet' } }) : order;
        if (paid.status === 200) orders += 1;
        else failed += 1;
      }
    }),
  );
  clearInterval(sampler);
  const afterLoad = treeMemory(npm.pid!);
  if (afterLoad.totalRssMb > peak.totalRssMb) peak = afterLoad;
  client.close();
  console.log(`under load (${shopperCount} shoppers, ${durationSeconds} s, ${orders} orders paid, ${failed} failed): peak ${peak.totalRssMb} MB, ${afterLoad.totalRssMb} MB at the end`);
  console.table(peak.processes.map(({ pid, command, rssMb, anonymousMb, fileMb }) => ({ pid, command: command.slice(0, 90), 'RSS MB': rssMb, 'anonymous MB': anonymousMb, 'file MB': fileMb })));

  const withinBudget = idle.totalRssMb <= BUDGET.idleMbAtMost && peak.totalRssMb <= BUDGET.underLoadMbAtMost;
  console.log(`budget: idle ${idle.totalRssMb} <= ${BUDGET.idleMbAtMost} MB and under load ${peak.totalRssMb} <= ${BUDGET.underLoadMbAtMost} MB: ${withinBudget ? 'MET' : 'MISSED'}`);
  const report = {
    benchmark: 'memory',
    measuredAt: new Date().toISOString(),
    settings: { durationSeconds, shoppers: shopperCount, idleSettleMs: IDLE_SETTLE_MS, sampleEveryMs: SAMPLE_EVERY_MS, command: 'npm start' },
    startSeconds,
    idle: summary(idle),
    underLoadPeak: summary(peak),
    afterLoad: summary(afterLoad),
    load: { orders, failed, ordersPerSecond: Math.round(orders / durationSeconds) },
    budget: BUDGET,
    withinBudget,
    loadAverageBefore,
    loadAverageAfter: os.loadavg(),
  };
  mkdirSync(new URL('../results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('../results/memory.json', import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
  console.log('Wrote bench/results/memory.json');
} finally {
  // Ctrl-C: the whole group gets SIGINT, as from a terminal; the supervisor stops the workers and exits.
  if (npm.exitCode === null && npm.pid) process.kill(-npm.pid, 'SIGINT');
  await Promise.race([exited, sleep(15_000)]);
  if (npm.exitCode === null && npm.pid) process.kill(-npm.pid, 'SIGKILL');
  await environment.cleanup();
}
