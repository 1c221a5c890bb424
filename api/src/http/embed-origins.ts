import type { FastifyCorsOptions } from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ForbiddenError } from '../../../db/src/errors.ts';
import { shopSlugOfStorePath } from '../../../db/src/modules/storefront-pages/embed-origins.service.ts';

/** The API's own origins: the one the request reached and the configured public URL (its pages call it). */
function ownOrigins(app: FastifyInstance, request: FastifyRequest): string[] {
  return [`${request.protocol}://${request.host}`.toLowerCase(), new URL(app.config.http.publicUrl).origin.toLowerCase()];
}

/**
 * Whether a browser on `Origin` may call this request: anything without an Origin (not a browser's
 * cross-origin call) or outside /api/store/shops/<slug>/ is decided elsewhere; a shop's store API takes
 * the API's own pages and the shop's allowed embed origins only.
 */
export async function originAllowed(app: FastifyInstance, request: FastifyRequest): Promise<boolean> {
  const origin = request.headers.origin;
  const slug = shopSlugOfStorePath(request.url);
  if (!origin || !slug) return true;
  if (ownOrigins(app, request).includes(origin.toLowerCase())) return true;
  return app.services.embedOrigins.allows(slug, origin);
}

/** @fastify/cors options decided per request: a refused origin gets no Access-Control-Allow-Origin. */
export function corsDelegator(app: FastifyInstance, base: FastifyCorsOptions) {
  return (request: FastifyRequest, callback: (error: Error | null, options?: FastifyCorsOptions) => void) => {
    originAllowed(app, request).then(
      (allowed) => callback(null, { ...base, origin: allowed }),
      (error: Error) => callback(error),
    );
  };
}

/** Refuses the request itself too (403 origin_not_allowed), so a refused page cannot even write a cart line. */
export function refuseForeignOrigins(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    if (request.method === 'OPTIONS') return;
    if (!(await originAllowed(app, request))) throw new ForbiddenError('origin_not_allowed', "This page's origin is not among the shop's allowed embed origins.");
  });
}
