import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import type { Redis } from 'ioredis';
import pg from 'pg';
import { newId } from '../../db/src/ids.ts';
import { addToOutbox, allEventsChannel, onOutboxCommitted, outboxCommittedChannel } from '../../db/src/outbox/outbox.ts';
import { OutboxRelay } from '../../db/src/outbox/outbox-relay.ts';
import { withPoolTransaction } from '../../db/src/pool-transaction.ts';
import { JobQueues } from '../../db/src/queues/job-queues.ts';
import { connectRedis, createRedis } from '../../db/src/redis.ts';
import { createTestEnvironment, prepareTemplateDatabase } from '../../db/src/testing/databases.ts';
import { percentile } from '../lib/percentile.ts';

/**
 * `npm run bench -- relay-wake [--events=200]`: how long an outbox row waits between its commit and its
 * Redis message with the relay polling every 100 ms, woken by PostgreSQL LISTEN/NOTIFY (an insert trigger,
 * created here for the comparison only), and woken through Redis after the commit (what Minishop does);
 * and what each wake-up costs a committing transaction (single-row commits from 8 clients). Throwaway
 * database, loopback, bounded by count and time. docs/realtime.md has the numbers and the choice.
 */
const flag = (name: string, fallback: number) => {
  const value = process.argv.find((argument) => argument.startsWith(`--${name}=`))?.split('=')[1];
  return value === undefined ? fallback : Number(value);
};
const eventCount = Math.min(Math.max(flag('events', 200), 10), 2_000);
const SPACING_MS = 10;
const THROUGHPUT_SECONDS = 3;

await prepareTemplateDatabase();
const environment = await createTestEnvironment({ LOG_LEVEL: 'silent', DATABASE_POOL_MAX: '12' });
const { pool } = environment.database;
const queues = new JobQueues(environment.config);
const publisher = await connectRedis(createRedis(environment.config), environment.config.redis.url);
const subscriber: Redis = await connectRedis(createRedis(environment.config), environment.config.redis.url);
const arrivals = new Map<string, number>();
await subscriber.subscribe(allEventsChannel(environment.config));
subscriber.on('message', (_channel: string, text: string) => arrivals.set((JSON.parse(text) as { id: string }).id, performance.now()));
const wakeSubscriber = await connectRedis(createRedis(environment.config), environment.config.redis.url);
const committedChannel = outboxCommittedChannel(environment.config);
// The comparison's NOTIFY trigger; disabled unless a measurement turns it on.
await pool.query(`
  create function bench_outbox_notify() returns trigger language plpgsql as $$ begin perform pg_notify('outbox_inserted', ''); return null; end $$;
  create trigger bench_outbox_notify after insert on outbox for each statement execute function bench_outbox_notify();
  alter table outbox disable trigger bench_outbox_notify;`);

function event() {
  const orderId = newId();
  return { type: 'order.packed' as const, aggregateType: 'order', aggregateId: orderId, merchantId: null, payload: { orderId } };
}

type Mode = 'poll' | 'notify' | 'redis';

/** Turns one wake-up on; returns what turns it off. */
async function wakeUp(mode: Mode, relay?: OutboxRelay): Promise<() => Promise<void>> {
  if (mode === 'poll') return async () => undefined;
  if (mode === 'redis') {
    const stop = onOutboxCommitted(() => void publisher.publish(committedChannel, '').catch(() => undefined));
    return async () => void stop();
  }
  await pool.query('alter table outbox enable trigger bench_outbox_notify');
  const listener = new pg.Client({ connectionString: environment.config.database.url });
  await listener.connect();
  listener.on('notification', () => relay?.nudge());
  await listener.query('listen outbox_inserted');
  return async () => {
    await listener.end();
    await pool.query('alter table outbox disable trigger bench_outbox_notify');
  };
}

/** Commits rows one at a time, SPACING_MS apart, and measures commit -> Redis message for each. */
async function wakeDelays(mode: Mode) {
  const relay = new OutboxRelay({
    config: environment.config,
    pool,
    queues,
    publisher,
    pollIntervalMs: mode === 'poll' ? 100 : 60_000,
    ...(mode === 'redis' ? { wakeSubscriber } : {}),
  });
  const stopWaking = await wakeUp(mode, relay);
  relay.start();
  await new Promise((resolve) => setTimeout(resolve, 300));
  const committed = new Map<string, number>();
  for (let index = 0; index < eventCount; index += 1) {
    const id = await withPoolTransaction(pool, (client) => addToOutbox(client, event()));
    committed.set(id, performance.now());
    await new Promise((resolve) => setTimeout(resolve, SPACING_MS));
  }
  const deadline = Date.now() + 5_000;
  while ([...committed.keys()].some((id) => !arrivals.has(id)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  await relay.stop();
  await stopWaking();
  const delays = [...committed].filter(([id]) => arrivals.has(id)).map(([id, at]) => (arrivals.get(id) as number) - at).sort((a, b) => a - b);
  return { mode, events: committed.size, delivered: delays.length, p50Ms: percentile(delays, 0.5, 2), p99Ms: percentile(delays, 0.99, 2), maxMs: percentile(delays, 1, 2) };
}

/** Single-row commits per second from 8 clients for a few seconds, with one wake-up on. */
async function commitRate(mode: Mode) {
  const stopWaking = await wakeUp(mode);
  const deadline = performance.now() + THROUGHPUT_SECONDS * 1_000;
  let commits = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (performance.now() < deadline) {
        await withPoolTransaction(pool, (client) => addToOutbox(client, event()));
        commits += 1;
      }
    }),
  );
  await stopWaking();
  return { wakeUp: mode, commitsPerSecond: Math.round(commits / THROUGHPUT_SECONDS) };
}

try {
  console.log(`load average before: ${os.loadavg().map((value) => value.toFixed(2)).join(' ')} (other processes on this machine skew the numbers)`);
  const wake = [await wakeDelays('poll'), await wakeDelays('notify'), await wakeDelays('redis')];
  console.log('\ncommit -> Redis message');
  console.table(wake);
  const commits = [];
  for (let round = 0; round < 2; round += 1) for (const mode of ['poll', 'notify', 'redis'] as const) commits.push(await commitRate(mode));
  console.log('\nsingle-row outbox commits, 8 clients (alternated to even out the machine)');
  console.table(commits);
  const report = { measuredAt: new Date().toISOString(), machine: { cpus: os.cpus().length, loadAverageAfter: os.loadavg() }, eventCount, spacingMs: SPACING_MS, wake, commits };
  mkdirSync(new URL('../results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('../results/relay-wake.json', import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
  console.log('written to bench/results/relay-wake.json');
} finally {
  subscriber.disconnect();
  wakeSubscriber.disconnect();
  publisher.disconnect();
  await queues.close();
  await environment.cleanup();
}
