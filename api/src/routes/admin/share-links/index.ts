import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { MerchantActor } from '../../../../../db/src/actor.ts';
import { ShareLinkBody, ShareLinkCreateBody } from '../../../../../db/src/modules/referrals/referrals.schemas.ts';

/** A merchant's share links (prefix /api/admin/share-links; docs/social.md §3): the same page and card, no referrer. */
const adminShareLinksRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/',
    {
      config: { permission: 'shops.read' },
      schema: {
        tags: ['admin: sharing'],
        summary: "The merchant's share link for a product or one of its shops (the same link each time); it attributes nothing",
        body: ShareLinkCreateBody,
        response: { 201: ShareLinkBody },
      },
    },
    async (request, reply) => reply.status(201).send(await app.services.shareLinks.createForMerchant(request.actor as MerchantActor, request.body)),
  );
};

export default adminShareLinksRoutes;
