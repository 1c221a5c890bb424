/**
 * How long a checkout benchmark runs its flow before it measures (`--warmup=<seconds>`, 15 by default). A server
 * runs for hours: what it pays per order is its steady state, not the first seconds in which V8 still optimises
 * the code and each pooled PostgreSQL connection still plans its statements. On the AMD host, 3 s in, the
 * optimising compiler still took 14 % of the workers' CPU and 6.5 % of the API's; 50 s in, about 2 % of both
 * (docs/performance.md, "A relay pass's notifications in one job, and the benchmark's warm-up").
 */
export function readWarmUpSeconds(flag: (name: string, fallback: number) => number): number {
  return Math.min(Math.max(flag('warmup', 15), 0), 120);
}
