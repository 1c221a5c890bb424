import type { Redis } from 'ioredis';
import type { Config } from '../config.ts';

/**
 * Job outcomes and timings, recorded by the workers into one Redis hash and read by the API at scrape
 * time (/metrics): the processes that run jobs have no HTTP port, and BullMQ's own metrics count only
 * completions and failures per minute, not how long a job waited or ran. Counters only ever grow, like
 * Prometheus counters; a Redis flush resets them, which Prometheus' rate() reads as a restart.
 */
export const JOB_DURATION_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] as const;

/** The hash's key under REDIS_KEY_PREFIX: the app's prefixed connection reads it by this name. */
export const JOB_METRICS_KEY = 'job-metrics';

/** The full key, for connections without the key prefix (BullMQ's, which the workers record on). */
export function jobMetricsKey(config: Pick<Config, 'redis'>): string {
  return `${config.redis.keyPrefix}${JOB_METRICS_KEY}`;
}

export interface JobOutcome {
  queue: string;
  name: string;
  outcome: 'completed' | 'failed';
  /** From when the job was due (enqueued, or its delay over) to when a worker took it. */
  waitMs: number;
  /** From when a worker took it to when it ended. */
  processingMs: number;
}

function bucketIndex(seconds: number): number {
  const index = JOB_DURATION_BUCKETS_SECONDS.findIndex((bound) => seconds <= bound);
  return index === -1 ? JOB_DURATION_BUCKETS_SECONDS.length : index;
}

/** One job attempt's outcome; several workers add to the same hash (HINCRBY is atomic). */
export async function recordJobOutcome(redis: Pick<Redis, 'multi'>, config: Pick<Config, 'redis'>, outcome: JobOutcome): Promise<void> {
  const key = jobMetricsKey(config);
  const prefix = `${outcome.queue}|${outcome.name}`;
  const waitSeconds = Math.max(0, outcome.waitMs) / 1000;
  const processingSeconds = Math.max(0, outcome.processingMs) / 1000;
  await redis
    .multi()
    .hincrby(key, `${prefix}|${outcome.outcome}`, 1)
    .hincrbyfloat(key, `${prefix}|processing_sum`, processingSeconds)
    .hincrby(key, `${prefix}|processing_bucket|${bucketIndex(processingSeconds)}`, 1)
    .hincrbyfloat(key, `${prefix}|wait_sum`, waitSeconds)
    .hincrby(key, `${prefix}|wait_bucket|${bucketIndex(waitSeconds)}`, 1)
    .exec();
}

export interface JobSeries {
  queue: string;
  name: string;
  completed: number;
  failed: number;
  processing: { sum: number; buckets: number[] };
  wait: { sum: number; buckets: number[] };
}

/**
 * Everything recorded, one series per (queue, job name); bucket counts are per bucket, not cumulative.
 * Takes the app's connection, which adds REDIS_KEY_PREFIX itself.
 */
export async function readJobMetrics(prefixedRedis: Pick<Redis, 'hgetall'>): Promise<JobSeries[]> {
  const fields = await prefixedRedis.hgetall(JOB_METRICS_KEY);
  const series = new Map<string, JobSeries>();
  const empty = () => new Array<number>(JOB_DURATION_BUCKETS_SECONDS.length + 1).fill(0);
  for (const [field, text] of Object.entries(fields)) {
    const [queue, name, measure, index] = field.split('|') as [string, string, string, string | undefined];
    const id = `${queue}|${name}`;
    let entry = series.get(id);
    if (!entry) {
      entry = { queue, name, completed: 0, failed: 0, processing: { sum: 0, buckets: empty() }, wait: { sum: 0, buckets: empty() } };
      series.set(id, entry);
    }
    const value = Number(text);
    if (measure === 'completed' || measure === 'failed') entry[measure] = value;
    else if (measure === 'processing_sum') entry.processing.sum = value;
    else if (measure === 'wait_sum') entry.wait.sum = value;
    else if (measure === 'processing_bucket' && index !== undefined) entry.processing.buckets[Number(index)] = value;
    else if (measure === 'wait_bucket' && index !== undefined) entry.wait.buckets[Number(index)] = value;
  }
  return [...series.values()];
}
