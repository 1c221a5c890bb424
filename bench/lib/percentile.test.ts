import { describe, expect, it } from 'vitest';
import { percentile } from './percentile.ts';

describe('percentile', () => {
  const sorted = Array.from({ length: 200 }, (_, index) => index + 0.123);

  it('takes the nearest rank: the median, the 99th and the largest of ascending samples', () => {
    expect(percentile(sorted, 0.5)).toBe(100.123);
    expect(percentile(sorted, 0.99)).toBe(198.123);
    expect(percentile(sorted, 1)).toBe(199.123);
    expect(percentile([7], 0.99)).toBe(7);
  });

  it('rounds to the decimals asked for, and reads 0 for no samples', () => {
    expect(percentile(sorted, 0.5, 1)).toBe(100.1);
    expect(percentile(sorted, 0.5, 2)).toBe(100.12);
    expect(percentile([], 0.99, 1)).toBe(0);
  });
});
