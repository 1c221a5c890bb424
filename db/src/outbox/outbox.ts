import type { Config } from '../config.ts';
import { newId } from '../ids.ts';
import { afterCommit, type Queryable } from '../pool-transaction.ts';
import type { JOBS, JobName, JobPayload } from '../queues/registry.ts';
import { SqlParameters } from '../sql-parameters.ts';

/** A job the relay enqueues for an event, with the deterministic key that makes a second enqueue a no-op. */
export type OutboxJob = {
  [Name in JobName]: {
    name: Name;
    key: string;
    payload: JobPayload<Name, typeof JOBS>;
    /** When the job should run; the relay turns it into a delay at enqueue time, so relay lag never extends it. */
    runAt?: Date;
  };
}[JobName];

/** A domain event (`order.paid`) about one record, with the jobs it starts. */
export interface OutboxEvent {
  type: `${string}.${string}`;
  aggregateType: string;
  aggregateId: string;
  merchantId?: string | null;
  payload: Record<string, unknown>;
  jobs?: OutboxJob[];
}

/**
 * What subscribers receive on Redis: the event with its id, so a message delivered twice can be told, and
 * its published position: handed out by the relay in the order rows become visible, so "everything after
 * position N" is a well-defined resume point (docs/realtime.md).
 */
export interface OutboxMessage {
  id: string;
  publishedSequence: number;
  type: string;
  aggregateType: string;
  aggregateId: string;
  merchantId: string | null;
  payload: Record<string, unknown>;
  occurredAt: string;
}

export const OUTBOX_COLUMNS = 'id, type, aggregate_type, aggregate_id, merchant_id, payload, jobs';

/**
 * The value expressions of one outbox row, in OUTBOX_COLUMNS order, for callers that write their state
 * and its event in one statement (`insert into outbox (OUTBOX_COLUMNS) select ... from <cte>`).
 * Returns the new event's id too.
 */
export function outboxRowSql(parameters: SqlParameters, event: OutboxEvent): { id: string; expressions: string[] } {
  const id = newId();
  const jobs = (event.jobs ?? []).map((job) => ({ name: job.name, key: job.key, payload: job.payload, runAt: job.runAt?.toISOString() ?? null }));
  return {
    id,
    expressions: [
      parameters.add(id, 'uuid'),
      parameters.add(event.type, 'text'),
      parameters.add(event.aggregateType, 'text'),
      parameters.add(event.aggregateId, 'uuid'),
      parameters.add(event.merchantId ?? null, 'uuid'),
      parameters.add(JSON.stringify(event.payload), 'jsonb'),
      parameters.add(JSON.stringify(jobs), 'jsonb'),
    ],
  };
}

/**
 * Writes an event into the outbox on the caller's client, so it commits (or rolls back) together with
 * the state change it describes; the relay publishes it after the commit. Returns the event's id.
 */
export async function addToOutbox(client: Queryable, event: OutboxEvent): Promise<string> {
  const parameters = new SqlParameters();
  const row = outboxRowSql(parameters, event);
  await client.query(`insert into outbox (${OUTBOX_COLUMNS}) values (${row.expressions.join(', ')})`, parameters.values);
  noteOutboxWrite(client);
  return row.id;
}

const committedListeners = new Set<() => void>();
let listenersScheduled = false;

/**
 * Commits that end in the same turn of the event loop share one call of the listeners: under load several
 * do, and each call is a Redis message to the relay (the API's listener) that wakes it for a pass which
 * would find every one of those rows anyway. setImmediate runs at the end of the turn, so no commit's
 * wake-up waits longer than the work already queued in that turn.
 */
function outboxCommitted(): void {
  if (listenersScheduled) return;
  listenersScheduled = true;
  setImmediate(callCommittedListeners);
}

function callCommittedListeners(): void {
  listenersScheduled = false;
  for (const listener of committedListeners) {
    try {
      listener();
    } catch {
      // A wake-up is an optimisation: the relay's poll picks the rows up anyway.
    }
  }
}

/**
 * Call after writing outbox rows on a client of withPoolTransaction (addToOutbox does): once the
 * transaction commits, the listeners of onOutboxCommitted hear of it, so the relay runs at once instead of
 * at its next poll. Rows written any other way are still relayed, at the poll.
 */
export function noteOutboxWrite(client: Queryable): void {
  afterCommit(client, outboxCommitted);
}

/** Hears of every commit that wrote outbox rows in this process (docs/realtime.md); returns the unsubscribe. */
export function onOutboxCommitted(listener: () => void): () => void {
  committedListeners.add(listener);
  return () => committedListeners.delete(listener);
}

/**
 * Redis pub/sub channels. Channel names are not touched by ioredis' keyPrefix, so the prefix is added
 * here: deployments (and test files) sharing one Redis never hear each other.
 */
export function allEventsChannel(config: Pick<Config, 'redis'>): string {
  return `${config.redis.keyPrefix}events`;
}

/** Where processes that commit outbox rows wake the relay (an empty message: "look now"). */
export function outboxCommittedChannel(config: Pick<Config, 'redis'>): string {
  return `${config.redis.keyPrefix}outbox:committed`;
}

export function aggregateEventsChannel(config: Pick<Config, 'redis'>, aggregateType: string, aggregateId: string): string {
  return `${config.redis.keyPrefix}events:${aggregateType}:${aggregateId}`;
}
