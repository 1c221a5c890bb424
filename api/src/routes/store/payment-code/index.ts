import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { ShopperActor } from '../../../../../db/src/actor.ts';
import {
  PaymentCodeBody,
  PaymentCodeTokenParams,
  ShopSlugParams,
  StorePaymentCodeChargeBody,
  StorePaymentCodeChargeQuery,
} from '../../../../../db/src/modules/qr-payments/qr-payments.schemas.ts';
import { QR_IMAGE_FORMATS } from '../../../../../db/src/modules/qr/qr-render.ts';
import { QrImageQuerystring } from '../../../../../db/src/modules/qr/qr.schemas.ts';
import { qrImageResponse, sendQrImage } from '../../../http/qr-image.ts';
import { IdParams } from '../../../http/simple-rest.ts';

const tags = ['store: qr payments'];

/**
 * QR flow 3 for the shopper (prefix /api/store): the payment code to show at a shop's counter, and the
 * counter charges that wait for the shopper's confirmation.
 */
const storePaymentCodeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const config = { shopperSession: true };

  app.post(
    '/shops/:slug/payment-codes',
    {
      config,
      schema: {
        tags,
        summary: 'A fresh payment code for this shop: valid once, for 60 seconds; show a new one every refreshAfterSeconds',
        params: ShopSlugParams,
        response: { 201: PaymentCodeBody },
      },
    },
    async (request, reply) => reply.status(201).send(await app.services.paymentCodes.issue(request.shopper as ShopperActor, { shopSlug: request.params.slug })),
  );

  for (const format of QR_IMAGE_FORMATS) {
    app.get(
      `/payment-codes/:token.${format}`,
      {
        config,
        schema: {
          tags,
          summary: `One of the shopper's live payment codes drawn as ${format.toUpperCase()} (it encodes the token itself)`,
          params: PaymentCodeTokenParams,
          querystring: QrImageQuerystring,
          response: qrImageResponse(format),
        },
      },
      async (request, reply) =>
        sendQrImage(reply, await app.services.paymentCodes.render(request.shopper as ShopperActor, request.params.token, { format, sizePx: request.query.size })),
    );
  }

  app.get(
    '/payment-code-charges',
    {
      config,
      schema: { tags, summary: "The shopper's counter charges, newest first (filter status=awaiting_confirmation to ask for consent)", querystring: StorePaymentCodeChargeQuery, response: { 200: Type.Array(StorePaymentCodeChargeBody) } },
    },
    async (request) => app.services.paymentCodeCharges.listForShopper(request.shopper as ShopperActor, request.query),
  );

  app.get(
    '/payment-code-charges/:id',
    { config, schema: { tags, summary: 'One of the shopper\'s counter charges', params: IdParams, response: { 200: StorePaymentCodeChargeBody } } },
    async (request) => app.services.paymentCodeCharges.getForShopper(request.shopper as ShopperActor, request.params.id),
  );

  app.post(
    '/payment-code-charges/:id/confirm',
    {
      config,
      schema: {
        tags,
        summary: 'Consent to a held counter charge: the money is paid and the charge becomes an order',
        description: '409 payment_code_charge_expired after the confirmation window (the money has been released); confirming twice answers the same charge.',
        params: IdParams,
        response: { 200: StorePaymentCodeChargeBody },
      },
    },
    async (request) => app.services.paymentCodeCharges.confirm(request.shopper as ShopperActor, request.params.id),
  );

  app.post(
    '/payment-code-charges/:id/decline',
    {
      config,
      schema: { tags, summary: 'Refuse a held counter charge: the held money goes back to the wallet', params: IdParams, response: { 200: StorePaymentCodeChargeBody } },
    },
    async (request) => app.services.paymentCodeCharges.decline(request.shopper as ShopperActor, request.params.id),
  );
};

export default storePaymentCodeRoutes;
