import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, basisPointsOf, splitEvenly } from './ledger-splits.ts';

describe('money splits', () => {
  it('rounds a fee half up in exact integer math, also near the largest safe integer', () => {
    expect(basisPointsOf(1_000, 250)).toBe(25);
    expect(basisPointsOf(1_999, 250)).toBe(50); // 49.975
    expect(basisPointsOf(20, 250)).toBe(1); // 0.5 rounds up
    expect(basisPointsOf(19, 250)).toBe(0); // 0.475
    expect(basisPointsOf(Number.MAX_SAFE_INTEGER, 10_000)).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => basisPointsOf(100, 10_001)).toThrow(RangeError);
    expect(() => basisPointsOf(1.5, 100)).toThrow(RangeError);
  });

  it('splits evenly with the remainder on the first shares', () => {
    expect(splitEvenly(1_000, 3)).toEqual([334, 333, 333]);
    expect(splitEvenly(2, 3)).toEqual([1, 1, 0]);
  });

  it('allocates by ratios so that the parts always add up to the total', () => {
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocate(100, [70, 30])).toEqual([70, 30]);
    expect(allocate(5, [0, 1])).toEqual([0, 5]);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 20 }), (total, ratios) => {
        fc.pre(ratios.some((ratio) => ratio > 0));
        const parts = allocate(total, ratios);
        expect(parts.reduce((sum, part) => sum + BigInt(part), 0n)).toBe(BigInt(total));
        parts.forEach((part, index) => {
          expect(part).toBeGreaterThanOrEqual(0);
          if (ratios[index] === 0) expect(part).toBe(0);
        });
      }),
    );
  });
});
