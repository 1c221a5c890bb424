import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ShopperActor } from '../../../../../db/src/actor.ts';
import { IdempotencyKeyHeaders } from '../../../../../db/src/idempotency/idempotency.ts';
import { sendIdempotent } from '../../../http/idempotent-reply.ts';
import { TopUpCreateBody, TopUpStartBody, WalletBalanceBody, WalletQuery, WalletTopUpBody } from '../../../../../db/src/modules/wallets/wallets.schemas.ts';
import { IdParams } from '../../../http/simple-rest.ts';

const tags = ['store: wallet'];

/** The shopper's wallet (prefix /api/store/wallet): balance, and top-ups by card. */
const storeWalletRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const config = { shopperSession: true };

  app.get(
    '/',
    { config, schema: { tags, summary: "The shopper's wallet balance in one currency", querystring: WalletQuery, response: { 200: WalletBalanceBody } } },
    async (request) => app.services.wallets.balance(request.shopper as ShopperActor, request.query),
  );

  app.post(
    '/top-ups',
    {
      config,
      schema: {
        tags,
        summary: 'Top up the wallet by card: a Stripe payment intent for Stripe.js; the wallet is credited when Stripe\'s webhook says the money arrived',
        description: 'Idempotency-Key is required (400 without it): a retry with the same key and body answers 201 again (Idempotent-Replayed: true) with the same top-up and payment intent; another body is 409 naming the field.',
        headers: IdempotencyKeyHeaders,
        body: TopUpCreateBody,
        response: { 201: TopUpStartBody },
      },
    },
    async (request, reply) => {
      const { replayed, ...started } = await app.services.wallets.startTopUp(request.shopper as ShopperActor, {
        ...request.body,
        idempotencyKey: request.headers['idempotency-key'],
      });
      return sendIdempotent(reply, { replayed }, started);
    },
  );

  app.get(
    '/top-ups/:id',
    { config, schema: { tags, summary: 'One of the shopper\'s top-ups', params: IdParams, response: { 200: WalletTopUpBody } } },
    async (request) => app.services.wallets.getTopUp(request.shopper as ShopperActor, request.params.id),
  );
};

export default storeWalletRoutes;
