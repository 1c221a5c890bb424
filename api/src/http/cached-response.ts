import { gzipSync } from 'node:zlib';
import { Negotiator } from '@fastify/accept-negotiator';
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

/** Below this, gzip's header and a round of inflating cost more than the bytes it saves. */
const MIN_GZIP_BYTES = 1_024;
/** Answers that may come gzipped vary by Accept-Encoding as well as by Origin (CORS). */
const VARY_ENCODED = 'Origin, Accept-Encoding';
const encodings = new Negotiator({ supportedValues: ['gzip', 'identity'] });
/** The gzipped form of each cached answer, made on its first use and dropped with it. */
const gzipped = new WeakMap<CachedResponse, CachedResponse>();

/**
 * The gzipped representation of a cached answer: compressed once, however many shoppers read it (a page
 * of 24 products shrinks from about 6.4 kB to under 1.5 kB, which a shopper on a mobile network feels).
 * Its strong validator differs from the identity bytes' (RFC 9110 8.8.3).
 */
function gzipOf(cached: CachedResponse): CachedResponse {
  let encoded = gzipped.get(cached);
  if (encoded === undefined) {
    encoded = { body: gzipSync(cached.body), etag: `${cached.etag.slice(0, -1)}-gzip"` };
    gzipped.set(cached, encoded);
  }
  return encoded;
}

/**
 * Sends the cached bytes as they are (no serialization; gzipped once, when the client accepts it and the
 * answer is worth it), or 304 when the client has them. A cache hit comes synchronously and is answered
 * in the same tick, without a promise; a miss waits for its load. Handlers return what this returns:
 * nothing once the reply is sent, or the promise of that.
 */
export function sendCached(request: FastifyRequest, reply: FastifyReply, cached: CachedResponse | Promise<CachedResponse>): void | Promise<void> {
  if (cached instanceof Promise) return cached.then((loaded) => sendCached(request, reply, loaded));
  let representation = cached;
  if (cached.body.length >= MIN_GZIP_BYTES) {
    reply.header('vary', VARY_ENCODED);
    const accepted = request.headers['accept-encoding'];
    if (accepted !== undefined && encodings.negotiate(accepted) === 'gzip') {
      representation = gzipOf(cached);
      reply.header('content-encoding', 'gzip');
    }
  }
  reply.header('etag', representation.etag).header('cache-control', STORE_CACHE_CONTROL);
  if (matchesIfNoneMatch(request.headers['if-none-match'], representation.etag)) reply.status(304).send();
  else reply.type('application/json; charset=utf-8').send(representation.body);
}
