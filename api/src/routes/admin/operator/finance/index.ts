import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { OperatorJournalQuerystring, TrialBalanceBody, TrialBalanceQuerystring } from '../../../../../../db/src/modules/finance/finance.schemas.ts';
import {
  CardMovementBody,
  LocalProviderReferenceParams,
  LocalSettleBody,
  LocalSettleResultBody,
  PAYOUT_SORTABLE_FIELDS,
  PayoutBody,
  PayoutListFilter,
  ProviderEventBody,
  ProviderEventResultBody,
  ProviderRecordBody,
  ReconciliationBody,
  ReconciliationQuerystring,
} from '../../../../../../db/src/modules/payouts/payouts.schemas.ts';
import { operatorActor } from '../../../../http/operator-actor.ts';
import { IdParams, ListQuerystring, parseListQuery, sendPage } from '../../../../http/simple-rest.ts';
import { financeReadRoutes } from '../../finance/finance-read-routes.ts';

const tags = ['admin: operator finance'];
const config = { permission: 'platform.operate' as const };

/** The platform's finance: every account, the trial balance, all payouts, provider callbacks and reconciliation. */
const operatorFinanceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(financeReadRoutes, {
    permission: 'platform.operate',
    tags,
    actorOf: operatorActor,
    journalQuerystring: OperatorJournalQuerystring,
    audience: 'all',
  });

  app.get(
    '/trial-balance',
    {
      config,
      schema: { tags, summary: 'Trial balance per currency and account kind, now or as of a past time', querystring: TrialBalanceQuerystring, response: { 200: TrialBalanceBody } },
    },
    async (request) => app.services.finance.trialBalance(operatorActor(request.actor), request.query),
  );

  app.get(
    '/reconciliation',
    {
      config,
      schema: {
        tags,
        summary: 'Match payouts and card clearing against the provider’s records for a period',
        description: 'Each item is matched, missing_on_our_side, missing_at_provider, amount_mismatch or (payouts) status_mismatch.',
        querystring: ReconciliationQuerystring,
        response: { 200: ReconciliationBody },
      },
    },
    async (request) => app.services.reconciliation.report(operatorActor(request.actor), request.query),
  );

  app.get(
    '/payouts',
    { config, schema: { tags, summary: 'List the payouts of every merchant', querystring: ListQuerystring, response: { 200: Type.Array(PayoutBody) } } },
    async (request, reply) => {
      const query = parseListQuery(request.query, { sortable: PAYOUT_SORTABLE_FIELDS, defaultSort: ['createdAt', 'DESC'], filter: PayoutListFilter });
      return sendPage(reply, 'payouts', await app.services.payouts.list(operatorActor(request.actor), query));
    },
  );

  app.get(
    '/payouts/:id',
    { config, schema: { tags, summary: 'Show a payout', params: IdParams, response: { 200: PayoutBody } } },
    async (request) => app.services.payouts.get(operatorActor(request.actor), request.params.id),
  );

  app.post(
    '/payouts/provider-events',
    {
      config,
      schema: {
        tags,
        summary: 'Apply a payout provider’s callback (paid or failed)',
        description: 'The same event delivered again answers outcome "duplicate" and changes nothing. A real provider’s signed webhook calls the same service.',
        body: ProviderEventBody,
        response: { 200: ProviderEventResultBody },
      },
    },
    async (request) => app.services.payouts.applyProviderEvent(operatorActor(request.actor), request.body),
  );

  app.post(
    '/local-provider/payouts/:providerReference/settle',
    {
      config,
      schema: {
        tags,
        summary: 'Local provider: the bank pays or refuses a payout, and its callback is applied',
        params: LocalProviderReferenceParams,
        body: LocalSettleBody,
        response: { 200: LocalSettleResultBody },
      },
    },
    async (request) => app.services.payouts.settleWithLocalProvider(operatorActor(request.actor), request.params.providerReference, request.body),
  );

  app.post(
    '/local-provider/card-movements',
    {
      config,
      schema: { tags, summary: 'Local provider: book a card charge or refund as the card processor would', body: CardMovementBody, response: { 201: ProviderRecordBody } },
    },
    async (request, reply) => reply.status(201).send(await app.services.payouts.recordLocalCardMovement(operatorActor(request.actor), request.body)),
  );
};

export default operatorFinanceRoutes;
