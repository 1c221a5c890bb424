import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { MerchantActor } from '../../../../../db/src/actor.ts';
import {
  PAYMENT_CODE_CHARGE_SORTABLE_FIELDS,
  PaymentCodeChargeBody,
  PaymentCodeChargeCreateBody,
  PaymentCodeChargeListFilter,
} from '../../../../../db/src/modules/qr-payments/qr-payments.schemas.ts';
import { IdempotencyKeyHeaders } from '../../../../../db/src/idempotency/idempotency.ts';
import { sendIdempotent } from '../../../http/idempotent-reply.ts';
import { IdParams, ListQuerystring, parseListQuery, sendPage } from '../../../http/simple-rest.ts';

const tags = ['admin: payment code charges'];

/** QR flow 3 at the counter: charge a scanned payment code; react-admin simple-rest reads for the counter and finance. */
const paymentCodeChargesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/',
    {
      config: { permission: 'payments.charge' },
      schema: {
        tags,
        summary: "Charge a shopper's scanned payment code with an amount",
        description: [
          'Idempotency-Key is required (400 without it): a retry with the same key and body answers 201 again with Idempotent-Replayed: true; another body is 409 idempotency_key_reused naming the field.',
          'Up to PAYMENT_CODE_CONFIRMATION_THRESHOLD_MINOR the wallet pays at once (status succeeded, with the counter order); above it the amount is held',
          'and the charge is awaiting_confirmation until the shopper confirms or declines in the widget, or the window closes (expired).',
          'Refused with nothing moved: 400 qr_tampered / qr_expired / qr_wrong_type / qr_other_shop, 409 qr_already_used, 422 insufficient_funds.',
        ].join(' '),
        headers: IdempotencyKeyHeaders,
        body: PaymentCodeChargeCreateBody,
        response: { 201: PaymentCodeChargeBody },
      },
    },
    async (request, reply) => {
      const { charge, replayed } = await app.services.paymentCodeCharges.charge(request.actor as MerchantActor, {
        ...request.body,
        idempotencyKey: request.headers['idempotency-key'],
      });
      return sendIdempotent(reply, { replayed }, charge);
    },
  );

  app.get(
    '/',
    {
      config: { permission: 'orders.read' },
      schema: { tags, summary: 'List payment code charges', querystring: ListQuerystring, response: { 200: Type.Array(PaymentCodeChargeBody) } },
    },
    async (request, reply) => {
      const query = parseListQuery(request.query, { sortable: PAYMENT_CODE_CHARGE_SORTABLE_FIELDS, defaultSort: ['createdAt', 'DESC'], filter: PaymentCodeChargeListFilter });
      return sendPage(reply, 'payment-code-charges', await app.services.paymentCodeCharges.list(request.actor as MerchantActor, query));
    },
  );

  app.get(
    '/:id',
    {
      config: { permission: 'orders.read' },
      schema: { tags, summary: 'Show a payment code charge (the counter polls it while the shopper decides)', params: IdParams, response: { 200: PaymentCodeChargeBody } },
    },
    async (request) => app.services.paymentCodeCharges.get(request.actor as MerchantActor, request.params.id),
  );
};

export default paymentCodeChargesRoutes;
