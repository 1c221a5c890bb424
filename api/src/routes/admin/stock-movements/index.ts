import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { MerchantActor } from '../../../../../db/src/actor.ts';
import {
  STOCK_MOVEMENT_SORTABLE_FIELDS,
  StockMovementBody,
  StockMovementCreateBody,
  StockMovementListFilter,
} from '../../../../../db/src/modules/catalog/stock-movements.schemas.ts';
import { IdParams, ListQuerystring, parseListQuery, sendPage } from '../../../http/simple-rest.ts';

const tags = ['admin: catalog'];

/** The stock journal is append-only: there is no PUT or DELETE here, and none is registered. */
const stockMovementsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      config: { permission: 'catalog.read' },
      schema: { tags, summary: 'List stock movements (the stock journal)', querystring: ListQuerystring, response: { 200: Type.Array(StockMovementBody) } },
    },
    async (request, reply) => {
      const query = parseListQuery(request.query, { sortable: STOCK_MOVEMENT_SORTABLE_FIELDS, defaultSort: ['createdAt', 'DESC'], filter: StockMovementListFilter });
      return sendPage(reply, 'stock-movements', await app.services.stockMovements.list(request.actor as MerchantActor, query));
    },
  );

  app.get(
    '/:id',
    { config: { permission: 'catalog.read' }, schema: { tags, summary: 'Show a stock movement', params: IdParams, response: { 200: StockMovementBody } } },
    async (request) => app.services.stockMovements.get(request.actor as MerchantActor, request.params.id),
  );

  app.post(
    '/',
    {
      config: { permission: 'stock.adjust' },
      schema: {
        tags,
        summary: 'Move stock: receipt, adjustment, damage, loss, return or correction (422 insufficient_stock below what is reserved)',
        body: StockMovementCreateBody,
        response: { 201: StockMovementBody },
      },
    },
    async (request, reply) => reply.status(201).send(await app.services.stockMovements.record(request.actor as MerchantActor, request.body)),
  );
};

export default stockMovementsRoutes;
