import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type TObject } from '@sinclair/typebox';
import type { Actor } from '../../../../../db/src/actor.ts';
import {
  AccountBalanceBody,
  BalanceQuerystring,
  StatementBody,
  StatementQuerystring,
  streamedResponse,
  type JournalQueryInput,
} from '../../../../../db/src/modules/finance/finance.schemas.ts';
import { JOURNAL_CONTENT_TYPES, type JournalFormat } from '../../../../../db/src/modules/finance/journal-export.service.ts';
import {
  ACCOUNT_SORTABLE_FIELDS,
  AccountListFilter,
  LedgerAccountBody,
  LedgerTransferBody,
  TRANSFER_SORTABLE_FIELDS,
  TransferListFilter,
} from '../../../../../db/src/modules/ledger/ledger.schemas.ts';
import type { RoutePermission } from '../../../types.ts';
import { IdParams, ListQuerystring, parseListQuery, sendPage } from '../../../http/simple-rest.ts';

export interface FinanceReadRoutesOptions {
  permission: RoutePermission;
  tags: string[];
  /** Who the services see: the merchant actor, or the caller acting as the operator. */
  actorOf(actor: Actor | null): Actor;
  journalQuerystring: TObject;
  /** Which accounts the lists and exports cover, for the summaries. */
  audience: string;
}

const JOURNAL_DESCRIPTION =
  'Two lines per transfer (debit and credit), in sequence order, streamed from a database cursor. Columns and the hash recipe: docs/finance.md. ' +
  'The period is [from, to) on the transfer creation time (UTC). At most DATABASE_EXPORT_POOL_MAX exports stream at once; the next one answers 429 with Retry-After.';

/**
 * Accounts, balances, statements and journal exports: the same reads for a merchant (its own accounts)
 * and for operators (every account), mounted under both prefixes.
 */
export const financeReadRoutes: FastifyPluginAsyncTypebox<FinanceReadRoutesOptions> = async (app, options) => {
  const { tags } = options;
  const config = { permission: options.permission };

  app.get(
    '/accounts',
    { config, schema: { tags, summary: `List ${options.audience} ledger accounts with balances`, querystring: ListQuerystring, response: { 200: Type.Array(LedgerAccountBody) } } },
    async (request, reply) => {
      const query = parseListQuery(request.query, { sortable: ACCOUNT_SORTABLE_FIELDS, defaultSort: ['createdAt', 'ASC'], filter: AccountListFilter });
      return sendPage(reply, 'accounts', await app.services.finance.listAccounts(options.actorOf(request.actor), query));
    },
  );

  app.get(
    '/transfers',
    {
      config,
      schema: {
        tags,
        summary: `The journal: transfers touching ${options.audience} accounts, with filters (account, reason, currency, reference, period, q)`,
        querystring: ListQuerystring,
        response: { 200: Type.Array(LedgerTransferBody) },
      },
    },
    async (request, reply) => {
      const query = parseListQuery(request.query, { sortable: TRANSFER_SORTABLE_FIELDS, defaultSort: ['sequence', 'DESC'], filter: TransferListFilter });
      return sendPage(reply, 'transfers', await app.services.finance.listTransfers(options.actorOf(request.actor), query));
    },
  );

  app.get(
    '/transfers/:id',
    { config, schema: { tags, summary: 'Show a transfer of the journal', params: IdParams, response: { 200: LedgerTransferBody } } },
    async (request) => app.services.finance.getTransfer(options.actorOf(request.actor), request.params.id),
  );

  app.get(
    '/accounts/:id',
    { config, schema: { tags, summary: 'Show a ledger account with its balances', params: IdParams, response: { 200: LedgerAccountBody } } },
    async (request) => app.services.finance.getAccount(options.actorOf(request.actor), request.params.id),
  );

  app.get(
    '/accounts/:id/balance',
    {
      config,
      schema: { tags, summary: 'Balance of an account now or as of a past time', params: IdParams, querystring: BalanceQuerystring, response: { 200: AccountBalanceBody } },
    },
    async (request) => app.services.finance.balance(options.actorOf(request.actor), request.params.id, request.query),
  );

  app.get(
    '/accounts/:id/statement',
    {
      config,
      schema: {
        tags,
        summary: 'Statement of an account: opening, movements with running balances, closing',
        description: 'Period [from, to) on creation time (UTC). Pages of `limit` lines; pass nextAfterSequence as afterSequence for the next one.',
        params: IdParams,
        querystring: StatementQuerystring,
        response: { 200: StatementBody },
      },
    },
    async (request) => app.services.finance.statement(options.actorOf(request.actor), request.params.id, request.query),
  );

  for (const format of ['csv', 'jsonl'] as const satisfies readonly JournalFormat[]) {
    const contentType = JOURNAL_CONTENT_TYPES[format].split(';')[0]!;
    app.get(
      `/journal.${format}`,
      {
        config,
        schema: {
          tags,
          summary: `Export the journal of ${options.audience} accounts as ${format === 'csv' ? 'CSV' : 'JSON lines'}`,
          description: JOURNAL_DESCRIPTION,
          querystring: options.journalQuerystring,
          produces: [contentType],
          response: { 200: streamedResponse(contentType, `the journal lines as ${contentType}, sent as an attachment`) },
        },
      },
      async (request, reply) => {
        const exported = await app.services.journalExport.export(options.actorOf(request.actor), request.query as JournalQueryInput, format);
        return reply
          .header('Content-Type', exported.contentType)
          .header('Content-Disposition', `attachment; filename="${exported.filename}"`)
          .header('Cache-Control', 'no-store')
          .send(exported.stream);
      },
    );
  }
};
