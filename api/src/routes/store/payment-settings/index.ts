import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';

const PaymentSettingsBody = Type.Object(
  {
    stripe: Type.Object({
      publishableKey: Type.String({ description: 'for Stripe.js in the shopper\'s browser' }),
      jsUrl: Type.String({ description: 'where to load Stripe.js from, at checkout only' }),
    }),
  },
  { $id: 'StorePaymentSettings', additionalProperties: false },
);

/** What the widget needs to start a card payment (public, no session): Stripe's publishable key and Stripe.js's address. */
const paymentSettingsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const settings = { stripe: { publishableKey: app.config.stripe.publishableKey, jsUrl: app.config.stripe.jsUrl } };
  app.get(
    '/',
    { schema: { tags: ['store: wallet'], summary: "Stripe's publishable key and Stripe.js address, for card payments in the widget", response: { 200: PaymentSettingsBody } } },
    async (_request, reply) => reply.header('cache-control', 'public, max-age=300').send(settings),
  );
};

export default paymentSettingsRoutes;
