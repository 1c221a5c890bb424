import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ShareLinkGoneError } from '../../../../db/src/modules/referrals/share-links.service.ts';
import { ShareLinkCodeParams } from '../../../../db/src/modules/referrals/referrals.schemas.ts';
import { widgetPageContentSecurityPolicy } from '../../http/page-security.ts';
import { pageLanguage, refusalPage } from '../qr-links/pages.ts';
import { sharePage } from './share-page.ts';

/**
 * `GET /r/<code>`: a shared product or shop (docs/social.md §3). Chats fetch it to unfurl the card; a
 * reader's browser gets the widget at that place, carrying the sharer's code. A malformed code is a 400
 * page, an unknown one or a closed target a 404 page (HTML, in the reader's language).
 */
const sharePageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const contentSecurityPolicy = widgetPageContentSecurityPolicy(app.config);
  app.get(
    '/:code',
    {
      schema: {
        tags: ['store: sharing'],
        summary: 'Open a share link: a page with Open Graph / Twitter card tags hosting the widget at the shared product or shop',
        produces: ['text/html'],
        params: Type.Object({ code: Type.String({ maxLength: 100 }) }),
        response: { 200: Type.String(), 400: Type.String(), 404: Type.String() },
      },
    },
    async (request, reply) => {
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').header('content-security-policy', contentSecurityPolicy);
      const language = pageLanguage(request.headers['accept-language']);
      if (!new RegExp(ShareLinkCodeParams.properties.code.pattern as string).test(request.params.code)) return reply.status(400).send(refusalPage('invalid', language));
      try {
        const page = await app.services.shareLinks.page(request.params.code);
        return reply.send(sharePage(page, `${app.config.http.publicUrl}/r/${page.code}`, app.config.http.publicUrl));
      } catch (error) {
        if (error instanceof ShareLinkGoneError) return reply.status(404).send(refusalPage('gone', language));
        throw error;
      }
    },
  );
};

export default sharePageRoutes;
