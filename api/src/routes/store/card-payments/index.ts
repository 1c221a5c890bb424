import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { ShopperActor } from '../../../../../db/src/actor.ts';
import { CardPaymentStartBody, PaymentAttemptStatusSchema } from '../../../../../db/src/modules/payments/payments.schemas.ts';
import { Uuid } from '../../../../../db/src/schema-types.ts';
import { IdParams } from '../../../http/simple-rest.ts';

const tags = ['store: orders'];

const OrderCardPaymentStartBody = Type.Composite([CardPaymentStartBody, Type.Object({ orderId: Uuid })], { $id: 'OrderCardPaymentStart', additionalProperties: false });
const OrderCardPaymentStatusBody = Type.Object(
  { status: PaymentAttemptStatusSchema, failureCode: Type.Union([Type.String(), Type.Null()]), paymentIntentId: Type.Union([Type.String(), Type.Null()]) },
  { $id: 'OrderCardPaymentStatus', additionalProperties: false },
);

/** Paying an order by card (prefix /api/store/orders): Stripe.js confirms it, Stripe's webhook pays the order. */
const storeCardPaymentsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const config = { shopperSession: true };

  app.post(
    '/:id/card-payment',
    {
      config,
      schema: {
        tags,
        summary: 'Start (or resume) paying an order by card: a Stripe payment intent and its client secret for Stripe.js',
        description: 'Idempotent per order: calling again answers the same payment intent. The order is paid when Stripe\'s webhook says so.',
        params: IdParams,
        response: { 200: OrderCardPaymentStartBody },
      },
    },
    async (request) => app.services.orderCardPayments.start(request.shopper as ShopperActor, request.params.id),
  );

  app.get(
    '/:id/card-payment',
    { config, schema: { tags, summary: "Where the order's card payment stands (a declined card's code included)", params: IdParams, response: { 200: OrderCardPaymentStatusBody } } },
    async (request) => {
      const attempt = await app.services.orderCardPayments.status(request.shopper as ShopperActor, request.params.id);
      return { status: attempt.status, failureCode: attempt.failureCode, paymentIntentId: attempt.stripePaymentIntentId };
    },
  );
};

export default storeCardPaymentsRoutes;
