import type { Actor } from '../../actor.ts';
import type { Database } from '../../database.ts';
import { silentLogger, type ServiceLogger } from '../../service-logger.ts';
import { assertPlatformScope } from '../finance/finance-scope.ts';
import type { OrdersService } from '../orders/orders.service.ts';
import type { PayoutsService } from '../payouts/payouts.service.ts';
import type { WalletsService } from '../wallets/wallets.service.ts';
import type { MoneyAttentionItem, MoneyAttentionQueryInput, MoneyRecordKind } from './money-recovery.schemas.ts';

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
      else if (await this.retry('order_refund', due.id, () => this.dependencies.orders.completeCardRefund(due.id))) report.refundsRetried += 1;
    }
    for (const due of await this.due('payout', `status = 'pending' and provider_reference is null`, staleBefore)) {
      if (await this.flagIfSpent('payout', due)) report.flagged += 1;
      else if (await this.retry('payout', due.id, () => this.dependencies.payouts.resubmit(due.id))) report.payoutsRetried += 1;
    }
    report.payoutsExpired = (await this.dependencies.payouts.expireLapsedHolds()).expired;
    for (const due of await this.due('wallet_top_up', `status = 'pending' and payment_intent_id is null`, staleBefore)) {
      if (await this.flagIfSpent('wallet_top_up', due)) report.flagged += 1;
      else if (await this.retry('wallet_top_up', due.id, () => this.dependencies.wallets.resumeStaleTopUp(due.id))) report.topUpsRetried += 1;
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
           from order_refund where needs_attention_at is not null
         union all
         select 'payout', id, merchant_id, amount_minor, currency::text, status, attention_reason, needs_attention_at, attempt_count,
                last_error, provider_reference, created_at
           from payout where needs_attention_at is not null
         union all
         select 'wallet_top_up', id, null, amount_minor, currency::text, status, attention_reason, needs_attention_at, attempt_count,
                last_error, payment_intent_id, created_at
           from wallet_top_up where needs_attention_at is not null
       ) attention
       where $1::text is null or kind = $1
       order by "needsAttentionAt" desc, id limit 500`,
      [query.kind ?? null],
    );
    return rows;
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
