import pg from 'pg';
import { assert } from './errors.ts';

/** Anything that runs SQL: the pool itself, or one client holding a transaction open. */
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

const afterCommitCallbacks = new WeakMap<object, (() => void)[]>();

/**
 * Runs `callback` once the transaction open on `client` (by withPoolTransaction) has committed; dropped if
 * it rolls back. For signals that must not go out before the data is visible (waking the outbox relay,
 * asking the ledger's sealer for a run). It runs before withPoolTransaction returns, once the client is
 * back in the pool; work it starts is not awaited, and a callback must not throw.
 */
export function afterCommit(client: Queryable, callback: () => void): void {
  const callbacks = afterCommitCallbacks.get(client);
  if (callbacks) {
    if (!callbacks.includes(callback)) callbacks.push(callback);
  } else afterCommitCallbacks.set(client, [callback]);
}

/**
 * Awaits statements that one transaction sent together (pipelined, so that they cost one round trip):
 * every one settles before the caller goes on, so a failure can never start the rollback while a sibling
 * is still about to write (it would write outside the transaction); then the first failure in the order
 * they were sent, the cause rather than PostgreSQL's "current transaction is aborted", is thrown.
 */
export async function allInOrder<const Statements extends readonly unknown[]>(statements: Statements): Promise<{ -readonly [Index in keyof Statements]: Awaited<Statements[Index]> }> {
  const outcomes = await Promise.allSettled(statements);
  const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failure) throw failure.reason;
  return outcomes.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value) as { -readonly [Index in keyof Statements]: Awaited<Statements[Index]> };
}

const commitsSent = new WeakMap<object, Promise<pg.QueryResult>>();

/**
 * Sends the transaction's `commit` now, right behind the statements `work` has already sent, so that its
 * last statements and the commit share one round trip instead of costing two (withPoolTransaction then
 * waits for this commit instead of sending its own). PostgreSQL answers in order: if one of those
 * statements fails, the transaction is aborted and this commit rolls it back.
 *
 * Only for a transaction whose statements sent so far may all be kept whatever `work` does next: after
 * this call `work` sends nothing, and it may throw only because one of those statements failed, or to
 * refuse a change that its statement did not write (a conditional write that matched nothing). A check
 * that would throw on a statement's answer after it has written something must come before this call.
 */
export function commitBehind(client: pg.PoolClient): void {
  assert(!commitsSent.has(client), 'a transaction commits once');
  const committing = client.query('commit');
  committing.catch(() => undefined);
  commitsSent.set(client, committing);
}

/** PostgreSQL's deadlock_detected: the transaction was chosen as the victim, nothing of it was kept. */
const DEADLOCK_DETECTED = '40P01';
const DEADLOCK_ATTEMPTS = 3;

/**
 * Runs `work` inside one transaction on one pooled client: commits if it returns, rolls back if it
 * throws (and rethrows), and always gives the client back. A transaction that PostgreSQL breaks as a
 * deadlock's victim is run again from the start, a bounded number of times: ledger writers lock only the
 * accounts they touch (docs/ledger.md §5), so a transaction that posts twice can meet another in the
 * opposite order; `work` must therefore be safe to run again (it only talks to the database).
 */
export async function withPoolTransaction<Result>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<Result>): Promise<Result> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await runPoolTransaction(pool, work);
    } catch (error) {
      if ((error as { code?: string }).code !== DEADLOCK_DETECTED || attempt >= DEADLOCK_ATTEMPTS) throw error;
    }
  }
}

/** node-postgres' pipeline mode, switched per transaction (the typings declare it read-only). */
type PipelineSwitch = { pipeline: boolean };

/**
 * Switches a pooled client into or out of node-postgres' pipeline mode: statements are written without
 * waiting for the previous one's answer. A client must leave it before it goes back to the pool.
 */
export function setPipelineMode(client: pg.PoolClient, on: boolean): void {
  (client as unknown as PipelineSwitch).pipeline = on;
}

/** The socket under a node-postgres client: not in its typings. */
type ClientStream = { connection: { stream: { cork(): void; uncork(): void } } };

/**
 * The pool's client: in pipeline mode, the statements issued in one synchronous run (a transaction's
 * `begin` and its first statements, `allInOrder([...])`, the last statements and `commitBehind`) leave in
 * one socket write instead of one write each. node-postgres corks the socket only around each statement's
 * own messages; every write to PostgreSQL over loopback is a system call that also runs the receiving side
 * of the connection and wakes its backend, which then reads, runs and answers each statement on its own.
 * Held only until the end of the current tick (`process.nextTick` runs before any promise continuation),
 * so no statement waits longer than it would have.
 */
export class StatementBatchingClient extends pg.Client {
  private corked = false;

  override query: pg.Client['query'] = ((...parameters: unknown[]) => {
    if ((this as unknown as PipelineSwitch).pipeline && !this.corked) {
      const { stream } = (this as unknown as ClientStream).connection;
      stream.cork();
      this.corked = true;
      process.nextTick(() => {
        this.corked = false;
        stream.uncork();
      });
    }
    return (super.query as (...parameters: unknown[]) => unknown)(...parameters);
  }) as pg.Client['query'];
}

async function runPoolTransaction<Result>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<Result>): Promise<Result> {
  const client = await pool.connect();
  let broken = false;
  let result: Result;
  let callbacks: (() => void)[] | undefined;
  // In pipeline mode node-postgres writes a statement without waiting for the previous one's answer, so
  // `begin` leaves with the first statement of `work` instead of costing a round trip of its own (one of
  // three to five per request on the store's write paths). Statements that `work` awaits one by one run
  // as before; PostgreSQL answers in order, and a failed one fails the rest of the transaction. The
  // client leaves pipeline mode before it goes back to the pool: streams (pg-query-stream) refuse it.
  setPipelineMode(client, true);
  // Callbacks left on this pooled connection by a transaction that withPoolTransaction did not run (a
  // caller's own begin/commit) belong to that one, not to this.
  afterCommitCallbacks.delete(client);
  commitsSent.delete(client);
  const begun = client.query('begin');
  begun.catch(() => undefined);
  try {
    result = await work(client);
    await begun;
    const committed = await (commitsSent.get(client) ?? client.query('commit'));
    // PostgreSQL answers a commit of an aborted transaction with ROLLBACK: a statement sent before
    // commitBehind failed and `work` returned without awaiting it.
    assert(committed.command === 'COMMIT', 'a transaction whose work succeeded commits');
    callbacks = afterCommitCallbacks.get(client);
    afterCommitCallbacks.delete(client);
  } catch (error) {
    afterCommitCallbacks.delete(client);
    const commitSent = commitsSent.get(client);
    // With the commit already sent, the transaction has ended either way (commitBehind says why keeping
    // it is safe); otherwise it is rolled back. A client that can do neither is in an unknown state:
    // destroy it rather than reuse it.
    await (commitSent ?? client.query('rollback')).catch(() => {
      broken = true;
    });
    throw error;
  } finally {
    commitsSent.delete(client);
    setPipelineMode(client, false);
    client.release(broken);
  }
  // After the client went back to the pool: work a callback starts that needs a connection of its own (the
  // ledger's sealer) must never wait for one that this very transaction holds.
  for (const callback of callbacks ?? []) callback();
  return result;
}
