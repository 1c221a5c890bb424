import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { MerchantActor } from '../../../../../db/src/actor.ts';
import { SHOP_SORTABLE_FIELDS, ShopBody, ShopCreateBody, ShopListFilter, ShopUpdateBody } from '../../../../../db/src/modules/shops/shops.schemas.ts';
import { IdParams, ListQuerystring, parseListQuery, sendPage } from '../../../http/simple-rest.ts';

const tags = ['admin: shops'];

const shopsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    { config: { permission: 'shops.read' }, schema: { tags, summary: 'List shops', querystring: ListQuerystring, response: { 200: Type.Array(ShopBody) } } },
    async (request, reply) => {
      const query = parseListQuery(request.query, { sortable: SHOP_SORTABLE_FIELDS, defaultSort: ['createdAt', 'ASC'], filter: ShopListFilter });
      return sendPage(reply, 'shops', await app.services.shops.list(request.actor as MerchantActor, query));
    },
  );

  app.get(
    '/:id',
    { config: { permission: 'shops.read' }, schema: { tags, summary: 'Show a shop', params: IdParams, response: { 200: ShopBody } } },
    async (request) => app.services.shops.get(request.actor as MerchantActor, request.params.id),
  );

  app.post(
    '/',
    { config: { permission: 'shops.write' }, schema: { tags, summary: 'Open a shop', body: ShopCreateBody, response: { 201: ShopBody } } },
    async (request, reply) => reply.status(201).send(await app.services.shops.create(request.actor as MerchantActor, request.body)),
  );

  app.put(
    '/:id',
    { config: { permission: 'shops.write' }, schema: { tags, summary: 'Change a shop', params: IdParams, body: ShopUpdateBody, response: { 200: ShopBody } } },
    async (request) => app.services.shops.update(request.actor as MerchantActor, request.params.id, request.body),
  );

  app.delete(
    '/:id',
    { config: { permission: 'shops.write' }, schema: { tags, summary: 'Delete an empty shop', params: IdParams, response: { 200: ShopBody } } },
    async (request) => app.services.shops.remove(request.actor as MerchantActor, request.params.id),
  );
};

export default shopsRoutes;
