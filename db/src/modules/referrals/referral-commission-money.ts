import type { CurrencyCode } from '../../money.ts';
import type { Queryable } from '../../pool-transaction.ts';
import { basisPointsOf } from '../ledger/ledger-splits.ts';
import type { LedgerClient } from '../ledger/ledger-store.ts';
import { LedgerTransferError } from '../ledger/ledger.errors.ts';
import type { LedgerRecipes } from '../ledger/ledger-recipes.ts';
import type { LedgerService } from '../ledger/ledger.service.ts';
import type { TransferInput } from '../ledger/ledger.types.ts';
import { platformFeeShareMinor } from '../settlement/platform-fee.ts';

/**
 * The money side of referral commissions (docs/social.md §4), on the caller's transaction: the
 * settlement pays it, a refund after that takes its share back. Every movement is a ledger recipe whose
 * leg id derives from the order (payment) or the refund (take-back), so retries move nothing twice.
 */

export interface PendingCommission {
  referrerShopperId: string;
  basisPoints: number;
}

/** The referrer of an order still owed a commission, read before the settlement's transaction so that its wallet can be opened outside it. */
export async function pendingCommissionOf(queryable: Queryable, orderId: string): Promise<PendingCommission | null> {
  const { rows } = await queryable.query<PendingCommission>(
    `select referrer_shopper_id as "referrerShopperId", basis_points as "basisPoints" from referral_commission where order_id = $1 and status = 'pending'`,
    [orderId],
  );
  return rows[0] ?? null;
}

/**
 * At settlement, under the order's row lock: the commission on the goods still paid for (the same base
 * as the platform fee: refunds before settlement reduce it, a full refund cancels it), never more than
 * the merchant's net. Returns the leg to append to the settlement's linked chain, or nothing (and the
 * commission is cancelled) when there is nothing to pay.
 */
export async function settleCommission(
  client: Queryable,
  recipes: Pick<LedgerRecipes, 'referralCommission'>,
  order: { id: string; merchantId: string; currency: CurrencyCode; feeableGoodsMinor: number; netMinor: number },
): Promise<TransferInput[]> {
  const { rows } = await client.query<PendingCommission>(
    `select referrer_shopper_id as "referrerShopperId", basis_points as "basisPoints" from referral_commission where order_id = $1 and status = 'pending' for update`,
    [order.id],
  );
  const pending = rows[0];
  if (!pending) return [];
  const commissionMinor = Math.min(basisPointsOf(order.feeableGoodsMinor, pending.basisPoints), Math.max(0, order.netMinor));
  if (commissionMinor === 0) {
    await client.query(`update referral_commission set status = 'cancelled', commission_minor = 0, cancelled_at = now(), updated_at = now() where order_id = $1`, [order.id]);
    return [];
  }
  const legs = await recipes.referralCommission({ orderId: order.id, merchantId: order.merchantId, referrerShopperId: pending.referrerShopperId, currency: order.currency, amountMinor: commissionMinor });
  await client.query(
    `update referral_commission set status = 'paid', commission_minor = $2, transfer_id = $3, paid_at = now(), updated_at = now() where order_id = $1`,
    [order.id, commissionMinor, legs[0]!.id],
  );
  return legs;
}

/**
 * A refund of a settled order whose commission was paid: the commission's share of the refund (in
 * proportion to the goods refunded, on the running total like the platform fee's share, so the shares of
 * all refunds add up to the commission) goes back from the referrer's wallet to the merchant if the
 * wallet still holds it; if not, the merchant bears it (nothing moves: the referrer keeps what was paid).
 * Runs before the settlement reversal in the refund's transaction, so the merchant's balance has the
 * money back before it returns its share.
 */
export async function takeBackCommission(
  client: LedgerClient,
  ledger: Pick<LedgerService, 'applyInTransaction'> & { recipes: Pick<LedgerRecipes, 'referralCommissionReversal'> },
  order: { id: string; merchantId: string; currency: CurrencyCode; settledGoodsMinor: number; refundedSinceSettlementMinor: number },
  refund: { refundId: string; amountMinor: number },
): Promise<void> {
  const { rows } = await client.query<{ referrerShopperId: string; commissionMinor: number }>(
    `select referrer_shopper_id as "referrerShopperId", commission_minor as "commissionMinor" from referral_commission where order_id = $1 and status = 'paid' for update`,
    [order.id],
  );
  const paid = rows[0];
  if (!paid) return;
  const shareMinor = platformFeeShareMinor({
    settledGoodsMinor: order.settledGoodsMinor,
    platformFeeMinor: paid.commissionMinor,
    refundedSinceSettlementMinor: order.refundedSinceSettlementMinor,
    amountMinor: refund.amountMinor,
  });
  if (shareMinor === 0) return;
  const legs = await ledger.recipes.referralCommissionReversal({
    eventId: refund.refundId,
    orderId: order.id,
    merchantId: order.merchantId,
    referrerShopperId: paid.referrerShopperId,
    currency: order.currency,
    amountMinor: shareMinor,
    refundId: refund.refundId,
  });
  // A rejected transfer leaves no trace, so the refund's transaction goes on either way.
  const [result] = await ledger.applyInTransaction(client, legs);
  if (result?.status === 'failed' && result.code !== 'insufficient_funds') throw new LedgerTransferError(result);
  const column = result?.status === 'failed' ? 'merchant_borne_minor' : 'taken_back_minor';
  await client.query(`update referral_commission set ${column} = ${column} + $2, updated_at = now() where order_id = $1`, [order.id, shareMinor]);
}

/** A refused card refund gave the referrer back what its take-back took: the running total says so again. */
export async function undoCommissionTakeBack(client: Queryable, orderId: string, amountMinor: number): Promise<void> {
  if (amountMinor === 0) return;
  await client.query(`update referral_commission set taken_back_minor = taken_back_minor - $2, updated_at = now() where order_id = $1`, [orderId, amountMinor]);
}
