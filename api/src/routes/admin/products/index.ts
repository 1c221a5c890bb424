import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { MerchantActor } from '../../../../../db/src/actor.ts';
import {
  PRODUCT_SORTABLE_FIELDS,
  ProductBody,
  ProductCreateBody,
  ProductListFilter,
  ProductUpdateBody,
} from '../../../../../db/src/modules/catalog/products.schemas.ts';
import { IdParams, ListQuerystring, parseListQuery, sendPage } from '../../../http/simple-rest.ts';

const tags = ['admin: catalog'];

const productsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      config: { permission: 'catalog.read' },
      schema: { tags, summary: 'List products, with variant count, lowest price and available stock', querystring: ListQuerystring, response: { 200: Type.Array(ProductBody) } },
    },
    async (request, reply) => {
      const query = parseListQuery(request.query, { sortable: PRODUCT_SORTABLE_FIELDS, defaultSort: ['createdAt', 'DESC'], filter: ProductListFilter });
      return sendPage(reply, 'products', await app.services.products.list(request.actor as MerchantActor, query));
    },
  );

  app.get(
    '/:id',
    { config: { permission: 'catalog.read' }, schema: { tags, summary: 'Show a product', params: IdParams, response: { 200: ProductBody } } },
    async (request) => app.services.products.get(request.actor as MerchantActor, request.params.id),
  );

  app.post(
    '/',
    { config: { permission: 'catalog.write' }, schema: { tags, summary: 'Create a product', body: ProductCreateBody, response: { 201: ProductBody } } },
    async (request, reply) => reply.status(201).send(await app.services.products.create(request.actor as MerchantActor, request.body)),
  );

  app.put(
    '/:id',
    { config: { permission: 'catalog.write' }, schema: { tags, summary: 'Change a product', params: IdParams, body: ProductUpdateBody, response: { 200: ProductBody } } },
    async (request) => app.services.products.update(request.actor as MerchantActor, request.params.id, request.body),
  );

  app.delete(
    '/:id',
    {
      config: { permission: 'catalog.write' },
      schema: {
        tags,
        summary: 'Delete a product whose stock never moved (409 product_has_history otherwise: archive it)',
        params: IdParams,
        response: { 200: ProductBody },
      },
    },
    async (request) => app.services.products.remove(request.actor as MerchantActor, request.params.id),
  );
};

export default productsRoutes;
