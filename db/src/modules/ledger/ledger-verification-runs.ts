import { actorId, type Actor } from '../../actor.ts';
import type { Database } from '../../database.ts';
import { ForbiddenError, NotFoundError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { addToOutbox } from '../../outbox/outbox.ts';
import { withPoolTransaction } from '../../pool-transaction.ts';
import { UUID_PATTERN } from './ledger-engine.ts';
import { verifyLedger, type LedgerVerification, type VerifyLedgerOptions } from './ledger-verify.ts';

export type VerificationRunStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface VerificationRun {
  id: string;
  status: VerificationRunStatus;
  requestedBy: string | null;
  /** The verifier's verdict once it ran: true for a sound ledger. */
  ok: boolean | null;
  report: LedgerVerification | null;
  /** Why the run itself failed (the database went away ...), not a problem found in the ledger. */
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

const RUN_COLUMNS = `id, status, requested_by as "requestedBy", ok, report, error, created_at as "createdAt", started_at as "startedAt", finished_at as "finishedAt"`;

function assertOperator(actor: Actor): void {
  const operator = actor.type === 'operator' || actor.type === 'system' || (actor.type === 'staff' && actor.isOperator);
  if (!operator) throw new ForbiddenError('operator_only', 'Only platform operators may do this.');
}

/**
 * Verification runs (docs/ledger.md §4): an operator starts one, the workers carry it out (job
 * `ledger.verify`, enqueued through the outbox in the same transaction as the run's row), and the
 * operator reads the report by the run's id. The verifier reads one snapshot, so a run is clean while
 * transfers keep being written; a run that was interrupted is simply run again (it only reads).
 */
export class LedgerVerificationRuns {
  constructor(
    private readonly database: Database,
    private readonly options: VerifyLedgerOptions = {},
  ) {}

  async start(actor: Actor): Promise<VerificationRun> {
    assertOperator(actor);
    const id = newId();
    return withPoolTransaction(this.database.pool, async (client) => {
      const { rows } = await client.query<VerificationRun>(
        `insert into ledger_verification_run (id, status, requested_by) values ($1, 'queued', $2) returning ${RUN_COLUMNS}`,
        [id, actorId(actor)],
      );
      await addToOutbox(client, {
        type: 'ledger.verification_requested',
        aggregateType: 'ledger_verification_run',
        aggregateId: id,
        payload: { runId: id, requestedBy: actorId(actor) },
        jobs: [{ name: 'ledger.verify', key: id, payload: { runId: id } }],
      });
      return rows[0]!;
    });
  }

  async get(actor: Actor, id: string): Promise<VerificationRun> {
    assertOperator(actor);
    const run = UUID_PATTERN.test(id) ? await this.find(id) : null;
    if (!run) throw new NotFoundError('ledger_verification_run', id);
    return run;
  }

  async find(id: string): Promise<VerificationRun | null> {
    const { rows } = await this.database.pool.query<VerificationRun>(`select ${RUN_COLUMNS} from ledger_verification_run where id = $1`, [id]);
    return rows[0] ?? null;
  }

  /**
   * The sweeper behind the job (`ledger.verify_sweep`): the database, not Redis, knows which runs are
   * owed. A run still queued after `queuedForMs`, or running for longer than `runningForMs` (its worker
   * died and Redis lost the job), gets its job again through the outbox; the job id is the run's, so a
   * job that still exists is not added twice.
   */
  async resumeStale(now: Date = new Date(), queuedForMs = 5 * 60_000, runningForMs = 60 * 60_000): Promise<{ resumed: string[] }> {
    return withPoolTransaction(this.database.pool, async (client) => {
      const { rows } = await client.query<{ id: string }>(
        `select id from ledger_verification_run
          where (status = 'queued' and created_at < $1) or (status = 'running' and started_at < $2)
          order by created_at limit 100
          for update skip locked`,
        [new Date(now.getTime() - queuedForMs), new Date(now.getTime() - runningForMs)],
      );
      for (const { id } of rows) {
        await addToOutbox(client, {
          type: 'ledger.verification_resumed',
          aggregateType: 'ledger_verification_run',
          aggregateId: id,
          payload: { runId: id },
          jobs: [{ name: 'ledger.verify', key: id, payload: { runId: id } }],
        });
      }
      return { resumed: rows.map((row) => row.id) };
    });
  }

  /**
   * The job: runs the verifier and records its report. A finished run is left as it is (a redelivered
   * job changes nothing); a queued, interrupted or failed one runs (again).
   */
  async run(id: string): Promise<VerificationRun | null> {
    const claimed = await this.database.pool.query(
      `update ledger_verification_run set status = 'running', started_at = now(), error = null where id = $1 and status <> 'succeeded'`,
      [id],
    );
    if (claimed.rowCount === 0) return this.find(id);
    let report: LedgerVerification;
    try {
      report = await verifyLedger(this.database.pool, this.options);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.database.pool.query(`update ledger_verification_run set status = 'failed', error = $2, finished_at = now() where id = $1`, [id, message]);
      throw error;
    }
    await this.database.pool.query(`update ledger_verification_run set status = 'succeeded', ok = $2, report = $3, finished_at = now() where id = $1`, [
      id,
      report.ok,
      JSON.stringify(report),
    ]);
    return this.find(id);
  }
}
