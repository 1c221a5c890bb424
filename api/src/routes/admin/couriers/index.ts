import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { MerchantActor } from '../../../../../db/src/actor.ts';
import {
  COURIER_SORTABLE_FIELDS,
  CourierBody,
  CourierCreateBody,
  CourierListFilter,
  CourierTokenBody,
  CourierUpdateBody,
} from '../../../../../db/src/modules/shipments/shipments.schemas.ts';
import { IdParams, ListQuerystring, parseListQuery, sendPage } from '../../../http/simple-rest.ts';

const tags = ['admin: couriers'];

/** The shop's own couriers (react-admin simple-rest) and their sign-in tokens. */
const couriersRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    { config: { permission: 'orders.read' }, schema: { tags, summary: 'List couriers', querystring: ListQuerystring, response: { 200: Type.Array(CourierBody) } } },
    async (request, reply) => {
      const query = parseListQuery(request.query, { sortable: COURIER_SORTABLE_FIELDS, defaultSort: ['createdAt', 'DESC'], filter: CourierListFilter });
      return sendPage(reply, 'couriers', await app.services.couriers.list(request.actor as MerchantActor, query));
    },
  );

  app.get(
    '/:id',
    { config: { permission: 'orders.read' }, schema: { tags, summary: 'Show a courier', params: IdParams, response: { 200: CourierBody } } },
    async (request) => app.services.couriers.get(request.actor as MerchantActor, request.params.id),
  );

  app.post(
    '/',
    { config: { permission: 'couriers.manage' }, schema: { tags, summary: 'Create a courier', body: CourierCreateBody, response: { 201: CourierBody } } },
    async (request, reply) => reply.status(201).send(await app.services.couriers.create(request.actor as MerchantActor, request.body)),
  );

  app.put(
    '/:id',
    {
      config: { permission: 'couriers.manage' },
      schema: { tags, summary: 'Rename, change the phone, or (de)activate a courier; deactivating revokes the token', params: IdParams, body: CourierUpdateBody, response: { 200: CourierBody } },
    },
    async (request) => app.services.couriers.update(request.actor as MerchantActor, request.params.id, request.body),
  );

  app.delete(
    '/:id',
    {
      config: { permission: 'couriers.manage' },
      schema: { tags, summary: 'Retire a courier: inactive, token revoked (their shipments keep naming them)', params: IdParams, response: { 200: CourierBody } },
    },
    async (request) => app.services.couriers.retire(request.actor as MerchantActor, request.params.id),
  );

  app.post(
    '/:id/token',
    {
      config: { permission: 'couriers.manage' },
      schema: { tags, summary: 'Issue (or rotate) the courier\'s sign-in token; the answer carries it, shown this once', params: IdParams, response: { 201: CourierTokenBody } },
    },
    async (request, reply) => reply.status(201).send(await app.services.couriers.rotateToken(request.actor as MerchantActor, request.params.id)),
  );
};

export default couriersRoutes;
