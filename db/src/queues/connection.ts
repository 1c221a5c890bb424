import { Redis } from 'ioredis';
import type { Config } from '../config.ts';

/**
 * BullMQ's keys live under `<REDIS_KEY_PREFIX>bull:<queue>:...`: the same namespace as the app's own keys
 * (so a test file's cleanup removes them too), but apart from them. BullMQ takes this as its `prefix`
 * option; an ioredis `keyPrefix` would break its Lua scripts.
 */
export function queuePrefix(config: Pick<Config, 'redis'>): string {
  return `${config.redis.keyPrefix.replace(/:$/, '')}:bull`;
}

/** A connection for BullMQ: no key prefix, and no retry limit, which BullMQ's blocking commands need. */
export function createQueueConnection(config: Pick<Config, 'redis'>): Redis {
  return new Redis(config.redis.url, { maxRetriesPerRequest: null, lazyConnect: true });
}
