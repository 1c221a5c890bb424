import { randomInt } from 'node:crypto';

export const RED_ENVELOPE_MODES = ['equal', 'double_mean', 'fair'] as const;
export type RedEnvelopeMode = (typeof RED_ENVELOPE_MODES)[number];

/** A uniform integer in [minimum, maximumExclusive); crypto's by default, so nobody can predict a share. */
export type RandomInteger = (minimum: number, maximumExclusive: number) => number;

/**
 * Splits `amountMinor` into `count` shares in integer minor units, each >= 1, summing exactly, in claim
 * order (share i goes to the i-th claimer). Pure apart from the random source.
 * - `equal`: the amount divided evenly; the remainder's extra units go to the first claimers.
 * - `double_mean` (WeChat): each draw is uniform in [1, 2 x the remaining mean] (capped so that every
 *   later share can still get 1), the last share takes the rest. Every position has the same mean, but
 *   the spread grows with the position (docs/social.md has the measured figures).
 * - `fair`: count - 1 distinct cut points drawn uniformly from 1..amount-1; the shares are the gaps. The
 *   gaps of uniform cut points are exchangeable, so every position has the same distribution.
 */
export function drawShares(mode: RedEnvelopeMode, amountMinor: number, count: number, random: RandomInteger = randomInt): number[] {
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError('count must be a positive integer');
  if (!Number.isSafeInteger(amountMinor) || amountMinor < count) throw new RangeError('amountMinor must be an integer of at least one minor unit per share');
  switch (mode) {
    case 'equal':
      return equalShares(amountMinor, count);
    case 'double_mean':
      return doubleMeanShares(amountMinor, count, random);
    case 'fair':
      return fairShares(amountMinor, count, random);
  }
}

function equalShares(amountMinor: number, count: number): number[] {
  const base = Math.floor(amountMinor / count);
  const remainder = amountMinor - base * count;
  return Array.from({ length: count }, (_, index) => base + (index < remainder ? 1 : 0));
}

function doubleMeanShares(amountMinor: number, count: number, random: RandomInteger): number[] {
  const shares: number[] = [];
  let remainingMinor = amountMinor;
  for (let left = count; left > 1; left -= 1) {
    // Uniform in [1, 2 x mean], but leave at least 1 for each of the others.
    const maximum = Math.min(Math.floor((2 * remainingMinor) / left), remainingMinor - (left - 1));
    const share = maximum <= 1 ? 1 : random(1, maximum + 1);
    shares.push(share);
    remainingMinor -= share;
  }
  shares.push(remainingMinor);
  return shares;
}

function fairShares(amountMinor: number, count: number, random: RandomInteger): number[] {
  // Floyd's sampling: count - 1 distinct cut points from 1..amount-1 in O(count), whatever the amount.
  const cuts = new Set<number>();
  const slots = amountMinor - 1;
  for (let candidateLimit = slots - (count - 1) + 1; candidateLimit <= slots; candidateLimit += 1) {
    const pick = random(1, candidateLimit + 1);
    cuts.add(cuts.has(pick) ? candidateLimit : pick);
  }
  const sorted = [...cuts].sort((left, right) => left - right);
  const shares: number[] = [];
  let previous = 0;
  for (const cut of sorted) {
    shares.push(cut - previous);
    previous = cut;
  }
  shares.push(amountMinor - previous);
  return shares;
}
