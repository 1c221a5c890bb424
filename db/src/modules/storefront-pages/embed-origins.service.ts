import type { Database } from '../../database.ts';

/** How long a shop's allow-list is reused before it is read again: a merchant's edit applies within this. */
export const EMBED_ORIGINS_TTL_MS = 30_000;

/** `/api/store/shops/<slug>/...`: the shop a store request is about, or null. */
export function shopSlugOfStorePath(url: string): string | null {
  const match = /^\/api\/store\/shops\/([a-z0-9-]{1,64})(?:[/?]|$)/.exec(url);
  return match?.[1] ?? null;
}

/**
 * Which web origins may call a shop's store API from a browser: the shop's `allowed_embed_origins`
 * (set by the merchant, docs/storefront-widget.md) and the API's own pages (/s/<token>, /demo). Kept
 * in memory for EMBED_ORIGINS_TTL_MS, since the check runs on every catalog request.
 */
export class EmbedOriginsService {
  private readonly cache = new Map<string, { origins: ReadonlySet<string>; expiresAtMs: number }>();
  private readonly anyShopCache = new Map<string, { allowed: boolean; expiresAtMs: number }>();

  constructor(private readonly dependencies: { database: Database; now?: () => number }) {}

  async allows(shopSlug: string, origin: string): Promise<boolean> {
    return (await this.allowedOrigins(shopSlug)).has(origin.toLowerCase());
  }

  /** An open shop's name and allowed embed origins, for its framed page (/embed/<slug>); null when not open. */
  async embedding(shopSlug: string): Promise<{ shopName: string; origins: string[] } | null> {
    const { rows } = await this.dependencies.database.pool.query<{ name: string; allowed_embed_origins: string[] }>(
      `select name, allowed_embed_origins from shop where slug = $1 and status = 'open'`,
      [shopSlug],
    );
    return rows[0] ? { shopName: rows[0].name, origins: rows[0].allowed_embed_origins } : null;
  }

  /**
   * Whether some open shop embeds the widget on this origin: GET /ws serves every shop, so its Origin
   * check takes any shop's allowed embed origins (each socket still authenticates, and sees only its own orders).
   */
  async embeddedByAnyShop(origin: string): Promise<boolean> {
    const key = origin.toLowerCase();
    const now = (this.dependencies.now ?? Date.now)();
    const cached = this.anyShopCache.get(key);
    if (cached && cached.expiresAtMs > now) return cached.allowed;
    const { rows } = await this.dependencies.database.pool.query<{ allowed: boolean }>(
      `select exists (select 1 from shop where status = 'open' and $1 = any (select lower(origin) from unnest(allowed_embed_origins) as origin)) as allowed`,
      [key],
    );
    const allowed = rows[0]?.allowed ?? false;
    if (this.anyShopCache.size >= 10_000) this.anyShopCache.clear();
    this.anyShopCache.set(key, { allowed, expiresAtMs: now + EMBED_ORIGINS_TTL_MS });
    return allowed;
  }

  private async allowedOrigins(shopSlug: string): Promise<ReadonlySet<string>> {
    const now = (this.dependencies.now ?? Date.now)();
    const cached = this.cache.get(shopSlug);
    if (cached && cached.expiresAtMs > now) return cached.origins;
    const { rows } = await this.dependencies.database.pool.query<{ allowed_embed_origins: string[] }>('select allowed_embed_origins from shop where slug = $1', [shopSlug]);
    const origins = new Set((rows[0]?.allowed_embed_origins ?? []).map((origin) => origin.toLowerCase()));
    // Bounded: slugs come from URLs anyone can send.
    if (this.cache.size >= 10_000) this.cache.clear();
    this.cache.set(shopSlug, { origins, expiresAtMs: now + EMBED_ORIGINS_TTL_MS });
    return origins;
  }
}
