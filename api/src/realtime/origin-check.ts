import type { Config } from '../../../db/src/config.ts';

/**
 * Whether a WebSocket upgrade from this `Origin` may proceed. Browsers always send one, so a missing
 * header is a non-browser client (a server, the bench), which cannot be tricked by another site; every
 * socket must still authenticate with a token. The widget's issue adds each shop's own origins here.
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
