import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessRuleError } from '../../db/src/errors.ts';
import { newId } from '../../db/src/ids.ts';
import { enqueueDueWork, type DueWork } from '../../db/src/queues/due-work.ts';
import { JobQueues } from '../../db/src/queues/job-queues.ts';
import { JOBS, jobId } from '../../db/src/queues/registry.ts';
import type { Services } from '../../db/src/services.ts';
import { createTestEnvironment, type TestEnvironment } from '../../db/src/testing/databases.ts';
import { startJobWorkers } from '../src/job-workers.ts';

/**
 * The Redis side of the due-work sweeper: given work the database calls due, it adds a job where there is
 * none, leaves a waiting one alone, replaces one that finished while the work is still due, and leaves a
 * job that failed for good to an operator instead of retrying it forever. (The database side, and the
 * whole recovery after a Redis flush, run in settlement-journey.test.ts and order-jobs.test.ts.)
 */
let environment: TestEnvironment;
let queues: JobQueues;

beforeAll(async () => {
  environment = await createTestEnvironment();
  queues = new JobQueues(environment.config);
});
afterAll(async () => {
  await queues?.close();
  await environment?.cleanup();
});

const settle = (orderId: string): DueWork => ({ name: 'order.settle', key: orderId, payload: { orderId } });

async function stateOf(orderId: string): Promise<string | undefined> {
  return (await queues.queue('orders').getJob(jobId('order.settle', orderId)))?.getState();
}

describe('enqueueing due work', () => {
  it('adds missing jobs, keeps waiting ones, replaces finished ones still due and leaves failed ones alone', async () => {
    const [finishedEarly, failedForGood, waiting, missing] = [newId(), newId(), newId(), newId()];
    // Two jobs run through a worker first: one completes without settling, one fails for good.
    const worker = await startJobWorkers({
      config: environment.config,
      services: {} as Services,
      logger: pino({ level: 'silent' }),
      registry: { 'order.settle': JOBS['order.settle'] },
      scheduleRepeatableJobs: false,
      processors: {
        'order.settle': async (payload: { orderId: string }) => {
          if (payload.orderId === failedForGood) throw new BusinessRuleError('no_escrow', 'Nothing to settle.');
          return { status: 'not_completed' };
        },
      },
    });
    await queues.enqueue('order.settle', { orderId: finishedEarly }, { key: finishedEarly });
    await queues.enqueue('order.settle', { orderId: failedForGood }, { key: failedForGood });
    const deadline = Date.now() + 10_000;
    while ((await stateOf(finishedEarly)) !== 'completed' || (await stateOf(failedForGood)) !== 'failed') {
      if (Date.now() > deadline) throw new Error('the jobs did not finish');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await worker.close();
    await queues.enqueue('order.settle', { orderId: waiting }, { key: waiting });

    const report = await enqueueDueWork(queues, [finishedEarly, failedForGood, waiting, missing].map(settle));
    expect(report).toEqual({ due: { 'order.settle': 4 }, enqueued: { 'order.settle': 2 }, failed: { 'order.settle': 1 } });
    expect(await stateOf(finishedEarly)).toBe('waiting');
    expect(await stateOf(missing)).toBe('waiting');
    expect(await stateOf(waiting)).toBe('waiting');
    expect(await stateOf(failedForGood)).toBe('failed');
    // A second pass while they wait adds nothing.
    expect(await enqueueDueWork(queues, [finishedEarly, waiting, missing].map(settle))).toEqual({ due: { 'order.settle': 3 }, enqueued: {}, failed: {} });
  });
});
