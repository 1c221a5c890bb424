import closeWithGrace from 'close-with-grace';
import { pino } from 'pino';
import { loadConfig } from '../../db/src/config.ts';
import { connectDatabase } from '../../db/src/database.ts';
import { loggerOptions } from '../../db/src/log-redaction.ts';
import { connectRedis, createRedis } from '../../db/src/redis.ts';
import { createServices } from '../../db/src/services.ts';
import { exitOnStartupFailure } from '../../db/src/startup-errors.ts';
import { lowerProcessPriority } from './process-priority.ts';
import { startWorkers } from './start-workers.ts';

/** The workers process: the same services as the API, fed by BullMQ instead of HTTP. */
async function main() {
  const config = loadConfig();
  const logger = pino({ name: 'workers', ...loggerOptions(config) });
  lowerProcessPriority(config.workersProcess.nice, logger);
  // What is running so far, stopped in reverse order. The signal handlers are installed before anything
  // starts: a SIGTERM that arrives while the process is still starting closes what has started, cleanly.
  const stops: (() => unknown)[] = [];
  const closer = closeWithGrace({ delay: 10_000, logger }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'closing after an error');
    else logger.info({ signal }, 'closing: waiting for active jobs');
    for (const stop of stops.reverse()) await stop();
  });
  // Started by a supervisor over an IPC channel: stop with the parent, even if it died without a word.
  if (process.send) process.once('disconnect', () => closer.close());

  const database = await connectDatabase(config);
  stops.push(() => database.close());
  const redis = await connectRedis(createRedis(config), config.redis.url, { logger, connection: 'workers' });
  stops.push(() => redis.disconnect());
  const services = createServices({ config, database, redis, logger });
  await startWorkers({ config, database, redis, services, logger }, (stop) => stops.push(stop));
}

main().catch(exitOnStartupFailure);
