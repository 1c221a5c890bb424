import closeWithGrace from 'close-with-grace';
import { pino } from 'pino';
import { loadConfig } from '../../db/src/config.ts';
import { connectDatabase } from '../../db/src/database.ts';
import { loggerOptions } from '../../db/src/log-redaction.ts';
import { OutboxRelay } from '../../db/src/outbox/outbox-relay.ts';
import { onOutboxCommitted } from '../../db/src/outbox/outbox.ts';
import { connectRedis, createRedis } from '../../db/src/redis.ts';
import { createServices } from '../../db/src/services.ts';
import { exitOnStartupFailure } from '../../db/src/startup-errors.ts';
import { startHeartbeat } from './heartbeat.ts';
import { startJobWorkers } from './job-workers.ts';
import { processors } from './processors/index.ts';

/** The workers process: the same services as the API, fed by BullMQ instead of HTTP. */
async function main() {
  const config = loadConfig();
  const logger = pino({ name: 'workers', ...loggerOptions(config) });
  const database = await connectDatabase(config);
  const redis = await connectRedis(createRedis(config), config.redis.url).catch(async (error: unknown) => {
    await database.close();
    throw error;
  });
  const services = createServices({ config, database, redis, logger });
  const jobWorkers = await startJobWorkers({ config, services, processors, logger });
  // The outbox relay lives here: it turns committed outbox rows into the jobs above and pub/sub messages.
  // It is woken after every commit that wrote outbox rows, the API's through Redis and this process's
  // directly, for the live updates' latency; the poll is its safety net (docs/realtime.md).
  const wakeSubscriber = await connectRedis(createRedis(config, { maxRetriesPerRequest: null }), config.redis.url);
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
  const stopHeartbeat = startHeartbeat(() => redis.ping());

  const closer = closeWithGrace({ delay: 10_000, logger }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'closing after an error');
    else logger.info({ signal }, 'closing: waiting for active jobs');
    stopHeartbeat();
    stopWakingRelay();
    await outboxRelay.stop();
    wakeSubscriber.disconnect();
    await jobWorkers.close();
    redis.disconnect();
    await database.close();
  });
  // Started by `npm start` (over an IPC channel): stop with the parent, even if it died without a word.
  if (process.send) process.once('disconnect', () => closer.close());
}

main().catch(exitOnStartupFailure);
