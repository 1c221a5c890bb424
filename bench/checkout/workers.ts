import { pino } from 'pino';
import { loadConfig } from '../../db/src/config.ts';
import { connectDatabase } from '../../db/src/database.ts';
import { loggerOptions } from '../../db/src/log-redaction.ts';
import { connectRedis, createRedis } from '../../db/src/redis.ts';
import { createServices } from '../../db/src/services.ts';
import { lowerProcessPriority } from '../../workers/src/process-priority.ts';
import { startWorkers } from '../../workers/src/start-workers.ts';

/**
 * The workers process as `npm run workers` (docker-compose's `workers` service) runs it, in a process of
 * its own: the outbox relay and every job worker, so that the benchmark pays for what each order starts
 * (its events relayed, the shopper's payment notification sent) as production does.
 */
const config = loadConfig();
const logger = pino({ name: 'workers', ...loggerOptions(config) });
lowerProcessPriority(config.workersProcess.nice, logger);
const database = await connectDatabase(config);
const redis = await connectRedis(createRedis(config), config.redis.url, { logger, connection: 'workers' });
const services = createServices({ config, database, redis, logger });
const stops: (() => unknown)[] = [];
await startWorkers({ config, database, redis, services, logger }, (stop) => stops.push(stop));
process.send?.({ ready: true });
const close = async () => {
  for (const stop of stops.reverse()) await stop();
  redis.disconnect();
  await database.close();
  process.exit(0);
};
process.on('message', (message) => {
  if (message === 'close') void close();
});
process.on('disconnect', () => void close());
