import { describe, expect, it } from 'vitest';
import { feeableGoodsMinor, platformFeeMinor, platformFeeShareMinor } from './platform-fee.ts';

describe('the platform fee', () => {
  it('applies to the goods only, never to the delivery fee', () => {
    // 38.97 of goods and 4.50 of delivery: 2.5 % of the goods is 0.97425, so 0.97.
    expect(feeableGoodsMinor({ subtotalMinor: 3_897, refundedMinor: 0 })).toBe(3_897);
    expect(platformFeeMinor({ subtotalMinor: 3_897, refundedMinor: 0 }, 250)).toBe(97);
  });

  it('counts refunds before settlement against the goods first, and never below zero', () => {
    expect(feeableGoodsMinor({ subtotalMinor: 3_897, refundedMinor: 1_299 })).toBe(2_598);
    // Goods and delivery fee given back (38.97 + 4.50): nothing left to take a fee on.
    expect(feeableGoodsMinor({ subtotalMinor: 3_897, refundedMinor: 4_347 })).toBe(0);
    expect(platformFeeMinor({ subtotalMinor: 3_897, refundedMinor: 4_347 }, 250)).toBe(0);
  });

  it('returns its share of refunds after settlement in proportion to the goods, adding up to the whole fee whatever the sequence', () => {
    const settled = { settledGoodsMinor: 3_897, platformFeeMinor: 97 };
    const shares: number[] = [];
    let refunded = 0;
    for (const amountMinor of [1_299, 1, 1_298, 1_299, 450]) {
      shares.push(platformFeeShareMinor({ ...settled, refundedSinceSettlementMinor: refunded, amountMinor }));
      refunded += amountMinor;
    }
    // 97 x 1299 / 3897 = 32.33 -> 32; the delivery fee, refunded after every good, returns nothing.
    expect(shares).toEqual([32, 0, 33, 32, 0]);
    expect(shares.reduce((sum, share) => sum + share, 0)).toBe(97);
  });

  it('returns nothing when no fee was taken', () => {
    expect(platformFeeShareMinor({ settledGoodsMinor: 0, platformFeeMinor: 0, refundedSinceSettlementMinor: 0, amountMinor: 450 })).toBe(0);
    expect(platformFeeShareMinor({ settledGoodsMinor: 3_897, platformFeeMinor: 0, refundedSinceSettlementMinor: 0, amountMinor: 3_897 })).toBe(0);
  });
});
