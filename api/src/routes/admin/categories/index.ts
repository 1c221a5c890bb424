import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { MerchantActor } from '../../../../../db/src/actor.ts';
import {
  CATEGORY_SORTABLE_FIELDS,
  CategoryBody,
  CategoryCreateBody,
  CategoryListFilter,
  CategoryUpdateBody,
} from '../../../../../db/src/modules/catalog/categories.schemas.ts';
import { IdParams, ListQuerystring, parseListQuery, sendPage } from '../../../http/simple-rest.ts';

const tags = ['admin: catalog'];

const categoriesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    { config: { permission: 'catalog.read' }, schema: { tags, summary: 'List categories', querystring: ListQuerystring, response: { 200: Type.Array(CategoryBody) } } },
    async (request, reply) => {
      const query = parseListQuery(request.query, { sortable: CATEGORY_SORTABLE_FIELDS, defaultSort: ['position', 'ASC'], filter: CategoryListFilter });
      return sendPage(reply, 'categories', await app.services.categories.list(request.actor as MerchantActor, query));
    },
  );

  app.get(
    '/:id',
    { config: { permission: 'catalog.read' }, schema: { tags, summary: 'Show a category', params: IdParams, response: { 200: CategoryBody } } },
    async (request) => app.services.categories.get(request.actor as MerchantActor, request.params.id),
  );

  app.post(
    '/',
    { config: { permission: 'catalog.write' }, schema: { tags, summary: 'Create a category', body: CategoryCreateBody, response: { 201: CategoryBody } } },
    async (request, reply) => reply.status(201).send(await app.services.categories.create(request.actor as MerchantActor, request.body)),
  );

  app.put(
    '/:id',
    { config: { permission: 'catalog.write' }, schema: { tags, summary: 'Change a category', params: IdParams, body: CategoryUpdateBody, response: { 200: CategoryBody } } },
    async (request) => app.services.categories.update(request.actor as MerchantActor, request.params.id, request.body),
  );

  app.delete(
    '/:id',
    {
      config: { permission: 'catalog.write' },
      schema: { tags, summary: 'Delete a category; its products stay, uncategorized', params: IdParams, response: { 200: CategoryBody } },
    },
    async (request) => app.services.categories.remove(request.actor as MerchantActor, request.params.id),
  );
};

export default categoriesRoutes;
