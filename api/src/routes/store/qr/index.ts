import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { QrResolutionBody, QrTokenParams } from '../../../../../db/src/modules/qr/qr.schemas.ts';

/** Public: what a scanned static code opens. */
const qrResolverRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/:token',
    { schema: { tags: ['store: qr'], summary: 'Resolve a static shop, product or table code', params: QrTokenParams, response: { 200: QrResolutionBody } } },
    async (request) => app.services.qr.resolve(request.params.token),
  );
};

export default qrResolverRoutes;
