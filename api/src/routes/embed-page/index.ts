import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ShopSlug } from '../../../../db/src/modules/shops/shops.schemas.ts';
import { widgetPageContentSecurityPolicy } from '../../http/page-security.ts';
import { embedPage, pageLanguage, refusalPage } from '../qr-links/pages.ts';

/**
 * `GET /embed/<slug>`: the widget alone, for a host chat to put in a frame. Only the shop's allowed embed
 * origins may frame it (CSP `frame-ancestors`), and the widget talks to its parent through the bridge
 * (versioned postMessage, docs/storefront-widget.md) with those origins only.
 */
const embedPageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const basePolicy = widgetPageContentSecurityPolicy(app.config);
  app.get(
    '/:slug',
    {
      schema: {
        tags: ['store: widget'],
        summary: 'The widget alone, to be framed by a host chat on one of the shop\'s allowed embed origins',
        params: Type.Object({ slug: ShopSlug }),
        produces: ['text/html'],
        response: { 200: Type.String(), 404: Type.String() },
      },
    },
    async (request, reply) => {
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
      const embedding = await app.services.embedOrigins.embedding(request.params.slug);
      if (!embedding) return reply.status(404).header('content-security-policy', basePolicy).send(refusalPage('gone', pageLanguage(request.headers['accept-language'])));
      const frameAncestors = ["'self'", ...embedding.origins].join(' ');
      reply.header('content-security-policy', basePolicy.replace("frame-ancestors 'self'", `frame-ancestors ${frameAncestors}`));
      // helmet's X-Frame-Options would forbid every other origin, whatever the CSP allows.
      reply.removeHeader('x-frame-options');
      return reply.send(embedPage(request.params.slug, embedding.shopName, embedding.origins));
    },
  );
};

export default embedPageRoutes;
