import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Actor, MerchantActor } from '../../../../../db/src/actor.ts';
import { MerchantBalanceBody, MerchantJournalQuerystring } from '../../../../../db/src/modules/finance/finance.schemas.ts';
import {
  PAYOUT_SORTABLE_FIELDS,
  PayoutBody,
  PayoutCreateBody,
  PayoutListFilter,
} from '../../../../../db/src/modules/payouts/payouts.schemas.ts';
import { IdempotencyKeyHeaders } from '../../../../../db/src/idempotency/idempotency.ts';
import { sendIdempotent } from '../../../http/idempotent-reply.ts';
import { IdParams, ListQuerystring, parseListQuery, sendPage } from '../../../http/simple-rest.ts';
import { financeReadRoutes } from './finance-read-routes.ts';

const tags = ['admin: finance'];

/** A merchant's finance: its balances, statements, journal exports and payouts. */
const financeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(financeReadRoutes, {
    permission: 'finance.read',
    tags,
    actorOf: (actor) => actor as Actor,
    journalQuerystring: MerchantJournalQuerystring,
    audience: 'the merchant’s',
  });

  app.get(
    '/balances',
    {
      config: { permission: 'finance.read' },
      schema: { tags, summary: 'Available, held and pending money per currency', response: { 200: Type.Array(MerchantBalanceBody) } },
    },
    async (request) => app.services.finance.merchantBalances(request.actor as MerchantActor),
  );

  app.get(
    '/payouts',
    { config: { permission: 'finance.read' }, schema: { tags, summary: 'List payouts', querystring: ListQuerystring, response: { 200: Type.Array(PayoutBody) } } },
    async (request, reply) => {
      const query = parseListQuery(request.query, { sortable: PAYOUT_SORTABLE_FIELDS, defaultSort: ['createdAt', 'DESC'], filter: PayoutListFilter });
      return sendPage(reply, 'payouts', await app.services.payouts.list(request.actor as MerchantActor, query));
    },
  );

  app.get(
    '/payouts/:id',
    { config: { permission: 'finance.read' }, schema: { tags, summary: 'Show a payout', params: IdParams, response: { 200: PayoutBody } } },
    async (request) => app.services.payouts.get(request.actor as MerchantActor, request.params.id),
  );

  app.post(
    '/payouts',
    {
      config: { permission: 'finance.write' },
      schema: {
        tags,
        summary: 'Pay out available balance: held now, posted when the provider confirms, released if it fails',
        description: [
          'More than the available balance is refused with 422 insufficient_funds.',
          'Idempotency-Key is required (400 without it): a retry with the same key and body answers 201 again with Idempotent-Replayed: true; another body is 409 naming the field.',
          'A provider that cannot be reached leaves the payout pending with its lastError; the sweeper submits it again.',
        ].join(' '),
        headers: IdempotencyKeyHeaders,
        body: PayoutCreateBody,
        response: { 201: PayoutBody },
      },
    },
    async (request, reply) => {
      const { payout, replayed } = await app.services.payouts.request(request.actor as MerchantActor, request.body, request.headers['idempotency-key']);
      return sendIdempotent(reply, { replayed }, payout);
    },
  );
};

export default financeRoutes;
