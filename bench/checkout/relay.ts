import { loadConfig } from '../../db/src/config.ts';
import { connectDatabase } from '../../db/src/database.ts';
import { OutboxRelay } from '../../db/src/outbox/outbox-relay.ts';
import { JobQueues } from '../../db/src/queues/job-queues.ts';
import { connectRedis, createRedis } from '../../db/src/redis.ts';

/**
 * The outbox relay as the workers process runs it, in a process of its own, so that the benchmark pays
 * for turning every order event into jobs and pub/sub messages as production does.
 */
const config = loadConfig();
const database = await connectDatabase(config);
const redis = await connectRedis(createRedis(config), config.redis.url);
const queues = new JobQueues(config);
const wakeSubscriber = await connectRedis(createRedis(config, { maxRetriesPerRequest: null }), config.redis.url);
const relay = new OutboxRelay({ config, pool: database.pool, queues, publisher: redis, pollIntervalMs: config.outbox.relayPollIntervalMs, wakeSubscriber });
relay.start();
process.send?.({ ready: true });
const close = async () => {
  await relay.stop();
  await relay.drain();
  await queues.close();
  redis.disconnect();
  wakeSubscriber.disconnect();
  await database.close();
  process.exit(0);
};
process.on('message', (message) => {
  if (message === 'close') void close();
});
process.on('disconnect', () => void close());
