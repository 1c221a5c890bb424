import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../../db/src/config.ts';
import type { Database } from '../../db/src/database.ts';
import { OutboxRelay } from '../../db/src/outbox/outbox-relay.ts';
import { onOutboxCommitted } from '../../db/src/outbox/outbox.ts';
import { connectRedis, createRedis } from '../../db/src/redis.ts';
import type { Services } from '../../db/src/services.ts';
import { startHeartbeat } from './heartbeat.ts';
import { startJobWorkers } from './job-workers.ts';
import { processors } from './processors/index.ts';

export interface WorkersDependencies {
  config: Config;
  database: Database;
  /** A connected Redis for the services' caches and the relay's pub/sub messages. */
  redis: Redis;
  services: Services;
  logger: Logger;
}

/**
 * Starts the BullMQ workers and the outbox relay on connections the caller owns, and returns how to stop
 * what it started (in reverse order; the caller then closes the database and Redis). `npm run workers`
 * runs this in a process of its own; `npm start` runs it inside the API process, sharing its services.
 * `onStarted` receives each stop as soon as its part runs, so a stop requested mid-start closes that part.
 */
export async function startWorkers(dependencies: WorkersDependencies, onStarted: (stop: () => unknown) => void): Promise<void> {
  const { config, database, redis, services, logger } = dependencies;
  const jobWorkers = await startJobWorkers({ config, services, processors, logger });
  onStarted(() => jobWorkers.close());
  // The outbox relay turns committed outbox rows into the jobs above and pub/sub messages. It is woken
  // after every commit that wrote outbox rows, another process's through Redis and this process's
  // directly, for the live updates' latency; the poll is its safety net (docs/realtime.md).
  const wakeSubscriber = await connectRedis(createRedis(config, { maxRetriesPerRequest: null }), config.redis.url, { logger, connection: 'outbox relay wake subscriber' });
  onStarted(() => wakeSubscriber.disconnect());
  const outboxRelay = new OutboxRelay({
    config,
    pool: database.pool,
    queues: jobWorkers.queues,
    publisher: redis,
    logger,
    pollIntervalMs: config.outbox.relayPollIntervalMs,
    wakeSubscriber,
  });
  const stopWakingRelay = onOutboxCommitted(() => outboxRelay.nudge());
  outboxRelay.start();
  onStarted(() => outboxRelay.stop());
  onStarted(stopWakingRelay);
  onStarted(startHeartbeat(() => redis.ping()));
}
