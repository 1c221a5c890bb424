import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BusinessRuleError } from '../../db/src/errors.ts';
import { newId } from '../../db/src/ids.ts';
import { JobQueues } from '../../db/src/queues/job-queues.ts';
import { JOBS, jobId } from '../../db/src/queues/registry.ts';
import { connectRedis, createRedis } from '../../db/src/redis.ts';
import { createServices, type Services } from '../../db/src/services.ts';
import { createTestEnvironment, type TestEnvironment } from '../../db/src/testing/databases.ts';
import { ProcessorRegistryError, startJobWorkers, type JobWorkers, type StartJobWorkersOptions } from '../src/job-workers.ts';
import { processors } from '../src/processors/index.ts';
import { FAST_STALL_OPTIONS, testJobs } from './fixtures/test-jobs.ts';

let environment: TestEnvironment;
let redis: Redis;
let services: Services;
let queues: JobQueues<typeof testJobs>;
const running: JobWorkers[] = [];
const silent = pino({ level: 'silent' });
// Every worker here uses the short stall timings: BullMQ throttles stall checks per queue by the interval
// of the last worker that checked, so one worker with the default 30 s would hide the dead worker's job.
const calls: string[] = [];

const testProcessors: StartJobWorkersOptions['processors'] = {
  'test.open_shop': async (payload: { merchantId: string; slug: string }, context) =>
    context.services.shops.create({ type: 'api_key', apiKeyId: newId(), merchantId: payload.merchantId, role: 'owner' }, { slug: payload.slug, name: payload.slug, currency: 'EUR' }),
  'test.refuse': async (payload: { transient: boolean }, { job }) => {
    calls.push(`${job.id}#${job.attemptsMade}`);
    if (payload.transient) throw new Error('the carrier API timed out');
    throw new BusinessRuleError('order_not_payable', 'The order was cancelled.');
  },
  'test.slow': async () => 'finished by the second worker',
};

async function startTestWorkers(overrides: Partial<StartJobWorkersOptions> = {}): Promise<JobWorkers> {
  const workers = await startJobWorkers({ config: environment.config, services, logger: silent, registry: testJobs, processors: testProcessors, scheduleRepeatableJobs: false, workerOptions: FAST_STALL_OPTIONS, ...overrides });
  running.push(workers);
  return workers;
}

/** Waits for a job to complete or fail for good, then reads it (read after the state: it is final then). */
async function finished(id: string, timeoutMs = 20_000) {
  const queue = queues.queue('maintenance');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const state = await queue.getJobState(id);
    if (state === 'completed' || state === 'failed') {
      const job = await queue.getJob(id);
      if (job) return { job, state };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`job ${id} did not finish within ${timeoutMs} ms`);
}

beforeAll(async () => {
  environment = await createTestEnvironment();
  redis = await connectRedis(createRedis(environment.config), environment.config.redis.url);
  services = createServices({ config: environment.config, database: environment.database, redis });
  queues = new JobQueues(environment.config, testJobs);
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((workers) => workers.close()));
});
afterAll(async () => {
  await queues?.close();
  redis?.disconnect();
  await environment?.cleanup();
});

describe('the queue registry and its processors', () => {
  it('has a processor for every job of the real registry', async () => {
    const workers = await startJobWorkers({ config: environment.config, services, processors, logger: silent, scheduleRepeatableJobs: false, workerOptions: FAST_STALL_OPTIONS });
    running.push(workers);
    expect(Object.keys(processors).sort()).toEqual(Object.keys(JOBS).sort());
  });

  it('refuses to boot when a job of the registry has no processor, naming the job', async () => {
    const { 'test.slow': _slow, ...withoutSlow } = testProcessors;
    await expect(startTestWorkers({ processors: withoutSlow })).rejects.toThrow(ProcessorRegistryError);
    await expect(startTestWorkers({ processors: withoutSlow })).rejects.toThrow(/test\.slow/);
  });

  it('refuses to boot with a processor for a job the registry does not know', async () => {
    await expect(startTestWorkers({ processors: { ...testProcessors, 'test.unknown': async () => null } })).rejects.toThrow(/test\.unknown/);
  });

  it('schedules each repeatable job once, however many workers boot', async () => {
    const realQueues = new JobQueues(environment.config);
    const repeatable = Object.entries(JOBS).filter(([, definition]) => definition.repeatEveryMs);
    try {
      expect(repeatable.map(([name]) => name)).toContain('auth.purge_expired');
      expect(await realQueues.scheduleRepeatableJobs()).toEqual(repeatable.map(([name]) => name));
      await realQueues.scheduleRepeatableJobs();
      for (const [name, definition] of repeatable) {
        const schedulers = (await realQueues.queue(definition.queue).getJobSchedulers()).filter((scheduler) => scheduler.key === name);
        expect(schedulers, name).toEqual([expect.objectContaining({ key: name, every: definition.repeatEveryMs })]);
      }
    } finally {
      for (const [name, definition] of repeatable) await realQueues.queue(definition.queue).removeJobScheduler(name);
      await realQueues.close();
    }
  });
});

describe('running jobs', () => {
  it('runs a job through its service and its effect is in the database; the same key enqueues once', async () => {
    const owner = await services.auth.signup({ merchantName: 'Queue Merchant', name: 'Queue Owner', email: `queue.${newId()}@example.test`, password: 'long enough password' });
    const merchantId = owner.merchant!.id;
    const first = await queues.enqueue('test.open_shop', { merchantId, slug: 'queued-shop' }, { key: merchantId });
    const second = await queues.enqueue('test.open_shop', { merchantId, slug: 'queued-shop' }, { key: merchantId });
    expect(first.id).toBe(jobId('test.open_shop', merchantId));
    expect(second.id).toBe(first.id);

    await startTestWorkers();
    const { state, job } = await finished(first.id as string);
    expect(state).toBe('completed');
    expect(job.returnvalue).toMatchObject({ slug: 'queued-shop', merchantId });
    const { rows } = await environment.database.pool.query('select slug from shop where merchant_id = $1', [merchantId]);
    expect(rows).toEqual([{ slug: 'queued-shop' }]);
  });

  it('runs auth.purge_expired with the real processor: expired refresh tokens go, live ones stay', async () => {
    const userId = newId();
    const { pool } = environment.database;
    await pool.query(`insert into staff_user (id, email, name, password_hash) values ($1, 'purge@example.test', 'Purge', 'x')`, [userId]);
    const insertToken = (id: string, expiresAt: string) =>
      pool.query(`insert into refresh_token (id, user_id, family_id, token_hash, expires_at) values ($1, $2, $1, $3, now() + $4::interval)`, [id, userId, `hash-${id}`, expiresAt]);
    const [expired, live] = [newId(), newId()];
    await insertToken(expired, '-3 days');
    await insertToken(live, '+3 days');

    const realQueues = new JobQueues(environment.config);
    try {
      const job = await realQueues.enqueue('auth.purge_expired', {}, { key: 'now' });
      const workers = await startJobWorkers({ config: environment.config, services, processors, logger: silent, scheduleRepeatableJobs: false, workerOptions: FAST_STALL_OPTIONS });
      running.push(workers);
      const result = await finished(job.id as string);
      expect(result.state).toBe('completed');
      expect(result.job.returnvalue).toMatchObject({ refreshTokensDeleted: 1 });
      const { rows } = await pool.query('select id from refresh_token where user_id = $1', [userId]);
      expect(rows).toEqual([{ id: live }]);
    } finally {
      await realQueues.close();
    }
  });

  it('refuses to enqueue a payload its registry entry does not accept, and enqueues nothing', async () => {
    await expect(queues.enqueue('test.open_shop', { merchantId: 42 } as never, { key: 'bad' })).rejects.toThrow(/payload is invalid/);
    expect(await queues.queue('maintenance').getJob(jobId('test.open_shop', 'bad'))).toBeUndefined();
  });

  it('does not retry a permanent failure (a business rule) and keeps the reason', async () => {
    const job = await queues.enqueue('test.refuse', { transient: false }, { key: 'permanent' });
    await startTestWorkers();
    const result = await finished(job.id as string);
    expect(result.state).toBe('failed');
    expect(result.job.failedReason).toBe('order_not_payable: The order was cancelled.');
    expect(calls.filter((call) => call.startsWith(job.id as string))).toEqual([`${job.id}#0`]);
  });

  it('retries a transient failure up to its attempts', async () => {
    const job = await queues.enqueue('test.refuse', { transient: true }, { key: 'transient' });
    await startTestWorkers();
    const result = await finished(job.id as string);
    expect(result.state).toBe('failed');
    expect(result.job.attemptsMade).toBe(3);
    expect(calls.filter((call) => call.startsWith(job.id as string))).toHaveLength(3);
  });

  it('fails a job whose payload does not match the registry without retrying it', async () => {
    const job = await queues.queue('maintenance').add('test.refuse', { transient: 'yes' }, { jobId: jobId('test.refuse', 'malformed'), attempts: 3 });
    await startTestWorkers();
    const result = await finished(job.id as string);
    expect(result.state).toBe('failed');
    expect(result.job.failedReason).toMatch(/payload is invalid at \/transient/);
    expect(calls.filter((call) => call.startsWith(job.id as string))).toEqual([]);
  });
});

describe('a worker that dies', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill('SIGKILL');
  });

  // Starting the second process compiles the workers first: seconds on a busy machine.
  it("hands its job to another worker once the dead worker's lock expires", { timeout: 90_000 }, async () => {
    const job = await queues.enqueue('test.slow', {}, { key: 'stalled' });
    const fixture = fileURLToPath(new URL('./fixtures/stalling-worker.ts', import.meta.url));
    child = spawn(process.execPath, ['--import', 'tsx', fixture], {
      env: { ...process.env, DATABASE_URL: environment.config.database.url, REDIS_URL: environment.config.redis.url, REDIS_KEY_PREFIX: environment.config.redis.keyPrefix },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout?.setEncoding('utf8');
    await new Promise<void>((resolve, reject) => {
      child?.stdout?.on('data', (chunk: string) => {
        output += chunk;
        if (output.includes(`started ${job.id}`)) resolve();
      });
      child?.once('exit', (code) => reject(new Error(`the stalling worker exited early with ${code}`)));
    });
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(await job.getState()).toBe('active');

    await startTestWorkers();
    const result = await finished(job.id as string);
    expect(result.state).toBe('completed');
    expect(result.job.returnvalue).toBe('finished by the second worker');
    expect(result.job.stalledCounter).toBe(1);
  });
});
