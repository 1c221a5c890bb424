import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ForbiddenError } from '../../../db/src/errors.ts';
import { shopSlugOfStorePath } from '../../../db/src/modules/storefront-pages/embed-origins.service.ts';

/** The API's own origins: the one the request reached and the configured public URL (its pages call it). */
function ownOrigins(app: FastifyInstance, request: FastifyRequest): string[] {
  return [`${request.protocol}://${request.host}`.toLowerCase(), new URL(app.config.http.publicUrl).origin.toLowerCase()];
}

/** A request whose origin this module does not restrict: no Origin (not a browser's cross-origin call), or outside /api/store/shops/<slug>/. */
function unrestricted(request: FastifyRequest): boolean {
  return !request.headers.origin || shopSlugOfStorePath(request.url) === null;
}

/**
 * Whether a browser on `Origin` may call this request: anything unrestricted is decided elsewhere; a
 * shop's store API takes the API's own pages and the shop's allowed embed origins only.
 */
async function originAllowed(app: FastifyInstance, request: FastifyRequest): Promise<boolean> {
  const origin = request.headers.origin;
  const slug = shopSlugOfStorePath(request.url);
  if (!origin || !slug) return true;
  if (ownOrigins(app, request).includes(origin.toLowerCase())) return true;
  return app.services.embedOrigins.allows(slug, origin);
}

/**
 * Refuses a shop's store API to any other origin (403 origin_not_allowed), preflights included, so that a
 * refused page cannot even write a cart line. Added before @fastify/cors: a refused request ends here,
 * without CORS headers, and every request that goes on gets @fastify/cors' one static set of options
 * (the request's origin reflected), normalized once instead of on every request as a per-request
 * options delegator would.
 */
export function refuseForeignOrigins(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    if (unrestricted(request)) return done();
    originAllowed(app, request).then(
      (isAllowed) => done(isAllowed ? undefined : new ForbiddenError('origin_not_allowed', "This page's origin is not among the shop's allowed embed origins.")),
      (error: Error) => done(error),
    );
  });
}
