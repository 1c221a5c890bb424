import type { Config } from '../../../db/src/config.ts';

/**
 * Whether a WebSocket upgrade from this `Origin` may proceed. Browsers always send one, so a missing
 * header is a non-browser client (a server, the bench), which cannot be tricked by another site; every
 * socket must still authenticate with a token. GET /ws also takes every open shop's allowed embed origins
 * (EmbedOriginsService.embeddedByAnyShop).
 */
export function isAllowedOrigin(origin: string | undefined, config: Pick<Config, 'realtime'>): boolean {
  if (origin === undefined) return true;
  const allowed = config.realtime.allowedOrigins;
  if (allowed === '*') return true;
  try {
    return allowed.includes(new URL(origin).origin);
  } catch {
    return false;
  }
}
