import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { JOB_DURATION_BUCKETS_SECONDS, readJobMetrics, type JobSeries } from '../../../../db/src/queues/job-metrics.ts';

/** The BullMQ states a job can be counted in. */
const JOB_STATES = ['waiting', 'active', 'delayed', 'completed', 'failed', 'paused', 'prioritized', 'waiting-children'] as const;

type MetricValue = { value: number; labels: Record<string, string>; metricName?: string };
type MetricType = 'gauge' | 'counter' | 'histogram';

/**
 * A metric whose values live outside this process (BullMQ's counts, the workers' records in Redis):
 * prom-client asks for them at scrape time through `get()`, as it does its own metrics.
 */
function externalMetric(name: string, help: string, type: MetricType, read: () => Promise<MetricValue[]>) {
  return {
    name,
    help,
    type,
    aggregator: 'sum' as const,
    async get() {
      return { name, help, type, aggregator: 'sum' as const, values: await read() };
    },
    reset() {},
  };
}

function histogramValues(name: string, series: JobSeries[], pick: (entry: JobSeries) => { sum: number; buckets: number[] }): MetricValue[] {
  return series.flatMap((entry) => {
    const labels = { queue: entry.queue, job: entry.name };
    const { sum, buckets } = pick(entry);
    let cumulative = 0;
    const bucketValues = JOB_DURATION_BUCKETS_SECONDS.map((bound, index) => {
      cumulative += buckets[index] ?? 0;
      return { metricName: `${name}_bucket`, labels: { ...labels, le: String(bound) }, value: cumulative };
    });
    const count = cumulative + (buckets[JOB_DURATION_BUCKETS_SECONDS.length] ?? 0);
    return [...bucketValues, { metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: count }, { metricName: `${name}_sum`, labels, value: sum }, { metricName: `${name}_count`, labels, value: count }];
  });
}

/**
 * Queue metrics on /metrics (docs in the README): job counts per queue and state, read from BullMQ at
 * scrape time, and the workers' counters of completed and failed attempts with wait and run durations
 * (db/src/queues/job-metrics.ts). Registered after fastify-metrics, in its registry.
 */
export default fp(
  async function queueMetrics(app: FastifyInstance) {
    const register = app.metrics.client.register;
    const jobMetrics = () => readJobMetrics(app.redis);
    const metrics = [
      externalMetric('minishop_queue_jobs', 'Jobs in each BullMQ queue by state, at scrape time', 'gauge', async () => {
        const counts = await Promise.all(app.jobQueues.allQueues().map(async (queue) => ({ queue: queue.name, counts: await queue.getJobCounts(...JOB_STATES) })));
        return counts.flatMap(({ queue, counts: byState }) => JOB_STATES.map((state) => ({ labels: { queue, state }, value: byState[state] ?? 0 })));
      }),
      externalMetric('minishop_jobs_completed_total', 'Job attempts that completed, by queue and job name (recorded by the workers)', 'counter', async () =>
        (await jobMetrics()).map((entry) => ({ labels: { queue: entry.queue, job: entry.name }, value: entry.completed })),
      ),
      externalMetric('minishop_jobs_failed_total', 'Job attempts that failed (retried or not), by queue and job name (recorded by the workers)', 'counter', async () =>
        (await jobMetrics()).map((entry) => ({ labels: { queue: entry.queue, job: entry.name }, value: entry.failed })),
      ),
      externalMetric('minishop_job_processing_seconds', 'How long job attempts ran, by queue and job name', 'histogram', async () =>
        histogramValues('minishop_job_processing_seconds', await jobMetrics(), (entry) => entry.processing),
      ),
      externalMetric('minishop_job_wait_seconds', 'How long jobs waited from due to started, by queue and job name', 'histogram', async () =>
        histogramValues('minishop_job_wait_seconds', await jobMetrics(), (entry) => entry.wait),
      ),
    ];
    for (const metric of metrics) register.registerMetric(metric as never);
  },
  { name: 'queue-metrics', dependencies: ['job-queues'] },
);
