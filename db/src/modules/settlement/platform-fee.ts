import { basisPointsOf } from '../ledger/ledger-splits.ts';
import type { Order } from '../orders/order.entity.ts';

/**
 * THE amount the platform fee applies to: the goods still paid for when the order settles. Orders carry
 * no delivery fee yet, so today that is the total less refunds; once orders split `subtotal_minor`
 * (goods) from `delivery_fee_minor`, this one function changes and the fee applies to the goods only.
 */
export function feeableGoodsMinor(order: Pick<Order, 'totalMinor' | 'refundedMinor'>): number {
  return order.totalMinor - order.refundedMinor;
}

/** The platform fee of a settling order at the merchant's rate, rounded half up to the minor unit. */
export function platformFeeMinor(order: Pick<Order, 'totalMinor' | 'refundedMinor'>, basisPoints: number): number {
  return basisPointsOf(feeableGoodsMinor(order), basisPoints);
}

/** `fee x refunded / gross`, rounded half up, in exact integer arithmetic. */
function feeReturnedUpTo(settledGrossMinor: number, platformFeeMinor: number, refundedMinor: number): number {
  const gross = BigInt(settledGrossMinor);
  return Number((BigInt(platformFeeMinor) * BigInt(refundedMinor) * 2n + gross) / (gross * 2n));
}

/**
 * The platform's share of a refund after settlement: the fee is returned in proportion to the money
 * refunded, so a shopper refunded in full leaves the platform with no fee and the merchant with
 * nothing. Computed on the running total of refunds since the settlement (not refund by refund), so
 * rounding never drifts: the shares of any sequence of refunds add up to the whole fee.
 */
export function platformFeeShareMinor(input: { settledGrossMinor: number; platformFeeMinor: number; refundedSinceSettlementMinor: number; amountMinor: number }): number {
  if (input.settledGrossMinor <= 0 || input.platformFeeMinor === 0) return 0;
  const after = input.refundedSinceSettlementMinor + input.amountMinor;
  return feeReturnedUpTo(input.settledGrossMinor, input.platformFeeMinor, after) - feeReturnedUpTo(input.settledGrossMinor, input.platformFeeMinor, input.refundedSinceSettlementMinor);
}
