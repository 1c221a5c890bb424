import { actorId, type Actor } from '../../actor.ts';
import type { Database } from '../../database.ts';
import { ConflictError, NotFoundError } from '../../errors.ts';
import { silentLogger, type ServiceLogger } from '../../service-logger.ts';
import { assertPlatformScope } from '../finance/finance-scope.ts';
import type { OrdersService } from '../orders/orders.service.ts';
import type { PayoutsService } from '../payouts/payouts.service.ts';
import type { WalletsService } from '../wallets/wallets.service.ts';
import { MONEY_RECORD_KINDS, type MoneyAttentionItem, type MoneyAttentionQueryInput, type MoneyAttentionResolveInput, type MoneyRecordKind, type MoneyRecordState } from './money-recovery.schemas.ts';

export interface MoneySweeperOptions {
  /** A record untouched (no attempt) for this long is due: its job died, or its process did. */
  staleAfterSeconds: number;
  /** After this many attempts the sweeper stops retrying and flags the record for an operator. */
  maxAttempts: number;
}

export interface SweepReport {
  refundsRetried: number;
  payoutsRetried: number;
  payoutsExpired: number;
  topUpsRetried: number;
  flagged: number;
}

const BATCH = 100;

/**
 * The safety net of money that leaves (docs/payments.md, "Recovery"). Every refund, payout and top-up
 * keeps its state in the database; the job or request that should finish it can die (a crash between
 * the commit and the provider call, a worker killed, a job's retries spent). Every minute the sweeper
 * reads the stale ones from the database, not from Redis, and finishes them through the same service
 * calls, which are idempotent by the record's id (the provider's key derives from it). A record whose
 * attempts are spent is flagged (`needs_attention_at`, `attention_reason`) and listed for operators.
 */
export class MoneySweeper {
  private readonly logger: ServiceLogger;

  constructor(
    private readonly dependencies: { database: Database; orders: OrdersService; payouts: PayoutsService; wallets: WalletsService; logger?: ServiceLogger },
    private readonly options: MoneySweeperOptions,
  ) {
    this.logger = dependencies.logger ?? silentLogger;
  }

  async sweep(now: Date = new Date()): Promise<SweepReport> {
    const staleBefore = new Date(now.getTime() - this.options.staleAfterSeconds * 1000);
    const report: SweepReport = { refundsRetried: 0, payoutsRetried: 0, payoutsExpired: 0, topUpsRetried: 0, flagged: 0 };

    for (const due of await this.due('order_refund', `status = 'pending' and method = 'card'`, staleBefore)) {
      if (await this.flagIfSpent('order_refund', due)) report.flagged += 1;
      else if (await this.retry('order_refund', due.id, () => this.retryOnce('order_refund', due.id))) report.refundsRetried += 1;
    }
    for (const due of await this.due('payout', `status = 'pending' and provider_reference is null`, staleBefore)) {
      if (await this.flagIfSpent('payout', due)) report.flagged += 1;
      else if (await this.retry('payout', due.id, () => this.retryOnce('payout', due.id))) report.payoutsRetried += 1;
    }
    report.payoutsExpired = (await this.dependencies.payouts.expireLapsedHolds()).expired;
    for (const due of await this.due('wallet_top_up', `status = 'pending' and payment_intent_id is null`, staleBefore)) {
      if (await this.flagIfSpent('wallet_top_up', due)) report.flagged += 1;
      else if (await this.retry('wallet_top_up', due.id, () => this.retryOnce('wallet_top_up', due.id))) report.topUpsRetried += 1;
    }
    return report;
  }

  /** What operators must look at: every refund, payout and top-up flagged by the sweeper or by a refusal, newest first. */
  async listAttention(actor: Actor, query: MoneyAttentionQueryInput = {}): Promise<MoneyAttentionItem[]> {
    assertPlatformScope(actor);
    const { rows } = await this.dependencies.database.pool.query<MoneyAttentionItem>(
      `select * from (
         select 'order_refund' as kind, id, merchant_id as "merchantId", amount_minor as "amountMinor", currency::text as currency, status,
                attention_reason as "attentionReason", needs_attention_at as "needsAttentionAt", attempt_count as "attemptCount",
                last_error as "lastError", order_id::text as "referenceId", created_at as "createdAt"
           from order_refund where needs_attention_at is not null and attention_resolved_at is null
         union all
         select 'payout', id, merchant_id, amount_minor, currency::text, status, attention_reason, needs_attention_at, attempt_count,
                last_error, provider_reference, created_at
           from payout where needs_attention_at is not null and attention_resolved_at is null
         union all
         select 'wallet_top_up', id, null, amount_minor, currency::text, status, attention_reason, needs_attention_at, attempt_count,
                last_error, payment_intent_id, created_at
           from wallet_top_up where needs_attention_at is not null and attention_resolved_at is null
       ) attention
       where $1::text is null or kind = $1
       order by "needsAttentionAt" desc, id limit 500`,
      [query.kind ?? null],
    );
    return rows;
  }

  /**
   * An operator sends a flagged record that is still pending back to work: the flag goes, its attempts
   * start again from zero, and one attempt runs now (its failure is recorded on the record as usual).
   */
  async retryFlagged(actor: Actor, kind: MoneyRecordKind, id: string): Promise<MoneyRecordState> {
    assertPlatformScope(actor);
    const record = await this.state(kind, id);
    if (record.status !== 'pending') throw new ConflictError('money_record_not_pending', `This ${kind} is ${record.status}; only a pending one can be retried. Resolve it instead.`);
    await this.dependencies.database.pool.query(
      `update ${kind} set needs_attention_at = null, attention_reason = null, attempt_count = 0, updated_at = now() where id = $1 and status = 'pending'`,
      [id],
    );
    this.logger.info({ kind, id, operator: actorId(actor) }, 'operator retries a flagged money record');
    await this.retry(kind, id, () => this.retryOnce(kind, id));
    return this.state(kind, id);
  }

  /** An operator settled a flagged record outside the platform: it leaves the list, with who did what. */
  async resolveFlagged(actor: Actor, kind: MoneyRecordKind, id: string, input: MoneyAttentionResolveInput): Promise<MoneyRecordState> {
    assertPlatformScope(actor);
    const record = await this.state(kind, id);
    if (record.needsAttentionAt === null || record.attentionResolvedAt !== null) throw new ConflictError('money_record_not_flagged', `This ${kind} is not waiting for an operator.`);
    await this.dependencies.database.pool.query(
      `update ${kind} set attention_resolved_at = now(), attention_resolved_by = $2, attention_resolution = $3, updated_at = now() where id = $1 and attention_resolved_at is null`,
      [id, actorId(actor) ?? actor.type, input.resolution],
    );
    return this.state(kind, id);
  }

  private retryOnce(kind: MoneyRecordKind, id: string): Promise<unknown> {
    if (kind === 'order_refund') return this.dependencies.orders.completeCardRefund(id);
    if (kind === 'payout') return this.dependencies.payouts.resubmit(id);
    return this.dependencies.wallets.resumeStaleTopUp(id);
  }

  private async state(kind: MoneyRecordKind, id: string): Promise<MoneyRecordState> {
    // The kind names the table: only the three known ones ever reach the SQL text.
    if (!MONEY_RECORD_KINDS.includes(kind)) throw new NotFoundError('money_record', id);
    const { rows } = await this.dependencies.database.pool.query<MoneyRecordState>(
      `select $2::text as kind, id, status, attempt_count as "attemptCount", last_error as "lastError", needs_attention_at as "needsAttentionAt",
              attention_reason as "attentionReason", attention_resolved_at as "attentionResolvedAt", attention_resolved_by as "attentionResolvedBy",
              attention_resolution as "attentionResolution"
         from ${kind} where id = $1`,
      [id, kind],
    );
    if (!rows[0]) throw new NotFoundError(kind, id);
    return rows[0];
  }

  private async due(table: MoneyRecordKind, condition: string, staleBefore: Date): Promise<{ id: string; attemptCount: number }[]> {
    const { rows } = await this.dependencies.database.pool.query<{ id: string; attemptCount: number }>(
      `select id, attempt_count as "attemptCount" from ${table}
        where ${condition} and needs_attention_at is null and coalesce(last_attempt_at, created_at) <= $1
        order by created_at limit ${BATCH}`,
      [staleBefore],
    );
    return rows;
  }

  private async flagIfSpent(table: MoneyRecordKind, due: { id: string; attemptCount: number }): Promise<boolean> {
    if (due.attemptCount < this.options.maxAttempts) return false;
    const { rowCount } = await this.dependencies.database.pool.query(
      `update ${table} set needs_attention_at = now(), attention_reason = 'retries_exhausted', updated_at = now() where id = $1 and needs_attention_at is null`,
      [due.id],
    );
    if (rowCount) this.logger.error({ kind: table, id: due.id, attemptCount: due.attemptCount }, 'money record still pending after its retries; flagged for an operator');
    return rowCount === 1;
  }

  /** One retry; its failure is logged (the service has recorded it on the record) and the sweep goes on. */
  private async retry(kind: MoneyRecordKind, id: string, work: () => Promise<unknown>): Promise<boolean> {
    try {
      await work();
      return true;
    } catch (error) {
      this.logger.warn({ kind, id, err: error }, 'sweeper retry failed; the record stays pending');
      return false;
    }
  }
}
