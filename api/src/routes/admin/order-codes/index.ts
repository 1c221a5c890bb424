import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { MerchantActor } from '../../../../../db/src/actor.ts';
import { OrderPaymentQrBody } from '../../../../../db/src/modules/qr-payments/qr-payments.schemas.ts';
import { QR_IMAGE_FORMATS } from '../../../../../db/src/modules/qr/qr-render.ts';
import { QrImageQuerystring } from '../../../../../db/src/modules/qr/qr.schemas.ts';
import { qrImageResponse, sendQrImage } from '../../../http/qr-image.ts';
import { IdParams } from '../../../http/simple-rest.ts';

const tags = ['admin: orders'];

/** QR flow 2 at the counter (prefix /api/admin/orders): show an unpaid order's code for its shopper to scan. */
const adminOrderCodesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const config = { permission: 'orders.read' as const };

  app.get(
    '/:id/payment-qr',
    { config, schema: { tags, summary: "An unpaid order's payment code, for its shopper to scan", params: IdParams, response: { 200: OrderPaymentQrBody } } },
    async (request) => app.services.orderCodes.forMerchant(request.actor as MerchantActor, request.params.id),
  );

  for (const format of QR_IMAGE_FORMATS) {
    app.get(
      `/:id/payment-qr.${format}`,
      {
        config,
        schema: { tags, summary: `An unpaid order's payment code as ${format.toUpperCase()}`, params: IdParams, querystring: QrImageQuerystring, response: qrImageResponse(format) },
      },
      async (request, reply) =>
        sendQrImage(reply, await app.services.orderCodes.renderForMerchant(request.actor as MerchantActor, request.params.id, { format, sizePx: request.query.size })),
    );
  }
};

export default adminOrderCodesRoutes;
