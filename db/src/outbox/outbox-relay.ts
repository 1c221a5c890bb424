import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { Config } from '../config.ts';
import { allInOrder, commitBehind, withPoolTransaction } from '../pool-transaction.ts';
import { prepared } from '../prepared-statements.ts';
import { subscribeAcrossReconnects } from '../redis.ts';
import type { JobQueues } from '../queues/job-queues.ts';
import type { JobRegistry } from '../queues/registry.ts';
import { jobsOfEvents, notifiableEventSql, WEBHOOK_SUBSCRIBED_SQL, type SharedJob } from './event-jobs.ts';
import { aggregateEventsChannel, allEventsChannel, outboxCommittedChannel, type OutboxJob, type OutboxMessage } from './outbox.ts';

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

/** Serialises publishing passes (and lets replay readers wait for one in flight): see docs/realtime.md. */
export const OUTBOX_PUBLISH_LOCK_KEY = 604_100_001;

export interface OutboxRelayOptions {
  config: Pick<Config, 'redis' | 'shoppers'>;
  pool: pg.Pool;
  queues: Pick<JobQueues<JobRegistry>, 'enqueue'>;
  /** A connection that is not in subscriber mode, for PUBLISH. */
  publisher: Pick<Redis, 'publish'>;
  batchSize?: number;
  /** How long an idle relay waits before looking again: the bound for rows whose commit woke nobody. */
  pollIntervalMs?: number;
  /**
   * A Redis connection of its own (it goes into subscriber mode) on which the relay hears of commits
   * that wrote outbox rows (`outboxCommittedChannel`, published by onOutboxCommitted listeners), so that
   * it runs at once instead of at the next poll. Without it the relay only polls.
   */
  wakeSubscriber?: Pick<Redis, 'subscribe' | 'on' | 'off' | 'unsubscribe' | 'options'>;
  /**
   * How long a woken relay waits for company before its pass (default 10 ms): under load every commit
   * wakes it, and a pass per commit would pay the pass's fixed cost (its transaction, lock and claim,
   * subscriptions, positions, marking: five round trips) for one or two rows each time.
   */
  wakeLingerMs?: number;
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
 * Several relays (one per worker process) share the work one pass at a time: a pass takes the publishing
 * lock below first, and its claim, a later statement, reads under READ COMMITTED a snapshot taken once the
 * lock was granted, which holds every earlier pass's marks; so no two passes take the same rows, and the
 * claim needs no row locks of its own (each would be one more write to the row's page and to the WAL).
 * Rows are marked published only after their jobs are enqueued, in the claiming transaction; a relay that
 * dies in between leaves them unmarked and the next pass enqueues them again, which is harmless because job
 * ids are deterministic (`<job>@<key>`) and BullMQ ignores a second job with an existing id. Pub/sub
 * messages may then arrive twice: they carry the event id.
 *
 * Publishing passes take a transaction-scoped advisory lock, one at a time across every relay, and hand
 * each published row the next `published_sequence` while holding it: positions therefore follow the order
 * in which rows were published, and a position seen on Redis is never followed by a smaller one. Replay
 * readers take the same lock in shared mode, so they never read while a pass has published but not yet
 * committed (docs/realtime.md).
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly wakeLingerMs: number;
  private stopResubscribing: (() => void) | undefined;
  private running: Promise<void> | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;
  /** Set by a notification: another pass is due even if the last one came back short. */
  private nudged = false;
  private readonly onWake = (channel: string) => {
    if (channel === outboxCommittedChannel(this.options.config)) this.nudge();
  };

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? 200;
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.wakeLingerMs = options.wakeLingerMs ?? 10;
  }

  /** One batch: claim, enqueue, publish, mark. Returns how many rows it published. */
  async relayOnce(): Promise<RelayPass> {
    return withPoolTransaction(this.options.pool, async (client) => {
      // Sent together (the transaction is pipelined, db/src/pool-transaction.ts) and run in order: the
      // claim starts once the publishing lock is granted. Both named, so planned once per connection. The
      // claim also takes each row's position and reads whether a webhook endpoint wants it (WEBHOOK_SUBSCRIBED_SQL)
      // and whether a chat reaches its shopper (notifiableEventSql).
      const [, { rows }] = await allInOrder([
        client.query(prepared('select pg_advisory_xact_lock($1)', [OUTBOX_PUBLISH_LOCK_KEY])),
        client.query<OutboxRow & { position: string; webhookSubscribed: boolean; notifiable: boolean }>(
          prepared(
            `select claimed.id, claimed.type, claimed.aggregate_type as "aggregateType", claimed.aggregate_id as "aggregateId",
                    claimed.merchant_id as "merchantId", claimed.payload, claimed.jobs, claimed.created_at as "createdAt",
                    nextval('outbox_published_sequence') as position, ${WEBHOOK_SUBSCRIBED_SQL} as "webhookSubscribed",
                    ${notifiableEventSql('claimed', '$2::boolean')} as notifiable
               from (select id, sequence, type, aggregate_type, aggregate_id, merchant_id, payload, jobs, created_at
                       from outbox
                      where published_at is null
                      order by sequence
                      limit $1) as claimed
              order by claimed.sequence`,
            [this.batchSize, Boolean(this.options.config.shoppers.telegramBotToken)],
          ),
        ),
      ]);
      if (rows.length === 0) return { published: 0, failed: 0 };
      // Taken under the publishing lock, so later passes get larger ones; handed out ascending in row order
      // whatever order PostgreSQL computed them in. A row that fails below leaves its position unused.
      const positions = rows.map((row) => Number(row.position)).sort((left, right) => left - right);

      const published: OutboxRow[] = [];
      const publishedPositions: number[] = [];
      const failures: { id: string; error: string }[] = [];
      const { perEvent, shared } = jobsOfEvents(rows);
      const [outcomes, sharedOutcomes] = await Promise.all([
        Promise.allSettled(rows.map((row, index) => this.enqueueJobs(row, perEvent[index] as OutboxJob[]))),
        Promise.allSettled(shared.map(({ job }) => this.enqueueJobs(null, [job]))),
      ]);
      // A row whose own jobs or shared job could not be enqueued is not published.
      const reasons = new Map<number, unknown>();
      outcomes.forEach((outcome, index) => {
        if (outcome.status === 'rejected') reasons.set(index, outcome.reason);
      });
      sharedOutcomes.forEach((outcome, part) => {
        if (outcome.status === 'rejected') for (const index of (shared[part] as SharedJob).eventIndexes) if (!reasons.has(index)) reasons.set(index, outcome.reason);
      });
      rows.forEach((row, index) => {
        if (!reasons.has(index)) {
          published.push(row);
          publishedPositions.push(positions[index] as number);
          return;
        }
        // One bad row must not hold back the others; it stays unpublished and is retried next pass.
        const error = reasons.get(index);
        failures.push({ id: row.id, error: error instanceof Error ? error.message : String(error) });
        this.options.logger?.error({ err: error, outboxId: row.id, type: row.type }, 'outbox row could not be relayed');
      });
      await this.publish(published, publishedPositions);
      await this.options.afterEnqueue?.(published.map((row) => row.id));

      // The marks and the commit leave together: nothing is checked after them.
      const marked = published.length
        ? client.query(
            `update outbox o set published_at = now(), published_sequence = p.position, publish_attempts = o.publish_attempts + 1
               from unnest($1::uuid[], $2::bigint[]) as p(id, position)
              where o.id = p.id`,
            [published.map((row) => row.id), publishedPositions],
          )
        : null;
      const noted = failures.length
        ? client.query(
            `update outbox o set publish_attempts = o.publish_attempts + 1, last_error = f.error
               from unnest($1::uuid[], $2::text[]) as f(id, error)
              where o.id = f.id`,
            [failures.map((failure) => failure.id), failures.map((failure) => failure.error)],
          )
        : null;
      commitBehind(client);
      await allInOrder([marked, noted]);
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
    const subscriber = this.options.wakeSubscriber;
    if (subscriber) {
      subscriber.on('message', this.onWake);
      // Until the subscription is in place only the poll wakes the relay; it runs a pass once it is, and
      // again after every reconnect (wake-ups published meanwhile are lost).
      subscribeAcrossReconnects(subscriber, outboxCommittedChannel(this.options.config), () => this.nudge()).then(
        (stopResubscribing) => {
          if (this.stopping) stopResubscribing();
          else this.stopResubscribing = stopResubscribing;
        },
        (error: unknown) => this.options.logger?.error({ err: error }, 'outbox relay could not subscribe to its wake-up channel; polling only'),
      );
    }
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const subscriber = this.options.wakeSubscriber;
    if (subscriber) {
      subscriber.off('message', this.onWake);
      this.stopResubscribing?.();
      this.stopResubscribing = undefined;
      await subscriber.unsubscribe(outboxCommittedChannel(this.options.config)).catch(() => undefined);
    }
    this.wake?.();
    await this.running;
    this.running = null;
  }

  /** Runs a pass now rather than at the next poll (someone just committed outbox rows). */
  nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      this.nudged = false;
      let pass: RelayPass = { published: 0, failed: 0 };
      try {
        pass = await this.relayOnce();
      } catch (error) {
        this.options.logger?.error({ err: error }, 'outbox relay pass failed');
      }
      if (pass.published + pass.failed >= this.batchSize && pass.failed === 0) continue;
      if (this.stopping) continue;
      const woken = this.nudged || (await this.sleep(this.pollIntervalMs));
      // Not cut short by further nudges (under load one arrives with every commit); stop waits it out.
      if (woken && this.wakeLingerMs > 0 && !this.stopping) await new Promise((resolve) => setTimeout(resolve, this.wakeLingerMs));
    }
  }

  /** Waits `milliseconds`, or less if woken (a nudge, stop): answers whether it was woken. */
  private async sleep(milliseconds: number): Promise<boolean> {
    const woken = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), milliseconds);
      this.wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
    this.wake = null;
    return woken;
  }

  /** Enqueues a row's own jobs (written with it) and the jobs its type starts; `row` null: jobs of no one row. */
  private async enqueueJobs(row: OutboxRow | null, jobsOfType: OutboxJob[]): Promise<void> {
    const jobs = [...(row?.jobs ?? []), ...jobsOfType.map((job) => ({ ...job, runAt: job.runAt?.toISOString() ?? null }))];
    for (const job of jobs) {
      const delayMs = job.runAt === null ? 0 : Math.max(0, Date.parse(job.runAt) - Date.now());
      await this.options.queues.enqueue(job.name, job.payload as never, { key: job.key, delayMs });
    }
  }

  private async publish(rows: OutboxRow[], positions: number[]): Promise<void> {
    const { config, publisher } = this.options;
    // Sent in position order on one connection, so every subscriber hears them in that order.
    await Promise.all(
      rows.flatMap((row, index) => {
        const message: OutboxMessage = {
          id: row.id,
          publishedSequence: positions[index] as number,
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
