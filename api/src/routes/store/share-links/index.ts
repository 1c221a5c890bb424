import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ShopperActor } from '../../../../../db/src/actor.ts';
import { ShareLinkBody, ShareLinkCodeParams, ShareLinkCreateBody, ShareOpenBody, ShopperCommissionsBody } from '../../../../../db/src/modules/referrals/referrals.schemas.ts';

const tags = ['store: sharing'];

/** Share links and the referrer's commissions (prefix /api/store; docs/social.md §3-§4). */
const storeShareLinksRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const config = { shopperSession: true };

  app.post(
    '/share-links',
    {
      config,
      schema: {
        tags,
        summary: "The shopper's share link for a product or a shop (the same link each time for the same target)",
        description: 'The link `/r/<code>` carries the sharer: a signed-in shopper who opens it is attributed to them in that shop for the shop\'s window.',
        body: ShareLinkCreateBody,
        response: { 201: ShareLinkBody },
      },
    },
    async (request, reply) => reply.status(201).send(await app.services.shareLinks.create(request.shopper as ShopperActor, request.body)),
  );

  app.post(
    '/share-links/:code/opens',
    {
      config,
      schema: {
        tags,
        summary: 'The signed-in shopper opened a share link: a touch that attributes their orders in its shop to the sharer',
        params: ShareLinkCodeParams,
        response: { 201: ShareOpenBody },
      },
    },
    async (request, reply) => reply.status(201).send(await app.services.shareLinks.recordOpen(request.shopper as ShopperActor, request.params.code)),
  );

  app.get(
    '/referral-commissions',
    { config, schema: { tags, summary: "The shopper's referral commissions: pending and paid, latest 50, with totals per currency", response: { 200: ShopperCommissionsBody } } },
    async (request) => app.services.referralCommissions.listForShopper(request.shopper as ShopperActor),
  );
};

export default storeShareLinksRoutes;
