import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, createRedis } from '../../../db/src/redis.ts';
import { createTestEnvironment, type TestEnvironment } from '../../../db/src/testing/databases.ts';
import { batchedRateLimitStore } from './batched-rate-limit-store.ts';

let environment: TestEnvironment;
let redis: Redis;

beforeAll(async () => {
  environment = await createTestEnvironment();
  redis = await connectRedis(createRedis(environment.config), environment.config.redis.url);
});

afterAll(async () => {
  redis.disconnect();
  await environment.cleanup();
});

type Store = InstanceType<ReturnType<typeof batchedRateLimitStore>>;

function count(store: Store, key: string, windowMs = 60_000): Promise<{ current: number; ttl: number }> {
  return new Promise((resolve, reject) => store.incr(key, (error, result) => (error || !result ? reject(error) : resolve(result)), windowMs));
}

describe('batchedRateLimitStore: counted in memory, summed over the API processes in Redis', () => {
  it('counts a client per process at once, and over every process after a flush', async () => {
    const Store = batchedRateLimitStore(redis, 'rate-limit-test:');
    const apiOne = new Store();
    const apiTwo = new Store();
    expect((await count(apiOne, '10.0.0.1')).current).toBe(1);
    expect((await count(apiOne, '10.0.0.1')).current).toBe(2);
    expect((await count(apiTwo, '10.0.0.1')).current).toBe(1);
    expect((await count(apiTwo, '10.0.0.2')).current).toBe(1);
    await apiOne.flush();
    await apiTwo.flush();
    // A process learns the others' requests when it sends its own: the second to flush saw all 3 so far.
    const fromTwo = await count(apiTwo, '10.0.0.1');
    expect(fromTwo.current).toBe(4);
    expect(fromTwo.ttl).toBeGreaterThan(59_000);
    expect(fromTwo.ttl).toBeLessThanOrEqual(60_000);
    // The first flushed before the second's request reached Redis: it lags one flush behind, then catches up.
    expect((await count(apiOne, '10.0.0.1')).current).toBe(3);
    await apiTwo.flush();
    await apiOne.flush();
    expect((await count(apiOne, '10.0.0.1')).current).toBe(6);
    await apiOne.flush();
    expect(Number(await redis.get('rate-limit-test:10.0.0.1'))).toBe(6);
    expect(Number(await redis.get('rate-limit-test:10.0.0.2'))).toBe(1);
  });

  it('starts a fresh window when the shared one ends, and keeps route limits apart', async () => {
    const Store = batchedRateLimitStore(redis, 'rate-limit-window-test:');
    const store = new Store();
    await count(store, '10.0.0.3', 300);
    await count(store, '10.0.0.3', 300);
    await store.flush();
    expect(await redis.pttl('rate-limit-window-test:10.0.0.3')).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect((await count(store, '10.0.0.3', 300)).current).toBe(1);

    const loginRoute = store.child({ routeInfo: { method: 'POST', url: '/api/auth/login' } });
    expect((await count(loginRoute, '10.0.0.3')).current).toBe(1);
    await loginRoute.flush();
    expect(Number(await redis.get('rate-limit-window-test:POST/api/auth/login-10.0.0.3'))).toBe(1);
  });

  it('flushes by itself within the interval', async () => {
    const Store = batchedRateLimitStore(redis, 'rate-limit-timer-test:');
    const store = new Store();
    await count(store, '10.0.0.4');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(Number(await redis.get('rate-limit-timer-test:10.0.0.4'))).toBe(1);
  });
});
