import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { Config } from '../config.ts';
import { withPoolTransaction } from '../pool-transaction.ts';
import type { JobQueues } from '../queues/job-queues.ts';
import type { JobRegistry } from '../queues/registry.ts';
import { jobsOfEventTypes } from './event-jobs.ts';
import { aggregateEventsChannel, allEventsChannel, type OutboxJob, type OutboxMessage } from './outbox.ts';

interface OutboxRow {
  id: string;
  type: string;
  aggregateType: string;
  aggregateId: string;
  merchantId: string | null;
  payload: Record<string, unknown>;
  jobs: { name: string; key: string; payload: unknown; runAt: string | null }[];
  createdAt: Date;
}

export interface OutboxRelayOptions {
  config: Pick<Config, 'redis'>;
  pool: pg.Pool;
  queues: Pick<JobQueues<JobRegistry>, 'enqueue'>;
  /** A connection that is not in subscriber mode, for PUBLISH. */
  publisher: Pick<Redis, 'publish'>;
  batchSize?: number;
  /** How long an idle relay waits before looking again. */
  pollIntervalMs?: number;
  logger?: { error(object: object, message: string): void };
  /** Test seam: runs after a batch is enqueued and published, before it is marked. Throwing here is a crash. */
  afterEnqueue?: (eventIds: string[]) => Promise<void> | void;
}

export interface RelayPass {
  published: number;
  failed: number;
}

/**
 * Turns committed outbox rows into BullMQ jobs and Redis pub/sub messages: at least once, never lost.
 *
 * A batch is claimed with `for update skip locked`, so several relays (one per worker process) share the
 * work without taking the same rows. Rows are marked published only after their jobs are enqueued, in
 * the claiming transaction; a relay that dies in between leaves them unmarked and the next pass enqueues
 * them again, which is harmless because job ids are deterministic (`<job>@<key>`) and BullMQ ignores a
 * second job with an existing id. Pub/sub messages may then arrive twice: they carry the event id.
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private running: Promise<void> | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? 200;
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
  }

  /** One batch: claim, enqueue, publish, mark. Returns how many rows it published. */
  async relayOnce(): Promise<RelayPass> {
    return withPoolTransaction(this.options.pool, async (client) => {
      const { rows } = await client.query<OutboxRow>(
        `select id, type, aggregate_type as "aggregateType", aggregate_id as "aggregateId", merchant_id as "merchantId",
                payload, jobs, created_at as "createdAt"
           from outbox
          where published_at is null
          order by sequence
          limit $1
          for update skip locked`,
        [this.batchSize],
      );
      if (rows.length === 0) return { published: 0, failed: 0 };

      const published: OutboxRow[] = [];
      const failures: { id: string; error: string }[] = [];
      // Plus the jobs that follow from the events' types (webhooks, notifications: event-jobs.ts).
      const jobsOfTypes = await jobsOfEventTypes(client, rows);
      const outcomes = await Promise.allSettled(rows.map((row) => this.enqueueJobs(row, jobsOfTypes.get(row.id) ?? [])));
      outcomes.forEach((outcome, index) => {
        const row = rows[index] as OutboxRow;
        if (outcome.status === 'fulfilled') {
          published.push(row);
          return;
        }
        // One bad row must not hold back the others; it stays unpublished and is retried next pass.
        const error = outcome.reason;
        failures.push({ id: row.id, error: error instanceof Error ? error.message : String(error) });
        this.options.logger?.error({ err: error, outboxId: row.id, type: row.type }, 'outbox row could not be relayed');
      });
      await this.publish(published);
      await this.options.afterEnqueue?.(published.map((row) => row.id));

      if (published.length) {
        await client.query(`update outbox set published_at = now(), publish_attempts = publish_attempts + 1 where id = any($1::uuid[])`, [
          published.map((row) => row.id),
        ]);
      }
      if (failures.length) {
        await client.query(
          `update outbox o set publish_attempts = o.publish_attempts + 1, last_error = f.error
             from unnest($1::uuid[], $2::text[]) as f(id, error)
            where o.id = f.id`,
          [failures.map((failure) => failure.id), failures.map((failure) => failure.error)],
        );
      }
      return { published: published.length, failed: failures.length };
    });
  }

  /** Relays until the outbox is empty; for tests and the shutdown path. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const pass = await this.relayOnce();
      total += pass.published;
      if (pass.published + pass.failed < this.batchSize) return total;
    }
  }

  /** Starts the loop: a full batch is followed at once by the next, an empty one by a short wait. */
  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
    this.running = null;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let pass: RelayPass = { published: 0, failed: 0 };
      try {
        pass = await this.relayOnce();
      } catch (error) {
        this.options.logger?.error({ err: error }, 'outbox relay pass failed');
      }
      if (pass.published + pass.failed >= this.batchSize && pass.failed === 0) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.pollIntervalMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  private async enqueueJobs(row: OutboxRow, jobsOfType: OutboxJob[]): Promise<void> {
    const jobs = [...row.jobs, ...jobsOfType.map((job) => ({ ...job, runAt: job.runAt?.toISOString() ?? null }))];
    for (const job of jobs) {
      const delayMs = job.runAt === null ? 0 : Math.max(0, Date.parse(job.runAt) - Date.now());
      await this.options.queues.enqueue(job.name, job.payload as never, { key: job.key, delayMs });
    }
  }

  private async publish(rows: OutboxRow[]): Promise<void> {
    const { config, publisher } = this.options;
    await Promise.all(
      rows.flatMap((row) => {
        const message: OutboxMessage = {
          id: row.id,
          type: row.type,
          aggregateType: row.aggregateType,
          aggregateId: row.aggregateId,
          merchantId: row.merchantId,
          payload: row.payload,
          occurredAt: row.createdAt.toISOString(),
        };
        const text = JSON.stringify(message);
        return [publisher.publish(allEventsChannel(config), text), publisher.publish(aggregateEventsChannel(config, row.aggregateType, row.aggregateId), text)];
      }),
    );
  }

  /** Deletes published rows older than the cutoff; the outbox is a conveyor, not an archive. */
  static async purgePublished(pool: pg.Pool, olderThan: Date, limit = 10_000): Promise<number> {
    const result = await pool.query(
      `delete from outbox where id in (
         select id from outbox where published_at is not null and published_at < $1 order by published_at limit $2
       )`,
      [olderThan, limit],
    );
    return result.rowCount ?? 0;
  }
}
