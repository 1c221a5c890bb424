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
  // What is running so far, stopped in reverse order. The signal handlers are installed before anything
  // starts: a SIGTERM that arrives while the process is still starting closes what has started, cleanly.
  const stops: (() => unknown)[] = [];
  const closer = closeWithGrace({ delay: 10_000, logger }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'closing after an error');
    else logger.info({ signal }, 'closing: waiting for active jobs');
    for (const stop of stops.reverse()) await stop();
  });
  // Started by `npm start` (over an IPC channel): stop with the parent, even if it died without a word.
  if (process.send) process.once('disconnect', () => closer.close());

  const database = await connectDatabase(config);
  stops.push(() => database.close());
  const redis = await connectRedis(createRedis(config), config.redis.url);
  stops.push(() => redis.disconnect());
  const services = createServices({ config, database, redis, logger });
  const jobWorkers = await startJobWorkers({ config, services, processors, logger });
  stops.push(() => jobWorkers.close());
  // The outbox relay lives here: it turns committed outbox rows into the jobs above and pub/sub messages.
  // It is woken after every commit that wrote outbox rows, the API's through Redis and this process's
  // directly, for the live updates' latency; the poll is its safety net (docs/realtime.md).
  const wakeSubscriber = await connectRedis(createRedis(config, { maxRetriesPerRequest: null }), config.redis.url);
  stops.push(() => wakeSubscriber.disconnect());
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
  stops.push(() => outboxRelay.stop(), stopWakingRelay);
  stops.push(startHeartbeat(() => redis.ping()));
}

main().catch(exitOnStartupFailure);
