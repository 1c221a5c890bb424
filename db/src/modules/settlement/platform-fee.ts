import { basisPointsOf } from '../ledger/ledger-splits.ts';
import type { Order } from '../orders/order.entity.ts';

/**
 * THE amount the platform fee applies to: the goods still paid for when the order settles. The delivery
 * fee is the merchant's in full (the merchant pays the courier or carrier), so the fee applies to
 * `subtotalMinor` (goods) only. Refunds count against the goods first and the delivery fee last: a line
 * refund is goods, and an amount refund can only reach the fee once the goods are given back.
 */
export function feeableGoodsMinor(order: Pick<Order, 'subtotalMinor' | 'refundedMinor'>): number {
  return Math.max(0, order.subtotalMinor - order.refundedMinor);
}

/** The platform fee of a settling order at the merchant's rate, rounded half up to the minor unit. */
export function platformFeeMinor(order: Pick<Order, 'subtotalMinor' | 'refundedMinor'>, basisPoints: number): number {
  return basisPointsOf(feeableGoodsMinor(order), basisPoints);
}

/** `fee x refunded / goods`, rounded half up, in exact integer arithmetic. */
function feeReturnedUpTo(settledGoodsMinor: number, platformFeeMinor: number, refundedGoodsMinor: number): number {
  const goods = BigInt(settledGoodsMinor);
  return Number((BigInt(platformFeeMinor) * BigInt(refundedGoodsMinor) * 2n + goods) / (goods * 2n));
}

/**
 * The platform's share of a refund after settlement: the fee is returned in proportion to the goods
 * refunded, so a shopper refunded in full leaves the platform with no fee and the merchant with nothing,
 * and a refund of the delivery fee (counted last, after every good) returns no platform fee. Computed on
 * the running total of refunds since the settlement (not refund by refund), so rounding never drifts: the
 * shares of any sequence of refunds add up to the whole fee.
 *
 * `settledGoodsMinor` is what the fee was computed on (`feeableGoodsMinor` at settlement time).
 */
export function platformFeeShareMinor(input: { settledGoodsMinor: number; platformFeeMinor: number; refundedSinceSettlementMinor: number; amountMinor: number }): number {
  if (input.settledGoodsMinor <= 0 || input.platformFeeMinor === 0) return 0;
  const goodsUpTo = (refundedMinor: number) => Math.min(refundedMinor, input.settledGoodsMinor);
  const after = input.refundedSinceSettlementMinor + input.amountMinor;
  return (
    feeReturnedUpTo(input.settledGoodsMinor, input.platformFeeMinor, goodsUpTo(after)) -
    feeReturnedUpTo(input.settledGoodsMinor, input.platformFeeMinor, goodsUpTo(input.refundedSinceSettlementMinor))
  );
}
