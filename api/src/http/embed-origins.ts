import type { FastifyCorsOptions } from '@fastify/cors';
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
export async function originAllowed(app: FastifyInstance, request: FastifyRequest): Promise<boolean> {
  const origin = request.headers.origin;
  const slug = shopSlugOfStorePath(request.url);
  if (!origin || !slug) return true;
  if (ownOrigins(app, request).includes(origin.toLowerCase())) return true;
  return app.services.embedOrigins.allows(slug, origin);
}

/**
 * @fastify/cors options decided per request: a refused origin gets no Access-Control-Allow-Origin. The two
 * answers are built once, and an unrestricted request is answered synchronously (no promise per request).
 */
export function corsDelegator(app: FastifyInstance, base: FastifyCorsOptions) {
  const allowed: FastifyCorsOptions = Object.freeze({ ...base, origin: true });
  const refused: FastifyCorsOptions = Object.freeze({ ...base, origin: false });
  return (request: FastifyRequest, callback: (error: Error | null, options?: FastifyCorsOptions) => void) => {
    if (unrestricted(request)) return callback(null, allowed);
    originAllowed(app, request).then(
      (isAllowed) => callback(null, isAllowed ? allowed : refused),
      (error: Error) => callback(error),
    );
  };
}

/** Refuses the request itself too (403 origin_not_allowed), so a refused page cannot even write a cart line. */
export function refuseForeignOrigins(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.method === 'OPTIONS' || unrestricted(request)) return done();
    originAllowed(app, request).then(
      (isAllowed) => done(isAllowed ? undefined : new ForbiddenError('origin_not_allowed', "This page's origin is not among the shop's allowed embed origins.")),
      (error: Error) => done(error),
    );
  });
}
