import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Actor } from '../../../../../../db/src/actor.ts';
import { LEDGER_ERROR_TYPES } from '../../../../../../db/src/modules/ledger/ledger.errors.ts';
import {
  ACCOUNT_SORTABLE_FIELDS,
  AccountListFilter,
  AccountOpenBody,
  LedgerAccountBody,
  LedgerTransferBody,
  TRANSFER_SORTABLE_FIELDS,
  TransferBatchBody,
  TransferBatchResponse,
  TransferListFilter,
  VerificationRunBody,
} from '../../../../../../db/src/modules/ledger/ledger.schemas.ts';
import type { TransferResult } from '../../../../../../db/src/modules/ledger/ledger.types.ts';
import { IdParams, ListQuerystring, parseListQuery, sendPage } from '../../../../http/simple-rest.ts';
import { STATUS_BY_ERROR_TYPE } from '../../../../plugins/app/error-handler.ts';

const tags = ['admin: operator ledger'];
const permission = 'platform.operate' as const;

/** 8,000 transfers of a few hundred bytes each do not fit the API's default 1 MB body limit. */
const TRANSFER_BATCH_BODY_LIMIT_BYTES = 4 * 1_048_576;

function wireResult(result: TransferResult) {
  if (result.status === 'failed') return result;
  const { transfer } = result;
  return { id: result.id, status: result.status, sequence: transfer.sequence, amountMinor: transfer.amountMinor, createdAt: transfer.createdAt };
}

/** Operators' view of the wallet ledger: accounts, transfers, submissions and the verifier. */
const ledgerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/accounts',
    { config: { permission }, schema: { tags, summary: 'List ledger accounts', querystring: ListQuerystring, response: { 200: Type.Array(LedgerAccountBody) } } },
    async (request, reply) => {
      const query = parseListQuery(request.query, { sortable: ACCOUNT_SORTABLE_FIELDS, defaultSort: ['createdAt', 'ASC'], filter: AccountListFilter });
      return sendPage(reply, 'accounts', await app.services.ledger.listAccounts(request.actor as Actor, query));
    },
  );

  app.get(
    '/accounts/:id',
    { config: { permission }, schema: { tags, summary: 'Show a ledger account with its balances', params: IdParams, response: { 200: LedgerAccountBody } } },
    async (request) => app.services.ledger.getAccount(request.actor as Actor, request.params.id),
  );

  app.post(
    '/accounts',
    {
      config: { permission },
      schema: { tags, summary: 'Open a ledger account (or find it: one per kind, currency and owner)', body: AccountOpenBody, response: { 200: LedgerAccountBody } },
    },
    async (request) => app.services.ledger.createAccount(request.actor as Actor, request.body),
  );

  app.get(
    '/transfers',
    { config: { permission }, schema: { tags, summary: 'List ledger transfers', querystring: ListQuerystring, response: { 200: Type.Array(LedgerTransferBody) } } },
    async (request, reply) => {
      const query = parseListQuery(request.query, { sortable: TRANSFER_SORTABLE_FIELDS, defaultSort: ['sequence', 'DESC'], filter: TransferListFilter });
      return sendPage(reply, 'transfers', await app.services.ledger.listTransfers(request.actor as Actor, query));
    },
  );

  app.get(
    '/transfers/:id',
    { config: { permission }, schema: { tags, summary: 'Show a ledger transfer', params: IdParams, response: { 200: LedgerTransferBody } } },
    async (request) => app.services.ledger.getTransfer(request.actor as Actor, request.params.id),
  );

  app.post(
    '/transfers',
    {
      config: { permission },
      bodyLimit: TRANSFER_BATCH_BODY_LIMIT_BYTES,
      schema: {
        tags,
        summary: 'Submit up to 8,000 transfers; one result per transfer',
        description:
          '200 when no transfer failed. Otherwise the status of the first failure (409 for an id reused with another body, 422 for a business rule, 404 for an unknown account ...), ' +
          'with the usual error body plus every result: transfers that did not fail were applied.',
        body: TransferBatchBody,
        response: { 200: TransferBatchResponse, '4xx': TransferBatchResponse },
      },
    },
    async (request, reply) => {
      const results = await app.services.ledger.createTransfers(request.actor as Actor, request.body);
      const wire = results.map(wireResult);
      const failures = results.filter((result) => result.status === 'failed');
      const cause = failures.find((result) => result.code !== 'linked_event_failed') ?? failures[0];
      if (!cause) return { results: wire };
      const type = LEDGER_ERROR_TYPES[cause.code];
      return reply.status(STATUS_BY_ERROR_TYPE[type]).send({
        type,
        code: cause.code,
        message: cause.message,
        ...(cause.field ? { errors: { [cause.field]: cause.message } } : {}),
        results: wire,
      });
    },
  );

  app.post(
    '/verifications',
    {
      config: { permission },
      schema: {
        tags,
        summary: 'Start a verification run: the workers recompute the hash chain and every balance from one snapshot',
        description: 'Answers 202 with the queued run; read its report with GET /verifications/:id.',
        response: { 202: VerificationRunBody },
      },
    },
    async (request, reply) => reply.status(202).send(await app.services.ledgerVerifications.start(request.actor as Actor)),
  );

  app.get(
    '/verifications/:id',
    {
      config: { permission },
      schema: { tags, summary: "A verification run: its status and, once it ran, the verifier's report (the first bad row, or ok)", params: IdParams, response: { 200: VerificationRunBody } },
    },
    async (request) => app.services.ledgerVerifications.get(request.actor as Actor, request.params.id),
  );
};

export default ledgerRoutes;
