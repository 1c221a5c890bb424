import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ShopperActor } from '../../../../../db/src/actor.ts';
import { StoreOrderBody } from '../../../../../db/src/modules/orders/orders.schemas.ts';
import { OrderPaymentQrBody, ScannedCodeBody, ShopSlugParams } from '../../../../../db/src/modules/qr-payments/qr-payments.schemas.ts';
import { QR_IMAGE_FORMATS } from '../../../../../db/src/modules/qr/qr-render.ts';
import { QrImageQuerystring } from '../../../../../db/src/modules/qr/qr.schemas.ts';
import { qrImageResponse, sendQrImage } from '../../../http/qr-image.ts';
import { IdParams } from '../../../http/simple-rest.ts';

const tags = ['store: qr payments'];

/** QR flow 2 for the shopper (prefix /api/store): an unpaid order's payment code, and paying by scanning one. */
const storeOrderCodesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const config = { shopperSession: true };

  app.get(
    '/orders/:id/payment-qr',
    { config, schema: { tags, summary: "An unpaid order's payment code (expires with the order's payment window)", params: IdParams, response: { 200: OrderPaymentQrBody } } },
    async (request) => app.services.orderCodes.forShopper(request.shopper as ShopperActor, request.params.id),
  );

  for (const format of QR_IMAGE_FORMATS) {
    app.get(
      `/orders/:id/payment-qr.${format}`,
      {
        config,
        schema: { tags, summary: `An unpaid order's payment code as ${format.toUpperCase()}`, params: IdParams, querystring: QrImageQuerystring, response: qrImageResponse(format) },
      },
      async (request, reply) =>
        sendQrImage(reply, await app.services.orderCodes.renderForShopper(request.shopper as ShopperActor, request.params.id, { format, sizePx: request.query.size })),
    );
  }

  app.post(
    '/shops/:slug/order-codes/pay',
    {
      config,
      schema: {
        tags,
        summary: "Pay the order a scanned code names, from the shopper's wallet",
        description:
          'Refused with 400 when the code is tampered (qr_tampered), expired (qr_expired), not an order code (qr_wrong_type) or of another shop (qr_other_shop); 409 order_not_awaiting_payment when the order is paid already.',
        params: ShopSlugParams,
        body: ScannedCodeBody,
        response: { 200: StoreOrderBody },
      },
    },
    async (request) => app.services.orderCodes.pay(request.shopper as ShopperActor, { ...request.body, shopSlug: request.params.slug }),
  );
};

export default storeOrderCodesRoutes;
