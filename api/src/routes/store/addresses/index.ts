import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { ShopperActor } from '../../../../../db/src/actor.ts';
import { AddressBody, AddressInputBody, AddressList, AddressUpdateBody } from '../../../../../db/src/modules/fulfilment/fulfilment.schemas.ts';
import { IdParams } from '../../../http/simple-rest.ts';

const tags = ['store: addresses'];

/** The signed-in shopper's address book (prefix /api/store/addresses); another shopper's address is a 404. */
const storeAddressesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const config = { shopperSession: true };

  app.get('/', { config, schema: { tags, summary: "The shopper's addresses, oldest first", response: { 200: AddressList } } }, async (request) => ({
    items: await app.services.addresses.list(request.shopper as ShopperActor),
  }));

  app.get(
    '/:id',
    { config, schema: { tags, summary: 'One address', params: IdParams, response: { 200: AddressBody } } },
    async (request) => app.services.addresses.get(request.shopper as ShopperActor, request.params.id),
  );

  app.post(
    '/',
    { config, schema: { tags, summary: 'Add an address', body: AddressInputBody, response: { 201: AddressBody } } },
    async (request, reply) => reply.status(201).send(await app.services.addresses.create(request.shopper as ShopperActor, request.body)),
  );

  app.put(
    '/:id',
    {
      config,
      schema: { tags, summary: 'Change an address (the fields sent); orders placed before keep their copy', params: IdParams, body: AddressUpdateBody, response: { 200: AddressBody } },
    },
    async (request) => app.services.addresses.update(request.shopper as ShopperActor, request.params.id, request.body),
  );

  app.delete(
    '/:id',
    { config, schema: { tags, summary: 'Delete an address', params: IdParams, response: { 204: Type.Null({ description: 'deleted' }) } } },
    async (request, reply) => {
      await app.services.addresses.remove(request.shopper as ShopperActor, request.params.id);
      return reply.status(204).send(null);
    },
  );
};

export default storeAddressesRoutes;
