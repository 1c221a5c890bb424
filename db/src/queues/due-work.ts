import type { Queryable } from '../pool-transaction.ts';
import type { JobQueues } from './job-queues.ts';
import { jobId, type JobName, type JobPayload, type JobRegistry } from './registry.ts';

/** A piece of work the database says is due: the job that does it, under its deterministic key. */
export type DueWork = { [Name in JobName]: { name: Name; key: string; payload: JobPayload<Name> } }[JobName];

/**
 * One kind of due work, read from the database, which is the source of truth: whatever Redis lost (a
 * flush, a crash between a commit and its enqueue), these queries find again. Each is served by a
 * partial index and returns the oldest first.
 */
export interface DueWorkSource {
  name: JobName;
  find(queryable: Queryable, now: Date, limit: number): Promise<DueWork[]>;
}

function orderJobs<Name extends 'order.auto_confirm' | 'order.settle'>(name: Name, sql: string): DueWorkSource {
  return {
    name,
    async find(queryable, now, limit) {
      const { rows } = await queryable.query<{ id: string }>(sql, [now, limit]);
      return rows.map((row) => ({ name, key: row.id, payload: { orderId: row.id } }) as DueWork);
    },
  };
}

/** Open red envelopes past their deadline: the unclaimed rest is owed back to the sender (docs/social.md). */
const redEnvelopeReturns: DueWorkSource = {
  name: 'red_envelope.return',
  async find(queryable, now, limit) {
    const { rows } = await queryable.query<{ id: string }>(`select id from red_envelope where status = 'open' and expires_at <= $1 order by expires_at limit $2`, [now, limit]);
    return rows.map((row) => ({ name: 'red_envelope.return', key: row.id, payload: { envelopeId: row.id } }));
  },
};

/** Open group-buy teams past their window: every hold is owed back and the stock to the shelf (docs/social.md §2). */
const groupBuyTeamExpiries: DueWorkSource = {
  name: 'group_buy.expire',
  async find(queryable, now, limit) {
    const { rows } = await queryable.query<{ id: string }>(`select id from group_buy_team where status = 'open' and expires_at <= $1 order by expires_at limit $2`, [now, limit]);
    return rows.map((row) => ({ name: 'group_buy.expire', key: row.id, payload: { teamId: row.id } }));
  },
};

export const DUE_WORK_SOURCES: readonly DueWorkSource[] = [
  redEnvelopeReturns,
  groupBuyTeamExpiries,
  // Delivered orders whose shopper did not confirm receipt in time.
  orderJobs(
    'order.auto_confirm',
    `select id from shop_order where completed_at is null and auto_confirm_at is not null and auto_confirm_at <= $1 and status in ('delivered', 'partially_refunded')
      order by auto_confirm_at limit $2`,
  ),
  // Completed orders whose settlement has not been posted ($1 is unused: a completed order is due at once).
  orderJobs('order.settle', `select id from shop_order where completed_at is not null and settled_at is null and $1::timestamptz is not null order by completed_at limit $2`),
];

export interface DueWorkReport {
  /** Due records found, per job name. */
  due: Record<string, number>;
  /** Jobs added because Redis had none (or only a finished one) for due work. */
  enqueued: Record<string, number>;
  /** Due work whose job failed for good: left for an operator (bull-board), not retried forever. */
  failed: Record<string, number>;
}

/** Finds every kind of due work, up to `limit` of each. */
export async function findDueWork(queryable: Queryable, now: Date, limit = 500, sources: readonly DueWorkSource[] = DUE_WORK_SOURCES): Promise<DueWork[]> {
  const found = await Promise.all(sources.map((source) => source.find(queryable, now, limit)));
  return found.flat();
}

/**
 * Gives each piece of due work a job unless one is waiting, delayed or running: a job that finished
 * while the database still calls the work due (it ran before it was due, or completed with nothing to
 * do) is replaced; a failed one is left alone. The ids are the usual deterministic ones, so the sweeper
 * and the outbox relay can race harmlessly.
 */
export async function enqueueDueWork(queues: JobQueues<JobRegistry>, work: readonly DueWork[]): Promise<DueWorkReport> {
  const report: DueWorkReport = { due: {}, enqueued: {}, failed: {} };
  const count = (bucket: Record<string, number>, name: string) => {
    bucket[name] = (bucket[name] ?? 0) + 1;
  };
  for (const item of work) {
    count(report.due, item.name);
    const queue = queues.queue(queues.definitionQueue(item.name));
    const existing = await queue.getJob(jobId(item.name, item.key));
    if (existing) {
      const state = await existing.getState();
      if (state === 'failed') {
        count(report.failed, item.name);
        continue;
      }
      if (state !== 'completed' && state !== 'unknown') continue;
      // Finished, yet the work is still due: run it again.
      await existing.remove().catch(() => undefined);
    }
    await queues.enqueue(item.name, item.payload as never, { key: item.key });
    count(report.enqueued, item.name);
  }
  return report;
}

/** The database side of the sweeper, as a service the workers share. */
export class DueWorkFinder {
  constructor(private readonly queryable: Queryable) {}

  find(now: Date = new Date(), limit = 500): Promise<DueWork[]> {
    return findDueWork(this.queryable, now, limit);
  }
}
