import { allocate as allocateMoney, dinero, toSnapshot, type DineroCurrency } from 'dinero.js/bigint';

/**
 * Exact integer splits of money. Everything goes through BigInt so that no intermediate product can
 * lose precision, and every split sums back to its total to the minor unit.
 */

/** Amounts here are already minor units: a currency of exponent 0 makes dinero.js count them as they are. */
const MINOR_UNITS: DineroCurrency<bigint> = { code: 'MINOR', base: 10n, exponent: 0n };

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
 * Splits a total in proportion to integer ratios with dinero.js's `allocate` on its bigint calculator
 * (exact for any safe-integer total and ratio): each part gets its floor share, then the remainder goes
 * one minor unit at a time to the parts with the largest ratios, the earlier part first among equal
 * ratios. The parts always add up to the total, and a zero ratio gets nothing.
 */
export function allocate(totalMinor: number, ratios: readonly number[]): number[] {
  if (!Number.isSafeInteger(totalMinor) || totalMinor < 0) throw new RangeError('totalMinor must be a non-negative safe integer');
  if (!ratios.length || ratios.some((ratio) => !Number.isSafeInteger(ratio) || ratio < 0)) throw new RangeError('ratios must be non-negative integers');
  if (!ratios.some((ratio) => ratio > 0)) throw new RangeError('at least one ratio must be positive');
  const total = dinero({ amount: BigInt(totalMinor), currency: MINOR_UNITS });
  return allocateMoney(total, ratios.map(BigInt)).map((part) => Number(toSnapshot(part).amount));
}
