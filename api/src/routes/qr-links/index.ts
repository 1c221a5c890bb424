import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { DomainError } from '../../../../db/src/errors.ts';
import { QrTokenParams } from '../../../../db/src/modules/qr/qr.schemas.ts';
import { widgetPageContentSecurityPolicy } from '../../http/page-security.ts';
import { landingPage, pageLanguage, refusalPage, type RefusalKind } from './pages.ts';

const REFUSAL_BY_CODE: Record<string, { kind: RefusalKind; status: 400 | 404 | 410 }> = {
  qr_expired: { kind: 'expired', status: 410 },
  qr_tampered: { kind: 'invalid', status: 400 },
  qr_wrong_type: { kind: 'invalid', status: 400 },
  shop_not_found: { kind: 'gone', status: 404 },
  product_not_found: { kind: 'gone', status: 404 },
};

/**
 * The address printed inside every code, `GET /s/<token>`: a phone's browser lands on a page hosting the
 * widget at the code's shop, product or table, or on an order's pay page; a code that cannot be used
 * gets a friendly page in the reader's language (Accept-Language) rather than JSON.
 */
const qrLinksRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const contentSecurityPolicy = widgetPageContentSecurityPolicy(app.config);
  app.get(
    '/:token',
    {
      schema: {
        tags: ['store: qr'],
        summary: 'Open a scanned code: a page with the storefront at its shop, product or table, or the order to pay',
        params: QrTokenParams,
        produces: ['text/html'],
        response: {
          200: Type.String({ description: 'HTML hosting <minishop-store>, with Open Graph tags' }),
          400: Type.String({ description: 'HTML: the code is damaged or not one that opens a page' }),
          404: Type.String({ description: 'HTML: the shop or product is closed or gone' }),
          410: Type.String({ description: 'HTML: the code has expired' }),
        },
      },
    },
    async (request, reply) => {
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').header('content-security-policy', contentSecurityPolicy);
      try {
        const landing = await app.services.landing.landing(request.params.token);
        return reply.send(landingPage(landing, `${app.config.http.publicUrl}/s/${request.params.token}`));
      } catch (error) {
        const refusal = error instanceof DomainError ? REFUSAL_BY_CODE[error.code] : undefined;
        if (!refusal) throw error;
        return reply.status(refusal.status).send(refusalPage(refusal.kind, pageLanguage(request.headers['accept-language'])));
      }
    },
  );
};

export default qrLinksRoutes;
