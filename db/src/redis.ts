import { Redis } from 'ioredis';
import type { Config } from './config.ts';

export class RedisUnreachableError extends Error {
  override name = 'RedisUnreachableError';
}

/**
 * A Redis connection for the app's own keys (rate limits, caches, pub/sub), all under the configured
 * prefix so that several deployments, or test files, can share one Redis.
 * BullMQ takes its own connections and prefix (see db/src/queues).
 */
export function createRedis(config: Pick<Config, 'redis'>, options: { keyPrefix?: boolean; maxRetriesPerRequest?: number | null } = {}): Redis {
  return new Redis(config.redis.url, {
    keyPrefix: options.keyPrefix === false ? undefined : config.redis.keyPrefix,
    maxRetriesPerRequest: options.maxRetriesPerRequest === undefined ? 3 : options.maxRetriesPerRequest,
    enableAutoPipelining: true,
    // A publish goes out alone: the API publishes at most one relay wake-up per turn of the event loop
    // (db/src/outbox/outbox.ts), and an auto-pipeline around one command is one more object per order that
    // lives until Redis answers (under load, long enough to reach the old generation).
    autoPipeliningIgnoredCommands: ['publish'],
    lazyConnect: true,
  });
}

/** Where a connected client reports Redis going away and coming back (a pino logger fits). */
export interface RedisOutageLogger {
  warn(object: { err: Error; connection: string }, message: string): void;
  info(object: { connection: string }, message: string): void;
}

/**
 * Connects, failing with a message that names REDIS_URL when Redis does not answer. Once connected,
 * ioredis reconnects by itself and emits an error per failed attempt: the logger hears the first of an
 * outage and the return, not every attempt (and without a listener ioredis would print each one).
 */
export async function connectRedis(redis: Redis, url: string, outages?: { logger: RedisOutageLogger; connection: string }): Promise<Redis> {
  // A refused first connection is reported once, by the error below, not also by ioredis's own
  // "Unhandled error event" print with a stack trace.
  let connectionError: Error | undefined;
  const ignoreWhileConnecting = (error: Error) => {
    connectionError ??= error;
  };
  redis.on('error', ignoreWhileConnecting);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    const cause = connectionError ?? error;
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new RedisUnreachableError(`Cannot reach Redis at REDIS_URL=${url} (${detail}). Start Redis or set REDIS_URL.`);
  }
  redis.off('error', ignoreWhileConnecting);
  let away = false;
  redis.on('error', (error: Error) => {
    if (away) return;
    away = true;
    outages?.logger.warn({ err: error, connection: outages.connection }, 'Redis connection lost; reconnecting');
  });
  redis.on('ready', () => {
    if (!away) return;
    away = false;
    outages?.logger.info({ connection: outages.connection }, 'Redis connection back');
  });
  return redis;
}

/**
 * Subscribes to `channel` now and again after every reconnect, each attempt's failure handled (the next
 * reconnect tries again). ioredis's own re-subscription (`autoResubscribe`, switched off here) leaves its
 * promise unhandled, so a subscriber closed while it was in flight (a shutdown right after Redis came
 * back) rejected with nobody listening. `onSubscribed` runs after each subscription that Redis confirmed.
 * Resolves, once the first is confirmed, with a function that stops the re-subscribing.
 */
export async function subscribeAcrossReconnects(subscriber: Pick<Redis, 'subscribe' | 'on' | 'off' | 'options'>, channel: string, onSubscribed: () => void = () => undefined): Promise<() => void> {
  subscriber.options.autoResubscribe = false;
  let subscribed = false;
  const subscribeAgain = () => {
    // A 'ready' while the first subscription below is under way belongs to that one.
    if (subscribed) subscriber.subscribe(channel).then(onSubscribed, () => undefined);
  };
  subscriber.on('ready', subscribeAgain);
  try {
    await subscriber.subscribe(channel);
  } catch (error) {
    subscriber.off('ready', subscribeAgain);
    throw error;
  }
  subscribed = true;
  onSubscribed();
  return () => subscriber.off('ready', subscribeAgain);
}
