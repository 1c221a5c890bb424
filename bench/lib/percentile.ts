/**
 * The value at `fraction` (0.5 the median, 1 the largest) of ascending `sorted` samples, by nearest rank;
 * 0 for no samples. With `decimals`, rounded to that many (the benchmarks report milliseconds to a tenth
 * or a hundredth).
 */
export function percentile(sorted: readonly number[], fraction: number, decimals?: number): number {
  if (!sorted.length) return 0;
  const value = sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
  if (decimals === undefined) return value;
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}
