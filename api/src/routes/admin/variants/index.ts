import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { MerchantActor } from '../../../../../db/src/actor.ts';
import {
  VARIANT_SORTABLE_FIELDS,
  VariantBody,
  VariantCreateBody,
  VariantListFilter,
  VariantUpdateBody,
} from '../../../../../db/src/modules/catalog/variants.schemas.ts';
import { IdParams, ListQuerystring, parseListQuery, sendPage } from '../../../http/simple-rest.ts';

const tags = ['admin: catalog'];

const variantsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    { config: { permission: 'catalog.read' }, schema: { tags, summary: 'List variants', querystring: ListQuerystring, response: { 200: Type.Array(VariantBody) } } },
    async (request, reply) => {
      const query = parseListQuery(request.query, { sortable: VARIANT_SORTABLE_FIELDS, defaultSort: ['position', 'ASC'], filter: VariantListFilter });
      return sendPage(reply, 'variants', await app.services.variants.list(request.actor as MerchantActor, query));
    },
  );

  app.get(
    '/:id',
    { config: { permission: 'catalog.read' }, schema: { tags, summary: 'Show a variant', params: IdParams, response: { 200: VariantBody } } },
    async (request) => app.services.variants.get(request.actor as MerchantActor, request.params.id),
  );

  app.post(
    '/',
    {
      config: { permission: 'catalog.write' },
      schema: { tags, summary: 'Create a variant; opening stock is journaled as an initial stock movement', body: VariantCreateBody, response: { 201: VariantBody } },
    },
    async (request, reply) => reply.status(201).send(await app.services.variants.create(request.actor as MerchantActor, request.body)),
  );

  app.put(
    '/:id',
    {
      config: { permission: 'catalog.write' },
      schema: { tags, summary: 'Change a variant (stock fields are ignored: use stock movements)', params: IdParams, body: VariantUpdateBody, response: { 200: VariantBody } },
    },
    async (request) => app.services.variants.update(request.actor as MerchantActor, request.params.id, request.body),
  );

  app.delete(
    '/:id',
    {
      config: { permission: 'catalog.write' },
      schema: { tags, summary: 'Delete a variant whose stock never moved', params: IdParams, response: { 200: VariantBody } },
    },
    async (request) => app.services.variants.remove(request.actor as MerchantActor, request.params.id),
  );
};

export default variantsRoutes;
