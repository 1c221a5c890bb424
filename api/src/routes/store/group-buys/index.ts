import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ShopperActor } from '../../../../../db/src/actor.ts';
import { IdempotencyKeyHeaders } from '../../../../../db/src/idempotency/idempotency.ts';
import { GroupBuyBody, GroupBuyJoinedBody, GroupBuyTeamBody } from '../../../../../db/src/modules/group-buys/group-buys.schemas.ts';
import { sendIdempotent } from '../../../http/idempotent-reply.ts';
import { IdParams } from '../../../http/simple-rest.ts';

const tags = ['store: group buys'];

/** Group buys in the store (prefix /api/store/group-buys; docs/social.md §2). */
const storeGroupBuysRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const config = { shopperSession: true };

  app.get(
    '/:id',
    // Public, like the catalog: the card a chat unfurls and the demo chat shows before anyone signs in.
    { schema: { tags, summary: 'A group-buy offer: product, usual and team price, team size, window (no session needed)', params: IdParams, response: { 200: GroupBuyBody } } },
    async (request) => app.services.groupBuys.getOffer(request.params.id),
  );

  app.post(
    '/:id/teams',
    {
      config,
      schema: {
        tags,
        summary: 'Open a team by paying the team price from the wallet (held until the team forms or its window closes)',
        description:
          '201 with the team (share its id: friends join through it). 422 insufficient_funds (top the wallet up by card first); 409 group_buy_closed (the cap on teams is reached); 409 group_buy_out_of_stock. Idempotency-Key is required.',
        headers: IdempotencyKeyHeaders,
        params: IdParams,
        response: { 201: GroupBuyTeamBody },
      },
    },
    async (request, reply) => {
      const { replayed, ...team } = await app.services.groupBuys.openTeam(request.shopper as ShopperActor, request.params.id, { idempotencyKey: request.headers['idempotency-key'] });
      return sendIdempotent(reply, { replayed }, team);
    },
  );

  app.get(
    '/teams/:id',
    { config, schema: { tags, summary: 'A team with its members so far', params: IdParams, response: { 200: GroupBuyTeamBody } } },
    async (request) => app.services.groupBuys.getTeam(request.shopper as ShopperActor, request.params.id),
  );

  app.post(
    '/teams/:id/members',
    {
      config,
      schema: {
        tags,
        summary: 'Join a team by paying the team price from the wallet (held); the member who fills it forms the team and every order is paid',
        description: '201 with the team; 200 with the same team when this shopper is already in it (nothing moves); 409 group_buy_team_full; 422 group_buy_team_expired; 422 insufficient_funds.',
        params: IdParams,
        response: { 201: GroupBuyJoinedBody, 200: GroupBuyJoinedBody },
      },
    },
    async (request, reply) => {
      const joined = await app.services.groupBuys.join(request.shopper as ShopperActor, request.params.id);
      return reply.status(joined.duplicate ? 200 : 201).send(joined);
    },
  );
};

export default storeGroupBuysRoutes;
