import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { MerchantActor } from '../../../../../db/src/actor.ts';
import { IdempotencyKeyHeaders } from '../../../../../db/src/idempotency/idempotency.ts';
import {
  GROUP_BUY_SORTABLE_FIELDS,
  GROUP_BUY_TEAM_SORTABLE_FIELDS,
  GroupBuyCreateBody,
  GroupBuyListFilter,
  GroupBuyTeamListFilter,
  MerchantGroupBuyBody,
  MerchantGroupBuyTeamBody,
} from '../../../../../db/src/modules/group-buys/group-buys.schemas.ts';
import { sendIdempotent } from '../../../http/idempotent-reply.ts';
import { IdParams, ListQuerystring, parseListQuery, sendPage } from '../../../http/simple-rest.ts';

const tags = ['admin: group buys'];

/** The merchant's group-buy offers (prefix /api/admin/group-buys; docs/social.md §2). */
export const groupBuysRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/',
    {
      config: { permission: 'catalog.write' },
      schema: {
        tags,
        summary: 'Offer a team price for a variant',
        description: 'teamSize defaults to 2, windowSeconds to 86400 (24 hours); teamPriceMinor must be below the variant price. Idempotency-Key is required.',
        headers: IdempotencyKeyHeaders,
        body: GroupBuyCreateBody,
        response: { 201: MerchantGroupBuyBody },
      },
    },
    async (request, reply) => {
      const { replayed, ...offer } = await app.services.groupBuys.create(request.actor as MerchantActor, { ...request.body, idempotencyKey: request.headers['idempotency-key'] });
      return sendIdempotent(reply, { replayed }, offer);
    },
  );

  app.get(
    '/',
    { config: { permission: 'orders.read' }, schema: { tags, summary: 'List group-buy offers with their team counts', querystring: ListQuerystring, response: { 200: Type.Array(MerchantGroupBuyBody) } } },
    async (request, reply) => {
      const query = parseListQuery(request.query, { sortable: GROUP_BUY_SORTABLE_FIELDS, defaultSort: ['createdAt', 'DESC'], filter: GroupBuyListFilter });
      return sendPage(reply, 'group-buys', await app.services.groupBuys.listForMerchant(request.actor as MerchantActor, query));
    },
  );

  app.get(
    '/:id',
    { config: { permission: 'orders.read' }, schema: { tags, summary: 'Show an offer with its teams, members and the ledger transfers behind each', params: IdParams, response: { 200: MerchantGroupBuyBody } } },
    async (request) => app.services.groupBuys.getForMerchant(request.actor as MerchantActor, request.params.id),
  );
};

/** The teams of the merchant's group buys (prefix /api/admin/group-buy-teams). */
export const groupBuyTeamsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    { config: { permission: 'orders.read' }, schema: { tags, summary: 'List group-buy teams with their members and ledger transfers', querystring: ListQuerystring, response: { 200: Type.Array(MerchantGroupBuyTeamBody) } } },
    async (request, reply) => {
      const query = parseListQuery(request.query, { sortable: GROUP_BUY_TEAM_SORTABLE_FIELDS, defaultSort: ['createdAt', 'DESC'], filter: GroupBuyTeamListFilter });
      return sendPage(reply, 'group-buy-teams', await app.services.groupBuys.listTeamsForMerchant(request.actor as MerchantActor, query));
    },
  );

  app.get(
    '/:id',
    { config: { permission: 'orders.read' }, schema: { tags, summary: 'Show a team with its members and ledger transfers', params: IdParams, response: { 200: MerchantGroupBuyTeamBody } } },
    async (request) => app.services.groupBuys.getTeamForMerchant(request.actor as MerchantActor, request.params.id),
  );
};
