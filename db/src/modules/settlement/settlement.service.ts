import type { Actor, ShopperActor } from '../../actor.ts';
import type { Config } from '../../config.ts';
import type { Database } from '../../database.ts';
import { NotFoundError } from '../../errors.ts';
import type { CurrencyCode } from '../../money.ts';
import { addToOutbox } from '../../outbox/outbox.ts';
import { withPoolTransaction } from '../../pool-transaction.ts';
import { withLines, type OrderWithLines } from '../orders/order-reads.ts';
import { recipesOn, type OrderLedger } from '../orders/order-ledger.ts';
import { linkAll } from '../ledger/ledger-recipes.ts';
import { lockOrder, recordTransition } from '../orders/order-records.ts';
import { canTransition, fulfilmentStep } from '../orders/order-states.ts';
import { InvalidOrderTransitionError, OrderNotFoundError } from '../orders/orders.errors.ts';
import { pendingCommissionOf, settleCommission } from '../referrals/referral-commission-money.ts';
import { feeableGoodsMinor, platformFeeMinor } from './platform-fee.ts';

const AUTO_CONFIRM_ACTOR: Actor = { type: 'system', process: 'order.auto_confirm' };

export type AutoConfirmOutcome = { status: 'completed' } | { status: 'not_due'; dueAt: Date } | { status: 'unchanged'; reason: string };
export type SettlementOutcome =
  | { status: 'settled' | 'already_settled'; grossMinor: number; platformFeeMinor: number; netMinor: number }
  | { status: 'not_completed' };

export interface PlatformFeeRate {
  merchantId: string;
  /** The operator's rate for this merchant; null: the platform default applies. */
  basisPoints: number | null;
  /** The rate the next settlement uses. */
  effectiveBasisPoints: number;
}

export interface SettlementServiceDependencies {
  database: Database;
  ledger: OrderLedger;
  config: Pick<Config, 'settlement'>;
}

/**
 * Receipt, completion and settlement (docs/orders.md §10).
 *
 * Completion and settlement are two transactions: completing (shopper's confirmation or the
 * `order.auto_confirm` job) is a status change whose outbox row carries an `order.settle` job, and the
 * settlement posts the ledger legs. Why not one: the shopper's confirmation then never waits on the
 * ledger's account locks (escrow, the merchant's, the fees'), a settlement that fails (an account problem) does not refuse the shopper's
 * confirmation, and the settlement can be retried on its own. Exactly once holds because the
 * settlement locks the order row, settles only while `settled_at` is null, writes `settled_at` in the
 * same transaction as the legs, and the legs' ids derive from the order id: a second worker waits for
 * the lock and then finds it settled; a crash rolls everything back; a replay of the same legs is an
 * `exists`. Between the two transactions the money is still in escrow, and a refund takes it from there.
 */
export class SettlementService {
  constructor(private readonly dependencies: SettlementServiceDependencies) {}

  /** The shopper says the goods arrived: the order completes and its settlement is enqueued. Again: the same answer. */
  async confirmReceipt(actor: ShopperActor, orderId: string): Promise<OrderWithLines> {
    const order = await withPoolTransaction(this.dependencies.database.pool, async (client) => {
      const locked = await lockOrder(client, orderId, { shopperId: actor.shopperId });
      if (!locked) throw new OrderNotFoundError(orderId);
      if (locked.completedAt) return locked;
      if (!canTransition(locked, 'completed')) throw new InvalidOrderTransitionError(locked.status, 'completed', 'receipt can be confirmed once the order is delivered');
      return recordTransition(client, locked, 'completed', actor, { note: 'receipt confirmed by the shopper' });
    });
    return withLines(this.dependencies.database.pool, order);
  }

  /**
   * The `order.auto_confirm` job: completes a delivered order whose auto-confirm time has come. Early,
   * late, twice, or after the shopper confirmed: the order's own state decides, so any run is safe.
   */
  async autoConfirm(orderId: string, now: Date = new Date()): Promise<AutoConfirmOutcome> {
    return withPoolTransaction(this.dependencies.database.pool, async (client) => {
      const order = await lockOrder(client, orderId, {});
      if (!order) throw new OrderNotFoundError(orderId);
      if (order.completedAt) return { status: 'unchanged', reason: 'completed already' };
      if (fulfilmentStep(order) !== 'delivered' || !canTransition(order, 'completed')) return { status: 'unchanged', reason: `status is ${order.status}` };
      if (!order.autoConfirmAt) return { status: 'unchanged', reason: 'no auto-confirm time' };
      if (order.autoConfirmAt.getTime() > now.getTime()) return { status: 'not_due', dueAt: order.autoConfirmAt };
      await recordTransition(client, order, 'completed', AUTO_CONFIRM_ACTOR, { note: 'receipt confirmed automatically after delivery' });
      return { status: 'completed' };
    });
  }

  /**
   * The `order.settle` job: pays a completed order's escrow to the merchant's available balance, less
   * the platform fee at the merchant's rate, and records what it paid on the order. Exactly once.
   */
  async settle(orderId: string): Promise<SettlementOutcome> {
    const { database, ledger, config } = this.dependencies;
    const { rows: found } = await database.pool.query<{ currency: CurrencyCode; merchantId: string }>(`select currency, merchant_id as "merchantId" from shop_order where id = $1`, [orderId]);
    const unlocked = found[0];
    if (!unlocked) throw new OrderNotFoundError(orderId);
    // Opened (or found) before the transaction: the recipe below then finds them cached, and never waits
    // on a second pooled connection while this one holds the order's lock.
    await this.openSettlementAccounts(unlocked.currency, unlocked.merchantId);
    const commission = await pendingCommissionOf(database.pool, orderId);
    if (commission) await ledger.openAccount({ kind: 'shopper_wallet', currency: unlocked.currency, ownerId: commission.referrerShopperId });

    return withPoolTransaction(database.pool, async (client) => {
      const order = await lockOrder(client, orderId, {});
      if (!order) throw new OrderNotFoundError(orderId);
      if (order.settledAt) return settledOutcome('already_settled', order.settledGrossMinor ?? 0, order.platformFeeMinor ?? 0);
      if (!order.completedAt) return { status: 'not_completed' };

      const { rows } = await client.query<{ basisPoints: number }>(`select coalesce(platform_fee_basis_points, $2) as "basisPoints" from merchant where id = $1`, [
        order.merchantId,
        config.settlement.platformFeeBasisPoints,
      ]);
      const basisPoints = rows[0]?.basisPoints ?? config.settlement.platformFeeBasisPoints;
      const grossMinor = order.totalMinor - order.refundedMinor;
      const feeMinor = platformFeeMinor(order, basisPoints);
      await client.query(
        `update shop_order set settled_at = now(), settled_gross_minor = $2, platform_fee_minor = $3, platform_fee_basis_points = $4, updated_at = now() where id = $1`,
        [order.id, grossMinor, feeMinor, basisPoints],
      );
      await addToOutbox(client, {
        type: 'order.settled',
        aggregateType: 'order',
        aggregateId: order.id,
        merchantId: order.merchantId,
        payload: { orderId: order.id, merchantId: order.merchantId, shopperId: order.shopperId, currency: order.currency, grossMinor, platformFeeMinor: feeMinor, netMinor: grossMinor - feeMinor, platformFeeBasisPoints: basisPoints },
      });
      // A referrer's commission comes out of the merchant's net, in the same linked chain (docs/social.md §4).
      const commissionLegs = await settleCommission(client, ledger.recipes, {
        id: order.id,
        merchantId: order.merchantId,
        currency: order.currency,
        feeableGoodsMinor: feeableGoodsMinor(order),
        netMinor: grossMinor - feeMinor,
      });
      if (grossMinor > 0) {
        // Through this transaction's client: the escrow sub-account lookup must not wait for a second pooled connection.
        const legs = await recipesOn(client, ledger).orderSettlement({ orderId: order.id, merchantId: order.merchantId, currency: order.currency, grossMinor, platformFeeMinor: feeMinor });
        // Last: the ledger's account locks are held until this transaction commits.
        await ledger.recordInTransaction(client, linkAll([...legs, ...commissionLegs]));
      }
      return settledOutcome('settled', grossMinor, feeMinor);
    });
  }

  /** The platform fee rate of one merchant, as the operator set it. */
  async getPlatformFee(merchantId: string): Promise<PlatformFeeRate> {
    const { rows } = await this.dependencies.database.pool.query<{ basisPoints: number | null }>(`select platform_fee_basis_points as "basisPoints" from merchant where id = $1`, [merchantId]);
    if (!rows[0]) throw new NotFoundError('merchant', merchantId);
    return this.rate(merchantId, rows[0].basisPoints);
  }

  /** The operator sets a merchant's rate (null: back to the platform default); later settlements use it. */
  async setPlatformFee(merchantId: string, basisPoints: number | null): Promise<PlatformFeeRate> {
    const { rows } = await this.dependencies.database.pool.query<{ basisPoints: number | null }>(
      `update merchant set platform_fee_basis_points = $2, updated_at = now() where id = $1 returning platform_fee_basis_points as "basisPoints"`,
      [merchantId, basisPoints],
    );
    if (!rows[0]) throw new NotFoundError('merchant', merchantId);
    return this.rate(merchantId, rows[0].basisPoints);
  }

  private rate(merchantId: string, basisPoints: number | null): PlatformFeeRate {
    return { merchantId, basisPoints, effectiveBasisPoints: basisPoints ?? this.dependencies.config.settlement.platformFeeBasisPoints };
  }

  private async openSettlementAccounts(currency: CurrencyCode, merchantId: string): Promise<void> {
    const { ledger } = this.dependencies;
    await ledger.openAccount({ kind: 'escrow', currency });
    await ledger.openAccount({ kind: 'merchant_available', currency, ownerId: merchantId, merchantId });
    await ledger.openAccount({ kind: 'platform_fees', currency });
  }
}

function settledOutcome(status: 'settled' | 'already_settled', grossMinor: number, feeMinor: number): SettlementOutcome {
  return { status, grossMinor, platformFeeMinor: feeMinor, netMinor: grossMinor - feeMinor };
}
