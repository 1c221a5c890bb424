import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CachedResponse } from '../../../db/src/modules/catalog/catalog-cache.ts';

/**
 * Public catalog answers may be stored by browsers and CDNs but must be revalidated on every use: the
 * ETag makes that a cheap 304, and a catalog change is visible at once.
 */
export const STORE_CACHE_CONTROL = 'public, max-age=0, must-revalidate';

/** If-None-Match uses the weak comparison (RFC 9110 13.1.2): `W/"x"` matches `"x"`. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  for (const candidate of header.split(',')) {
    const trimmed = candidate.trim();
    if ((trimmed.startsWith('W/') ? trimmed.slice(2) : trimmed) === etag) return true;
  }
  return false;
}

/**
 * Sends the cached bytes as they are (no serialization, no encoding), or 304 when the client has them.
 * A cache hit comes synchronously and is answered in the same tick, without a promise; a miss waits
 * for its load. Handlers return what this returns: nothing once the reply is sent, or the promise of that.
 */
export function sendCached(request: FastifyRequest, reply: FastifyReply, cached: CachedResponse | Promise<CachedResponse>): void | Promise<void> {
  if (cached instanceof Promise) return cached.then((loaded) => sendCached(request, reply, loaded));
  reply.header('etag', cached.etag).header('cache-control', STORE_CACHE_CONTROL);
  if (matchesIfNoneMatch(request.headers['if-none-match'], cached.etag)) reply.status(304).send();
  else reply.type('application/json; charset=utf-8').send(cached.body);
}
