import type { Redis } from 'ioredis';

/**
 * Adds a batch of requests to a client's shared count and starts the window with its first request;
 * answers the total and the window's remaining milliseconds. One call per client per flush.
 */
const ADD_REQUESTS_SCRIPT = `
local total = redis.call('INCRBY', KEYS[1], ARGV[1])
if total == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]); ttl = tonumber(ARGV[2]) end
return {total, ttl}
`;

/** How often the counts of this process reach Redis: the most the other API processes lag behind it. */
export const RATE_LIMIT_FLUSH_INTERVAL_MS = 50;

interface ClientWindow {
  /** Every process's requests in the window, as Redis answered at the last flush (this one's included). */
  sharedTotal: number;
  /** This process's requests not yet added in Redis. */
  pending: number;
  windowEndsAtMs: number;
  windowMs: number;
}

type IncrementCallback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/** The window when the plugin gives none (it passes the route's as the third argument). */
const DEFAULT_WINDOW_MS = 60_000;

interface RateLimitedRedis extends Redis {
  addRateLimitedRequests?: (key: string, count: number, windowMs: number) => Promise<[number, number]>;
}

/**
 * The store of @fastify/rate-limit, in two stages: each request is counted and judged in this process's
 * memory, with no round trip (the plugin's Redis store sends a script per request: 6-8 % of the API's
 * CPU in a checkout, docs/performance.md), and the counts reach Redis in one pipeline every
 * RATE_LIMIT_FLUSH_INTERVAL_MS, which answers each client's total over every API process. A client's
 * count is that total plus this process's requests since: per client across processes, as before, and
 * a client spreading a burst over N processes can pass the limit by at most what the other N - 1 let
 * through in one flush interval. Windows are fixed and start at the client's first request, as with the
 * plugin's stores; Redis holds the window's end, so every process ends it at the same time.
 * If Redis fails, the counting goes on in memory (per process) until it is back.
 */
export function batchedRateLimitStore(redis: Redis, keyPrefix: string) {
  const commands = redis as RateLimitedRedis;
  if (!commands.addRateLimitedRequests) commands.defineCommand('addRateLimitedRequests', { numberOfKeys: 1, lua: ADD_REQUESTS_SCRIPT });

  return class BatchedRateLimitStore {
    private readonly windows = new Map<string, ClientWindow>();
    private flushTimer: NodeJS.Timeout | undefined;

    constructor(
      _globalOptions?: unknown,
      private readonly prefix = keyPrefix,
      private readonly nowMs: () => number = Date.now,
    ) {}

    incr(key: string, callback: IncrementCallback, windowMs: number = DEFAULT_WINDOW_MS): void {
      const nowMs = this.nowMs();
      const prefixedKey = this.prefix + key;
      let window = this.windows.get(prefixedKey);
      if (!window || nowMs >= window.windowEndsAtMs) {
        window = { sharedTotal: 0, pending: 0, windowEndsAtMs: nowMs + windowMs, windowMs };
        this.windows.set(prefixedKey, window);
      }
      window.pending += 1;
      this.flushTimer ??= setTimeout(() => void this.flush(), RATE_LIMIT_FLUSH_INTERVAL_MS).unref();
      callback(null, { current: window.sharedTotal + window.pending, ttl: window.windowEndsAtMs - nowMs });
    }

    /** Sends the pending counts, takes Redis's totals and windows back, and forgets windows that ended. */
    async flush(): Promise<void> {
      this.flushTimer = undefined;
      const nowMs = this.nowMs();
      const sent: [string, ClientWindow, number][] = [];
      const pipeline = redis.pipeline() as ReturnType<Redis['pipeline']> & { addRateLimitedRequests(key: string, count: number, windowMs: number): unknown };
      for (const [key, window] of this.windows) {
        if (nowMs >= window.windowEndsAtMs) {
          this.windows.delete(key);
        } else if (window.pending > 0) {
          pipeline.addRateLimitedRequests(key, window.pending, window.windowMs);
          sent.push([key, window, window.pending]);
        }
      }
      if (!sent.length) return;
      let results: [Error | null, unknown][] | null;
      try {
        results = await pipeline.exec();
      } catch {
        return; // Redis is away: the pending counts stay, and go with the next flush.
      }
      sent.forEach(([, window, count], index) => {
        const [error, answer] = results?.[index] ?? [new Error('no answer'), null];
        if (error || !Array.isArray(answer)) return;
        const [total, ttlMs] = answer as [number, number];
        window.pending -= count;
        window.sharedTotal = total;
        window.windowEndsAtMs = nowMs + ttlMs;
      });
      if (sent.some(([, window]) => window.pending > 0)) this.flushTimer ??= setTimeout(() => void this.flush(), RATE_LIMIT_FLUSH_INTERVAL_MS).unref();
    }

    /** The per-route store the plugin asks for when a route sets its own limit: its own keys. */
    child(routeOptions: object) {
      // The plugin passes the route as `routeInfo` (its types omit it); keys as its Redis store makes them.
      const { routeInfo } = routeOptions as { routeInfo: { method?: string | string[]; url?: string } };
      return new BatchedRateLimitStore(undefined, `${this.prefix}${String(routeInfo.method)}${routeInfo.url}-`, this.nowMs);
    }
  };
}
