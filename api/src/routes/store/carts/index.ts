import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ShopperActor } from '../../../../../db/src/actor.ts';
import { CartBody, CartLineParams, CartLineQuantityBody, CartParams } from '../../../../../db/src/modules/carts/carts.schemas.ts';

const tags = ['store: cart'];

/** The signed-in shopper's cart in one shop (prefix /api/store/shops/:slug/cart). */
const cartsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const config = { shopperSession: true };

  app.get(
    '/',
    { config, schema: { tags, summary: 'The cart, priced from the catalog now (created on first call)', params: CartParams, response: { 200: CartBody } } },
    async (request) => app.services.carts.get(request.shopper as ShopperActor, request.params.slug),
  );

  app.put(
    '/lines/:variantId',
    {
      config,
      schema: { tags, summary: 'Set how many of a variant the cart holds (0 removes it)', params: CartLineParams, body: CartLineQuantityBody, response: { 200: CartBody } },
    },
    async (request) =>
      app.services.carts.setLineQuantity(request.shopper as ShopperActor, {
        shopSlug: request.params.slug,
        variantId: request.params.variantId,
        quantity: request.body.quantity,
      }),
  );

  app.delete(
    '/lines/:variantId',
    { config, schema: { tags, summary: 'Remove a variant from the cart', params: CartLineParams, response: { 200: CartBody } } },
    async (request) => app.services.carts.removeLine(request.shopper as ShopperActor, { shopSlug: request.params.slug, variantId: request.params.variantId }),
  );

  app.delete(
    '/',
    { config, schema: { tags, summary: 'Empty the cart', params: CartParams, response: { 200: CartBody } } },
    async (request) => app.services.carts.clear(request.shopper as ShopperActor, request.params.slug),
  );
};

export default cartsRoutes;
