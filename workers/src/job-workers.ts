import { Value } from '@sinclair/typebox/value';
import { UnrecoverableError, Worker, type Job, type WorkerOptions } from 'bullmq';
import type { Logger } from 'pino';
import type { Config } from '../../db/src/config.ts';
import { DomainError, type DomainErrorType } from '../../db/src/errors.ts';
import { createQueueConnection, queuePrefix } from '../../db/src/queues/connection.ts';
import { JobQueues } from '../../db/src/queues/job-queues.ts';
import { JOBS, type JobRegistry } from '../../db/src/queues/registry.ts';
import { JobOutcomeRecorder } from '../../db/src/queues/job-metrics.ts';
import { retryAfterBackoff } from '../../db/src/queues/retry-after.ts';
import type { Services } from '../../db/src/services.ts';
import type { Processor } from './processor.ts';

/** Failures that the same input will always hit again: retrying them only delays the answer. */
const PERMANENT_ERROR_TYPES: ReadonlySet<DomainErrorType> = new Set(['validation', 'not_found', 'conflict', 'business_rule']);

export function isPermanentFailure(error: unknown): error is DomainError {
  return error instanceof DomainError && PERMANENT_ERROR_TYPES.has(error.type);
}

export class ProcessorRegistryError extends Error {
  override name = 'ProcessorRegistryError';
}

/** The boot check: every job of the registry has a processor, and every processor a job. */
export function assertProcessorsMatchRegistry(registry: JobRegistry, processors: Record<string, Processor<never>>): void {
  const missing = Object.keys(registry).filter((name) => typeof processors[name] !== 'function');
  if (missing.length) {
    throw new ProcessorRegistryError(`No processor for job ${missing.join(', ')}: add workers/src/processors/<job>.ts and list it in workers/src/processors/index.ts.`);
  }
  const unknown = Object.keys(processors).filter((name) => !Object.hasOwn(registry, name));
  if (unknown.length) throw new ProcessorRegistryError(`Processor for unknown job ${unknown.join(', ')}: add it to db/src/queues/registry.ts.`);
}

export interface StartJobWorkersOptions {
  config: Pick<Config, 'redis'>;
  services: Services;
  processors: Record<string, Processor<never>>;
  logger: Logger;
  registry?: JobRegistry;
  /** Tests shorten the lock and stall timings; production keeps BullMQ's (30 s). */
  workerOptions?: Pick<WorkerOptions, 'concurrency' | 'lockDuration' | 'stalledInterval' | 'maxStalledCount'>;
  /** Whether to create the schedulers of repeatable jobs (default true). */
  scheduleRepeatableJobs?: boolean;
}

export interface JobWorkers {
  workers: Worker[];
  queues: JobQueues<JobRegistry>;
  /** Stops taking jobs and waits for the active ones to finish. */
  close(): Promise<void>;
}

/** Starts one BullMQ worker per queue of the registry, dispatching each job to its processor by name. */
export async function startJobWorkers(options: StartJobWorkersOptions): Promise<JobWorkers> {
  const { config, services, processors, logger } = options;
  const registry: JobRegistry = options.registry ?? JOBS;
  assertProcessorsMatchRegistry(registry, processors);

  async function processJob(job: Job): Promise<unknown> {
    const definition = registry[job.name];
    const processor = processors[job.name] as Processor | undefined;
    if (!definition || !processor) throw new UnrecoverableError(`No processor for job ${job.name}.`);
    const invalid = Value.Errors(definition.payload, job.data).First();
    if (invalid) throw new UnrecoverableError(`Job ${job.name} payload is invalid at ${invalid.path || '/'}: ${invalid.message}`);
    try {
      return await processor(job.data, { services, job, queues });
    } catch (error) {
      if (isPermanentFailure(error)) throw new UnrecoverableError(`${error.code}: ${error.message}`);
      throw error;
    }
  }

  const queues = new JobQueues(config, registry);
  const connection = createQueueConnection(config);
  // Outcomes and timings for /metrics (db/src/queues/job-metrics.ts), added to Redis once a second.
  const outcomes = new JobOutcomeRecorder(connection, config, (error) => logger.debug({ err: error }, 'job metrics not recorded'));
  const queueNames = [...new Set(Object.values(registry).map((definition) => definition.queue))];
  const workers = queueNames.map((name) => {
    // Processors wait on PostgreSQL and HTTP, not the CPU: a few at once per queue, well inside the pool.
    const worker = new Worker(name, processJob, {
      connection,
      prefix: queuePrefix(config),
      concurrency: 4,
      // Jobs with `backoff: {type: 'retry_after'}` wait what the other side asked for (db/src/queues/retry-after.ts).
      settings: { backoffStrategy: retryAfterBackoff },
      ...options.workerOptions,
    });
    const record = (job: Job, outcome: 'completed' | 'failed') => {
      const startedAtMs = job.processedOn ?? Date.now();
      const dueAtMs = job.timestamp + (job.opts.delay ?? 0);
      outcomes.record({ queue: name, name: job.name, outcome, waitMs: startedAtMs - dueAtMs, processingMs: (job.finishedOn ?? Date.now()) - startedAtMs });
    };
    worker.on('completed', (job) => record(job, 'completed'));
    worker.on('failed', (job, error) => {
      if (job) record(job, 'failed');
      const retrying = job !== undefined && !(error instanceof UnrecoverableError) && job.attemptsMade < (job.opts.attempts ?? 1);
      logger.warn({ queue: name, job: job?.name, jobId: job?.id, attemptsMade: job?.attemptsMade, retrying, err: error }, 'job failed');
    });
    worker.on('completed', (job) => logger.debug({ queue: name, job: job.name, jobId: job.id }, 'job completed'));
    worker.on('error', (error) => logger.error({ queue: name, err: error }, 'worker error'));
    return worker;
  });
  await Promise.all(workers.map((worker) => worker.waitUntilReady()));
  if (options.scheduleRepeatableJobs !== false) {
    const scheduled = await queues.scheduleRepeatableJobs();
    logger.info({ queues: queueNames, scheduled }, 'workers started');
  }

  return {
    workers,
    queues,
    async close() {
      await Promise.allSettled(workers.map((worker) => worker.close()));
      await outcomes.close();
      await queues.close();
      connection.disconnect();
    },
  };
}
