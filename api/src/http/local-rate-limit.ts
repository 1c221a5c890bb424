/**
 * A per-process, fixed-window request counter per key (the client's IP). The global limiter keeps its
 * counters in Redis, a network round trip per request; public catalog reads, answered from memory, are
 * limited here instead, per API instance, which is enough to keep one client from monopolising it.
 */
export class LocalRateLimiter {
  private counts = new Map<string, number>();
  private windowStartedAtMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly maxPerWindow: number,
    private readonly windowMs: number,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** Counts one request for the key; false once the key has used up the current window. */
  take(key: string): boolean {
    const nowMs = this.nowMs();
    if (nowMs - this.windowStartedAtMs >= this.windowMs) {
      // Starting a fresh map also forgets every client of the last window: memory stays bounded.
      this.counts = new Map();
      this.windowStartedAtMs = nowMs;
    }
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    return count <= this.maxPerWindow;
  }

  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil((this.windowStartedAtMs + this.windowMs - this.nowMs()) / 1000));
  }
}
