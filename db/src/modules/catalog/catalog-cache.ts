import { createHash } from 'node:crypto';

/**
 * A response serialized once, with its strong validator (a hash of exactly these bytes). The body is
 * kept as UTF-8 bytes so that a hit is written to the socket as it is, without encoding it again.
 */
export interface CachedResponse {
  body: Buffer;
  etag: string;
}

/** What a loader found: the shop the answer belongs to (for invalidation) and the value to serialize. */
export interface LoadedResponse {
  shopId: string;
  value: unknown;
}

export type Loader = () => Promise<LoadedResponse>;

interface Entry extends CachedResponse {
  shopId: string;
  shopVersion: number;
  expiresAtMs: number;
}

export interface CatalogCacheOptions {
  ttlMs: number;
  /** Bounds memory when shoppers search with many different queries; the oldest entries go first. */
  maxEntries?: number;
  nowMs?: () => number;
}

export function strongEtag(body: Buffer): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`;
}

/** How many recent invalidations are remembered to judge loads that overlapped them. */
const INVALIDATION_LOG_SIZE = 256;
const EVERY_SHOP = '*';

/**
 * The store API's in-process cache of serialized answers per (shop, query). Every entry carries the
 * version its shop had when the entry was loaded; a catalog write bumps the shop's version (here and,
 * through Redis, on every other instance), which retires all of that shop's entries at once.
 *
 * The TTL is only a safety net for changes nobody announced: an entry past it, whose shop has not been
 * invalidated, is served while one refresh runs behind it, so that expiry never makes shoppers wait.
 *
 * The cache serves nothing until it is enabled, which CatalogInvalidations does once it hears
 * invalidations from Redis: an instance that might miss other instances' writes must not cache.
 */
export class CatalogCache {
  private readonly entries = new Map<string, Entry>();
  private readonly keysByShop = new Map<string, Set<string>>();
  private readonly versionByShop = new Map<string, number>();
  private readonly loading = new Map<string, { promise: Promise<CachedResponse>; startGeneration: number }>();
  /** Counts invalidations; with the log below it tells whether a load overlapped one of its shop. */
  private generation = 0;
  private readonly invalidationLog: { generation: number; shopId: string }[] = [];
  private enabled = false;
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly nowMs: () => number;

  constructor(options: CatalogCacheOptions) {
    this.ttlMs = options.ttlMs;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.nowMs = options.nowMs ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  get isEnabled(): boolean {
    return this.enabled;
  }

  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    if (!enabled) this.clear();
  }

  /**
   * The answer for a key: from memory when it is there (synchronously, so that a hit costs a Map
   * lookup), otherwise loaded. Concurrent misses of one key share one load, so an invalidation never
   * sends a herd to PostgreSQL.
   */
  get(key: string, loader: Loader): CachedResponse | Promise<CachedResponse> {
    const entry = this.entries.get(key);
    if (entry) {
      if (entry.shopVersion === this.versionOf(entry.shopId)) {
        if (entry.expiresAtMs > this.nowMs()) return entry;
        this.load(key, loader).catch(() => this.forget(key, entry.shopId));
        return entry;
      }
      this.forget(key, entry.shopId);
    }
    return this.load(key, loader);
  }

  /** Retires every entry of a shop; loads already running for it will not be kept. */
  invalidateShop(shopId: string): void {
    this.versionByShop.set(shopId, this.versionOf(shopId) + 1);
    this.logInvalidation(shopId);
    const keys = this.keysByShop.get(shopId);
    if (!keys) return;
    for (const key of keys) this.entries.delete(key);
    this.keysByShop.delete(shopId);
  }

  clear(): void {
    this.logInvalidation(EVERY_SHOP);
    this.entries.clear();
    this.keysByShop.clear();
    this.loading.clear();
  }

  private load(key: string, loader: Loader): Promise<CachedResponse> {
    const pending = this.loading.get(key);
    // A load that began before any invalidation may be reading rows from before the write: only a
    // request that came before it too may share it.
    if (pending && pending.startGeneration === this.generation) return pending.promise;
    const startGeneration = this.generation;
    const promise = loader()
      .then(({ shopId, value }) => {
        const body = Buffer.from(JSON.stringify(value));
        const response: CachedResponse = { body, etag: strongEtag(body) };
        if (this.enabled && this.ttlMs > 0 && !this.invalidatedSince(startGeneration, shopId)) this.store(key, shopId, response);
        return response;
      })
      .finally(() => {
        if (this.loading.get(key)?.promise === promise) this.loading.delete(key);
      });
    this.loading.set(key, { promise, startGeneration });
    return promise;
  }

  private versionOf(shopId: string): number {
    return this.versionByShop.get(shopId) ?? 0;
  }

  private logInvalidation(shopId: string): void {
    this.generation += 1;
    this.invalidationLog.push({ generation: this.generation, shopId });
    if (this.invalidationLog.length > INVALIDATION_LOG_SIZE) this.invalidationLog.shift();
  }

  /** Whether the shop (or everything) was invalidated after a load began: its rows may predate the write. */
  private invalidatedSince(startGeneration: number, shopId: string): boolean {
    if (this.generation === startGeneration) return false;
    const oldestLogged = this.invalidationLog[0]?.generation ?? Number.POSITIVE_INFINITY;
    if (oldestLogged > startGeneration + 1) return true;
    return this.invalidationLog.some((logged) => logged.generation > startGeneration && (logged.shopId === shopId || logged.shopId === EVERY_SHOP));
  }

  private store(key: string, shopId: string, response: CachedResponse): void {
    const previous = this.entries.get(key);
    if (previous) this.forget(key, previous.shopId);
    while (this.entries.size >= this.maxEntries) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [string, Entry];
      this.forget(oldestKey, oldest.shopId);
    }
    this.entries.set(key, { ...response, shopId, shopVersion: this.versionOf(shopId), expiresAtMs: this.nowMs() + this.ttlMs });
    let keys = this.keysByShop.get(shopId);
    if (!keys) this.keysByShop.set(shopId, (keys = new Set()));
    keys.add(key);
  }

  private forget(key: string, shopId: string): void {
    this.entries.delete(key);
    const keys = this.keysByShop.get(shopId);
    if (!keys) return;
    keys.delete(key);
    if (!keys.size) this.keysByShop.delete(shopId);
  }
}
