import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import type { MerchantActor } from '../../../../../db/src/actor.ts';
import { QR_IMAGE_FORMATS } from '../../../../../db/src/modules/qr/qr-render.ts';
import type { RenderedQrCode } from '../../../../../db/src/modules/qr/qr.service.ts';
import { ProductQrParams, QrImageQuerystring, ShopQrParams, TableQrParams } from '../../../../../db/src/modules/qr/qr.schemas.ts';

const tags = ['admin: qr codes'];

function sendImage(reply: FastifyReply, code: RenderedQrCode) {
  return reply
    .header('Content-Type', code.contentType)
    .header('Content-Disposition', `inline; filename="${code.filename}"`)
    .header('Cache-Control', 'private, no-store')
    .send(code.body);
}

/**
 * Printable static codes (SVG for print shops, PNG for screens), each encoding `${PUBLIC_URL}/s/<token>`.
 * One route per target and format, so the OpenAPI document lists the real addresses.
 */
const qrCodesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const config = { permission: 'shops.read' as const };
  for (const format of QR_IMAGE_FORMATS) {
    const response = { 200: Type.String({ description: format === 'svg' ? 'image/svg+xml' : 'image/png (binary)' }) };

    app.get(
      `/shops/:shopId.${format}`,
      { config, schema: { tags, summary: `A shop's code as ${format.toUpperCase()}`, params: ShopQrParams, querystring: QrImageQuerystring, response } },
      async (request, reply) =>
        sendImage(
          reply,
          await app.services.qr.renderStaticCode(request.actor as MerchantActor, { type: 'shop', shopId: request.params.shopId }, { format, sizePx: request.query.size }),
        ),
    );

    app.get(
      `/products/:productId.${format}`,
      { config, schema: { tags, summary: `A product's code as ${format.toUpperCase()}`, params: ProductQrParams, querystring: QrImageQuerystring, response } },
      async (request, reply) =>
        sendImage(
          reply,
          await app.services.qr.renderStaticCode(
            request.actor as MerchantActor,
            { type: 'product', productId: request.params.productId },
            { format, sizePx: request.query.size },
          ),
        ),
    );

    app.get(
      `/shops/:shopId/tables/:table.${format}`,
      { config, schema: { tags, summary: `A table's code as ${format.toUpperCase()}`, params: TableQrParams, querystring: QrImageQuerystring, response } },
      async (request, reply) =>
        sendImage(
          reply,
          await app.services.qr.renderStaticCode(
            request.actor as MerchantActor,
            { type: 'table', shopId: request.params.shopId, table: request.params.table },
            { format, sizePx: request.query.size },
          ),
        ),
    );
  }
};

export default qrCodesRoutes;
