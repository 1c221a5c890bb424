import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '../redis.ts';
import { createTestEnvironment, type TestEnvironment } from '../testing/databases.ts';
import { createQueueConnection } from './connection.ts';
import { JOB_DURATION_BUCKETS_SECONDS, JobOutcomeRecorder, readJobMetrics } from './job-metrics.ts';

let environment: TestEnvironment;
beforeAll(async () => {
  environment = await createTestEnvironment();
});
afterAll(async () => {
  await environment?.cleanup();
});

describe('JobOutcomeRecorder', () => {
  it('adds what several jobs did to the shared hash in one flush, and nothing before it', async () => {
    const unprefixed = createQueueConnection(environment.config);
    const prefixed = createRedis(environment.config);
    const errors: unknown[] = [];
    // An interval far beyond the test: only the explicit flushes below write.
    const recorder = new JobOutcomeRecorder(unprefixed, environment.config, (error) => errors.push(error), 3_600_000);
    try {
      recorder.record({ queue: 'notifications', name: 'notification.send', outcome: 'completed', waitMs: 3, processingMs: 20 });
      recorder.record({ queue: 'notifications', name: 'notification.send', outcome: 'completed', waitMs: 7, processingMs: 40 });
      recorder.record({ queue: 'notifications', name: 'notification.send', outcome: 'failed', waitMs: -5, processingMs: 2_000 });
      expect(await readJobMetrics(prefixed)).toEqual([]);

      await recorder.flush();
      const [series] = await readJobMetrics(prefixed);
      expect(series).toMatchObject({ queue: 'notifications', name: 'notification.send', completed: 2, failed: 1 });
      expect(series!.processing.sum).toBeCloseTo(2.06, 9);
      // A clock that says the job started before it was due counts as no wait at all.
      expect(series!.wait.sum).toBeCloseTo(0.01, 9);
      const bucketOf = (seconds: number) => JOB_DURATION_BUCKETS_SECONDS.findIndex((bound) => seconds <= bound);
      expect(series!.processing.buckets[bucketOf(0.02)]).toBe(1);
      expect(series!.processing.buckets[bucketOf(0.04)]).toBe(1);
      expect(series!.processing.buckets[bucketOf(2)]).toBe(1);
      expect(series!.wait.buckets[bucketOf(0.003)]).toBe(2);
      expect(series!.wait.buckets[bucketOf(0.007)]).toBe(1);

      // Later outcomes add to the same fields; close flushes what is left.
      recorder.record({ queue: 'notifications', name: 'notification.send', outcome: 'completed', waitMs: 1, processingMs: 1 });
      await recorder.close();
      expect((await readJobMetrics(prefixed))[0]).toMatchObject({ completed: 3, failed: 1 });
      expect(errors).toEqual([]);
    } finally {
      unprefixed.disconnect();
      prefixed.disconnect();
    }
  });
});
