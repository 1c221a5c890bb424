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

/** How often a worker process adds what its jobs did to the shared hash. */
export const JOB_METRICS_FLUSH_INTERVAL_MS = 1_000;

/**
 * Job outcomes counted in the worker process's memory and added to the shared hash once a second, in one
 * transaction of HINCRBY/HINCRBYFLOAT (atomic, so several worker processes add to the same fields). Under
 * load a job costs no Redis round trip of its own for its metrics (it cost a five-command MULTI each); a
 * scrape sees a job's outcome within a second. Counts not yet added are lost if the process is killed:
 * one second of metrics, never a job.
 */
export class JobOutcomeRecorder {
  private counts = new Map<string, number>();
  private sums = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly redis: Pick<Redis, 'multi'>,
    private readonly config: Pick<Config, 'redis'>,
    private readonly onError: (error: unknown) => void,
    intervalMs = JOB_METRICS_FLUSH_INTERVAL_MS,
  ) {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  record(outcome: JobOutcome): void {
    const prefix = `${outcome.queue}|${outcome.name}`;
    const waitSeconds = Math.max(0, outcome.waitMs) / 1000;
    const processingSeconds = Math.max(0, outcome.processingMs) / 1000;
    this.add(this.counts, `${prefix}|${outcome.outcome}`, 1);
    this.add(this.counts, `${prefix}|processing_bucket|${bucketIndex(processingSeconds)}`, 1);
    this.add(this.counts, `${prefix}|wait_bucket|${bucketIndex(waitSeconds)}`, 1);
    this.add(this.sums, `${prefix}|processing_sum`, processingSeconds);
    this.add(this.sums, `${prefix}|wait_sum`, waitSeconds);
  }

  /** Adds what was recorded since the last flush; one flush at a time, in order. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.send());
    return this.flushing;
  }

  /** Stops the timer and adds what is left. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private add(into: Map<string, number>, field: string, amount: number): void {
    into.set(field, (into.get(field) ?? 0) + amount);
  }

  private async send(): Promise<void> {
    if (this.counts.size === 0 && this.sums.size === 0) return;
    const counts = this.counts;
    const sums = this.sums;
    this.counts = new Map();
    this.sums = new Map();
    const key = jobMetricsKey(this.config);
    const transaction = this.redis.multi();
    for (const [field, amount] of counts) transaction.hincrby(key, field, amount);
    for (const [field, amount] of sums) transaction.hincrbyfloat(key, field, amount);
    // Metrics are not worth a retry: a Redis hiccup loses this second's counts, nothing else.
    await transaction.exec().then(
      () => undefined,
      (error: unknown) => this.onError(error),
    );
  }
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
