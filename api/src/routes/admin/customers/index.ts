import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { MerchantActor } from '../../../../../db/src/actor.ts';
import { CUSTOMER_SORTABLE_FIELDS, CustomerBody, CustomerListFilter } from '../../../../../db/src/modules/customers/customers.schemas.ts';
import { IdParams, ListQuerystring, parseListQuery, sendPage } from '../../../http/simple-rest.ts';

const tags = ['admin: customers'];

/** Shoppers who bought from the merchant (docs/console-api.md §4): react-admin simple-rest reads. */
const customersRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      config: { permission: 'orders.read' },
      schema: { tags, summary: 'List customers: shoppers with orders here, their order count, spending and last order', querystring: ListQuerystring, response: { 200: Type.Array(CustomerBody) } },
    },
    async (request, reply) => {
      const query = parseListQuery(request.query, { sortable: CUSTOMER_SORTABLE_FIELDS, defaultSort: ['lastOrderAt', 'DESC'], filter: CustomerListFilter });
      return sendPage(reply, 'customers', await app.services.customers.list(request.actor as MerchantActor, query));
    },
  );

  app.get(
    '/:id',
    { config: { permission: 'orders.read' }, schema: { tags, summary: 'Show a customer (404 for a shopper who never ordered here)', params: IdParams, response: { 200: CustomerBody } } },
    async (request) => app.services.customers.get(request.actor as MerchantActor, request.params.id),
  );
};

export default customersRoutes;
