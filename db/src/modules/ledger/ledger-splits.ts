/**
 * Exact integer splits of money. Everything goes through BigInt so that no intermediate product can
 * lose precision, and every split sums back to its total to the minor unit.
 */

const BASIS_POINTS_PER_WHOLE = 10_000n;

/** `amountMinor x basisPoints / 10000`, rounded half up: the fee or commission on an amount. */
export function basisPointsOf(amountMinor: number, basisPoints: number): number {
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 0) throw new RangeError('amountMinor must be a non-negative safe integer');
  if (!Number.isSafeInteger(basisPoints) || basisPoints < 0 || basisPoints > 10_000) throw new RangeError('basisPoints must be an integer from 0 to 10000');
  const product = BigInt(amountMinor) * BigInt(basisPoints);
  return Number((product * 2n + BASIS_POINTS_PER_WHOLE) / (BASIS_POINTS_PER_WHOLE * 2n));
}

/** Splits a total into `shares` parts that differ by at most one minor unit; the first parts take the remainder. */
export function splitEvenly(totalMinor: number, shares: number): number[] {
  return allocate(totalMinor, new Array<number>(shares).fill(1));
}

/**
 * Splits a total in proportion to integer ratios by the largest-remainder method (ties to the earlier
 * part), the same result as dinero.js `allocate`: the parts always add up to the total.
 */
export function allocate(totalMinor: number, ratios: readonly number[]): number[] {
  if (!Number.isSafeInteger(totalMinor) || totalMinor < 0) throw new RangeError('totalMinor must be a non-negative safe integer');
  if (!ratios.length || ratios.some((ratio) => !Number.isSafeInteger(ratio) || ratio < 0)) throw new RangeError('ratios must be non-negative integers');
  const ratioSum = ratios.reduce((sum, ratio) => sum + BigInt(ratio), 0n);
  if (ratioSum === 0n) throw new RangeError('at least one ratio must be positive');
  const total = BigInt(totalMinor);
  const parts = ratios.map((ratio) => (total * BigInt(ratio)) / ratioSum);
  const remainders = ratios.map((ratio, index) => ({ index, remainder: (total * BigInt(ratio)) % ratioSum }));
  let left = total - parts.reduce((sum, part) => sum + part, 0n);
  remainders.sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const { index } of remainders) {
    if (left === 0n) break;
    if (ratios[index] === 0) continue;
    parts[index]! += 1n;
    left -= 1n;
  }
  return parts.map(Number);
}
