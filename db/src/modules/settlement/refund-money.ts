import { assert } from '../../errors.ts';
import { LedgerTransferError } from '../ledger/ledger.errors.ts';
import { linkAll } from '../ledger/ledger-recipes.ts';
import type { TransferInput } from '../ledger/ledger.types.ts';
import type { LedgerClient } from '../ledger/ledger-store.ts';
import type { Order } from '../orders/order.entity.ts';
import { recipesOn, type OrderLedger } from '../orders/order-ledger.ts';
import { takeBackCommission } from '../referrals/referral-commission-money.ts';
import { feeableGoodsMinor, platformFeeShareMinor } from './platform-fee.ts';
import { MerchantBalanceShortError } from './settlement.errors.ts';

/**
 * The ledger side of one refund, posted on the refund's transaction (last: the ledger's account locks are
 * held until it commits). Where the money comes from depends on the order's settlement:
 * - not settled: escrow still holds the payment; a wallet order's payment leg is reversed now, a card
 *   order's by its `order.card_refund` job later;
 * - settled: first the merchant's available balance and the platform's fee account give their shares
 *   back into escrow (`settlementReversal`, the fee in proportion to the refund), then the same as above.
 *   A merchant short of its share gets a 422 `merchant_balance_insufficient` and nothing moves.
 *
 * `order` is the order as locked before this refund (its `refundedMinor` excludes it).
 */
export async function recordRefundMoney(client: LedgerClient, ledger: OrderLedger, order: Order, refund: { refundId: string; amountMinor: number }): Promise<void> {
  const recipes = recipesOn(client, ledger);
  const legs: TransferInput[] = [];
  let merchantShareMinor = 0;
  if (order.settledAt) {
    assert(order.settledGrossMinor !== null && order.settledGrossMinor !== undefined && order.platformFeeMinor !== null && order.platformFeeMinor !== undefined, 'a settled order knows what it settled');
    // What was refunded before the settlement came out of escrow and is not part of it.
    const refundedBeforeSettlementMinor = order.totalMinor - order.settledGrossMinor;
    const platformFeeShare = platformFeeShareMinor({
      settledGoodsMinor: feeableGoodsMinor({ subtotalMinor: order.subtotalMinor, refundedMinor: refundedBeforeSettlementMinor }),
      platformFeeMinor: order.platformFeeMinor,
      refundedSinceSettlementMinor: order.refundedMinor - refundedBeforeSettlementMinor,
      amountMinor: refund.amountMinor,
    });
    merchantShareMinor = refund.amountMinor - platformFeeShare;
    // A referrer's commission share comes back to the merchant first (or stays with the merchant's loss).
    await takeBackCommission(client, { applyInTransaction: (queryable, transfers) => ledger.applyInTransaction(queryable, transfers), recipes }, {
      id: order.id,
      merchantId: order.merchantId,
      currency: order.currency,
      settledGoodsMinor: feeableGoodsMinor({ subtotalMinor: order.subtotalMinor, refundedMinor: refundedBeforeSettlementMinor }),
      refundedSinceSettlementMinor: order.refundedMinor - refundedBeforeSettlementMinor,
    }, refund);
    legs.push(
      ...(await recipes.settlementReversal({
        eventId: refund.refundId,
        orderId: order.id,
        merchantId: order.merchantId,
        currency: order.currency,
        merchantShareMinor,
        platformFeeShareMinor: platformFeeShare,
        refundId: refund.refundId,
      })),
    );
  }
  if (order.paymentMethod === 'wallet') {
    assert(order.paymentTransferId, 'a wallet-paid order knows its payment transfer');
    legs.push(...(await recipes.refund({ eventId: refund.refundId, paymentTransferId: order.paymentTransferId, amountMinor: refund.amountMinor, refundId: refund.refundId })));
  }
  if (!legs.length) return;
  try {
    await ledger.recordInTransaction(client, linkAll(legs));
  } catch (error) {
    if (order.settledAt && error instanceof LedgerTransferError && error.code === 'insufficient_funds') throw new MerchantBalanceShortError(merchantShareMinor, order.currency);
    throw error;
  }
}
