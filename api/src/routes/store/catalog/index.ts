import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { Uuid } from '../../../../../db/src/schema-types.ts';
import { ShopSlug } from '../../../../../db/src/modules/shops/shops.schemas.ts';
import {
  StoreCategoryBody,
  StoreProductBody,
  StoreProductPageBody,
  StoreProductQuery,
  StoreShopBody,
} from '../../../../../db/src/modules/catalog/store-catalog.schemas.ts';
import { sendCached } from '../../../http/cached-response.ts';
import { LocalRateLimiter } from '../../../http/local-rate-limit.ts';

const tags = ['store: catalog'];
const SlugParams = Type.Object({ slug: ShopSlug });
const ProductParams = Type.Object({ slug: ShopSlug, productId: Uuid });
const notModified = { 304: Type.Null({ description: 'Not modified: the If-None-Match ETag is current' }) };

/**
 * The hot path costs what the global per-request work costs, so these routes count their rate limit in
 * memory only instead of through the global limiter's shared store.
 */
const lean = { config: { rateLimit: false } } as const;

class RateLimitedError extends Error {
  readonly statusCode = 429;
}

/**
 * The public catalog for the widget: open shops and active products only, no authentication. Answers
 * come from the catalog cache, already serialized, with a strong ETag.
 */
const storeCatalogRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // This instance serves from its cache only while it hears other instances' invalidations.
  await app.services.catalogInvalidations.listen();
  app.addHook('onClose', () => app.services.catalogInvalidations.close());

  const limiter = new LocalRateLimiter(app.config.rateLimit.maxPerMinute, 60_000);
  // A callback hook rather than an async one: no promise per request on the hottest public route.
  app.addHook('onRequest', (request, reply, done) => {
    if (limiter.take(request.ip)) return done();
    reply.header('retry-after', limiter.retryAfterSeconds());
    done(new RateLimitedError('Too many catalog requests; retry in a minute.'));
  });

  app.get(
    '/:slug',
    { ...lean, schema: { tags, summary: 'An open shop', params: SlugParams, response: { 200: StoreShopBody, ...notModified } } },
    (request, reply) => sendCached(request, reply, app.services.storeCatalog.shop(request.params.slug)),
  );

  app.get(
    '/:slug/categories',
    { ...lean, schema: { tags, summary: "An open shop's categories, in menu order", params: SlugParams, response: { 200: Type.Array(StoreCategoryBody), ...notModified } } },
    (request, reply) => sendCached(request, reply, app.services.storeCatalog.categories(request.params.slug)),
  );

  app.get(
    '/:slug/products',
    {
      ...lean,
      schema: {
        tags,
        summary: "One page of an open shop's active products, newest first",
        params: SlugParams,
        querystring: StoreProductQuery,
        response: { 200: StoreProductPageBody, ...notModified },
      },
    },
    (request, reply) => sendCached(request, reply, app.services.storeCatalog.products(request.params.slug, request.query)),
  );

  app.get(
    '/:slug/products/:productId',
    {
      ...lean,
      schema: { tags, summary: 'An active product with its variants and their available stock', params: ProductParams, response: { 200: StoreProductBody, ...notModified } },
    },
    (request, reply) => sendCached(request, reply, app.services.storeCatalog.product(request.params.slug, request.params.productId)),
  );
};

export default storeCatalogRoutes;
