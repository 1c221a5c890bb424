import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnvironment, type TestEnvironment } from '../testing/databases.ts';
import { JobQueues } from './job-queues.ts';

let environment: TestEnvironment;
beforeAll(async () => {
  environment = await createTestEnvironment();
});
afterAll(() => environment?.cleanup());

/** Rejections nobody handled while a test ran (Vitest would report them after the fact, under another file's name). */
const unhandled: unknown[] = [];
const collect = (reason: unknown) => unhandled.push(reason);
beforeAll(() => {
  process.on('unhandledRejection', collect);
});
afterAll(() => {
  process.off('unhandledRejection', collect);
});
afterEach(() => {
  unhandled.length = 0;
});

/** Lets rejections of the closed connections surface (they settle over a few turns of the event loop). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

describe('JobQueues.close', () => {
  it('closes queues still starting up (as an app stopped right after it booted) with no rejection left unhandled', async () => {
    for (let round = 0; round < 5; round += 1) {
      const queues = new JobQueues(environment.config);
      expect(queues.allQueues().length).toBeGreaterThan(1);
      await queues.close();
    }
    await settle();
    expect(unhandled).toEqual([]);
  });

  it('closes, within its bound, queues whose Redis never answers, with no rejection left unhandled', async () => {
    const unreachable = { redis: { ...environment.config.redis, url: 'redis://127.0.0.1:1' } };
    const queues = new JobQueues(unreachable);
    queues.allQueues();
    const started = Date.now();
    await queues.close();
    expect(Date.now() - started).toBeLessThan(5_000);
    await settle();
    expect(unhandled).toEqual([]);
  });
});
