import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { QrTokenParams, type QrResolution } from '../../../../db/src/modules/qr/qr.schemas.ts';

/** Where a resolved code sends a phone's browser. For now the demo chat page; later the widget's host page. */
export function landingPath(resolution: QrResolution): string {
  const query = new URLSearchParams({ shop: resolution.shopSlug });
  if (resolution.type === 'product') query.set('product', resolution.productId);
  if (resolution.type === 'table') query.set('table', resolution.table);
  return `/demo?${query.toString()}`;
}

/** The short address printed inside every static code: GET /s/<token> redirects to the storefront. */
const qrLinksRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/:token',
    {
      schema: {
        tags: ['store: qr'],
        summary: 'Open a scanned code: redirect to the storefront at its shop, product or table',
        params: QrTokenParams,
        response: { 302: Type.Null({ description: 'Location: /demo?shop=<slug>[&product=<id>][&table=<label>]' }) },
      },
    },
    async (request, reply) => reply.redirect(landingPath(await app.services.qr.resolve(request.params.token)), 302),
  );
};

export default qrLinksRoutes;
