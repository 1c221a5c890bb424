import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { MerchantActor } from '../../../../../db/src/actor.ts';
import { COMMISSION_SORTABLE_FIELDS, CommissionListFilter, MerchantCommissionBody } from '../../../../../db/src/modules/referrals/referrals.schemas.ts';
import { ListQuerystring, parseListQuery, sendPage } from '../../../http/simple-rest.ts';

const tags = ['admin: commissions'];

/** The merchant's referral commissions with the ledger transfers behind each (prefix /api/admin/commissions; docs/social.md §4). */
const commissionsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    { config: { permission: 'finance.read' }, schema: { tags, summary: 'List referral commissions (id = the order id) with their ledger transfers', querystring: ListQuerystring, response: { 200: Type.Array(MerchantCommissionBody) } } },
    async (request, reply) => {
      const query = parseListQuery(request.query, { sortable: COMMISSION_SORTABLE_FIELDS, defaultSort: ['createdAt', 'DESC'], filter: CommissionListFilter });
      return sendPage(reply, 'commissions', await app.services.referralCommissions.listForMerchant(request.actor as MerchantActor, query));
    },
  );
};

export default commissionsRoutes;
