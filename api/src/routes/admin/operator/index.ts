import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Actor } from '../../../../../db/src/actor.ts';
import {
  OPERATOR_MERCHANT_SORTABLE_FIELDS,
  OperatorMerchantBody,
  OperatorMerchantListFilter,
  OperatorMerchantUpdateBody,
} from '../../../../../db/src/modules/staff/operator.schemas.ts';
import {
  MoneyAttentionItemBody,
  MoneyAttentionQuery,
  MoneyAttentionResolveBody,
  MoneyRecordParams,
  MoneyRecordStateBody,
} from '../../../../../db/src/modules/money-recovery/money-recovery.schemas.ts';
import { OperatorShopListFilter, SHOP_SORTABLE_FIELDS, ShopBody } from '../../../../../db/src/modules/shops/shops.schemas.ts';
import { PlatformFeeBody, PlatformFeeUpdateBody } from '../../../../../db/src/modules/settlement/settlement.schemas.ts';
import { operatorActor } from '../../../http/operator-actor.ts';
import { IdParams, ListQuerystring, parseListQuery, sendPage } from '../../../http/simple-rest.ts';

const tags = ['admin: operator'];

/** The platform operator's console: every merchant, across tenants. */
const operatorRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/merchants',
    {
      config: { permission: 'platform.operate' },
      schema: { tags, summary: 'List all merchants with their staff counts', querystring: ListQuerystring, response: { 200: Type.Array(OperatorMerchantBody) } },
    },
    async (request, reply) => {
      const query = parseListQuery(request.query, { sortable: OPERATOR_MERCHANT_SORTABLE_FIELDS, defaultSort: ['createdAt', 'DESC'], filter: OperatorMerchantListFilter });
      return sendPage(reply, 'merchants', await app.services.operator.listMerchants(request.actor as Actor, query));
    },
  );

  app.get(
    '/merchants/:id',
    { config: { permission: 'platform.operate' }, schema: { tags, summary: 'Show a merchant', params: IdParams, response: { 200: OperatorMerchantBody } } },
    async (request) => app.services.operator.getMerchant(request.actor as Actor, request.params.id),
  );

  app.put(
    '/merchants/:id',
    {
      config: { permission: 'platform.operate' },
      schema: { tags, summary: 'Suspend or reactivate a merchant', params: IdParams, body: OperatorMerchantUpdateBody, response: { 200: OperatorMerchantBody } },
    },
    async (request) => app.services.operator.updateMerchant(request.actor as Actor, request.params.id, request.body),
  );

  app.get(
    '/shops',
    {
      config: { permission: 'platform.operate' },
      schema: { tags, summary: "List every merchant's shops (filter merchantId for one merchant's)", querystring: ListQuerystring, response: { 200: Type.Array(ShopBody) } },
    },
    async (request, reply) => {
      const query = parseListQuery(request.query, { sortable: SHOP_SORTABLE_FIELDS, defaultSort: ['createdAt', 'ASC'], filter: OperatorShopListFilter });
      return sendPage(reply, 'shops', await app.services.shops.listAcrossMerchants(query));
    },
  );

  app.get(
    '/money-attention',
    {
      config: { permission: 'platform.operate' },
      schema: {
        tags,
        summary: 'Refunds, payouts and top-ups an operator must look at',
        description:
          'Flagged by the sweeper once their retries are spent (retries_exhausted), by a card refund the processor refused that the shopper is owed (card_refund_refused), or by a payout whose hold expired (hold_expired, paid_after_hold_expired). Newest first, at most 500.',
        querystring: MoneyAttentionQuery,
        response: { 200: Type.Array(MoneyAttentionItemBody) },
      },
    },
    async (request) => app.services.moneySweeper.listAttention(operatorActor(request.actor), request.query),
  );

  app.post(
    '/money-attention/:kind/:id/retry',
    {
      config: { permission: 'platform.operate' },
      schema: {
        tags,
        summary: 'Send a flagged pending refund, payout or top-up back to work: its attempts start again and one runs now',
        description: 'Only a pending record can be retried (409 money_record_not_pending otherwise); the outcome is in its status and lastError.',
        params: MoneyRecordParams,
        response: { 200: MoneyRecordStateBody },
      },
    },
    async (request) => app.services.moneySweeper.retryFlagged(operatorActor(request.actor), request.params.kind, request.params.id),
  );

  app.post(
    '/money-attention/:kind/:id/resolve',
    {
      config: { permission: 'platform.operate' },
      schema: {
        tags,
        summary: 'Record how an operator settled a flagged refund, payout or top-up outside the platform; it leaves the list',
        params: MoneyRecordParams,
        body: MoneyAttentionResolveBody,
        response: { 200: MoneyRecordStateBody },
      },
    },
    async (request) => app.services.moneySweeper.resolveFlagged(operatorActor(request.actor), request.params.kind, request.params.id, request.body),
  );

  app.get(
    '/merchants/:id/platform-fee',
    { config: { permission: 'platform.operate' }, schema: { tags, summary: "A merchant's platform fee rate", params: IdParams, response: { 200: PlatformFeeBody } } },
    async (request) => app.services.settlement.getPlatformFee(request.params.id),
  );

  app.put(
    '/merchants/:id/platform-fee',
    {
      config: { permission: 'platform.operate' },
      schema: {
        tags,
        summary: "Set a merchant's platform fee rate (basis points on the goods of each settled order)",
        description: 'Applies to settlements from now on; orders settled before keep the rate they were settled at.',
        params: IdParams,
        body: PlatformFeeUpdateBody,
        response: { 200: PlatformFeeBody },
      },
    },
    async (request) => app.services.settlement.setPlatformFee(request.params.id, request.body.basisPoints),
  );
};

export default operatorRoutes;
