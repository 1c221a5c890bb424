import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ShopperActor } from '../../../../../db/src/actor.ts';
import {
  CheckoutBody,
  CheckoutParams,
  PayBody,
  StoreOrderBody,
  StoreOrderListQuery,
  StoreOrderPage,
} from '../../../../../db/src/modules/orders/orders.schemas.ts';
import { OptionalIdempotencyKeyHeaders } from '../../../../../db/src/idempotency/idempotency.ts';
import { sendIdempotent } from '../../../http/idempotent-reply.ts';
import { IdParams } from '../../../http/simple-rest.ts';

const tags = ['store: orders'];

/** The signed-in shopper's checkout and orders (prefix /api/store). */
const storeOrdersRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const config = { shopperSession: true };

  app.post(
    '/shops/:slug/orders',
    {
      config,
      schema: {
        tags,
        summary: 'Check out: the cart (or one "buy now" line) becomes an order awaiting payment, its stock reserved',
        description: 'Send an Idempotency-Key (optional here): a retry with the same key and body answers 201 again (Idempotent-Replayed: true) with the same order; another body is 409 naming the field.',
        params: CheckoutParams,
        headers: OptionalIdempotencyKeyHeaders,
        body: CheckoutBody,
        response: { 201: StoreOrderBody },
      },
    },
    async (request, reply) => {
      const { order, replayed } = await app.services.orders.place(request.shopper as ShopperActor, {
        ...request.body,
        shopSlug: request.params.slug,
        idempotencyKey: request.headers['idempotency-key'],
      });
      return sendIdempotent(reply, { replayed }, order);
    },
  );

  app.get(
    '/orders',
    { config, schema: { tags, summary: "The shopper's orders, newest first", querystring: StoreOrderListQuery, response: { 200: StoreOrderPage } } },
    async (request) => app.services.orders.listForShopper(request.shopper as ShopperActor, request.query),
  );

  app.get(
    '/orders/:id',
    { config, schema: { tags, summary: 'One of the shopper\'s orders, with its lines', params: IdParams, response: { 200: StoreOrderBody } } },
    async (request) => app.services.orders.getForShopper(request.shopper as ShopperActor, request.params.id),
  );

  app.post(
    '/orders/:id/pay',
    {
      config,
      schema: { tags, summary: 'Pay an order from the shopper\'s wallet', params: IdParams, body: PayBody, response: { 200: StoreOrderBody } },
    },
    async (request) => app.services.orders.pay(request.shopper as ShopperActor, request.params.id, request.body),
  );

  app.post(
    '/orders/:id/cancel',
    {
      config,
      schema: { tags, summary: 'Cancel an order before the shop packs it (a paid one is refunded)', params: IdParams, response: { 200: StoreOrderBody } },
    },
    async (request) => app.services.orders.cancelByShopper(request.shopper as ShopperActor, request.params.id),
  );

  app.post(
    '/orders/:id/confirm-receipt',
    {
      config,
      schema: {
        tags,
        summary: 'Confirm that a delivered order arrived: it completes and its money is settled to the shop',
        description: 'Confirming a completed order again answers it unchanged. Without confirmation the order completes by itself at autoConfirmAt.',
        params: IdParams,
        response: { 200: StoreOrderBody },
      },
    },
    async (request) => app.services.settlement.confirmReceipt(request.shopper as ShopperActor, request.params.id),
  );
};

export default storeOrdersRoutes;
