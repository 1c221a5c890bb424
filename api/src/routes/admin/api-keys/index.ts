import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { MerchantActor } from '../../../../../db/src/actor.ts';
import {
  API_KEY_SORTABLE_FIELDS,
  ApiKeyBody,
  ApiKeyCreateBody,
  ApiKeyListFilter,
  CreatedApiKeyBody,
} from '../../../../../db/src/modules/auth/api-keys.schemas.ts';
import { IdParams, ListQuerystring, parseListQuery, sendPage } from '../../../http/simple-rest.ts';

const tags = ['admin: api keys'];

/** The merchant's API keys for server-to-server calls: `Authorization: Bearer msk_...`. */
const apiKeysRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    { config: { permission: 'api_keys.manage' }, schema: { tags, summary: 'List API keys', querystring: ListQuerystring, response: { 200: Type.Array(ApiKeyBody) } } },
    async (request, reply) => {
      const query = parseListQuery(request.query, { sortable: API_KEY_SORTABLE_FIELDS, defaultSort: ['createdAt', 'DESC'], filter: ApiKeyListFilter });
      return sendPage(reply, 'api-keys', await app.services.apiKeys.list(request.actor as MerchantActor, query));
    },
  );

  app.get(
    '/:id',
    { config: { permission: 'api_keys.manage' }, schema: { tags, summary: 'Show an API key', params: IdParams, response: { 200: ApiKeyBody } } },
    async (request) => app.services.apiKeys.get(request.actor as MerchantActor, request.params.id),
  );

  app.post(
    '/',
    {
      config: { permission: 'api_keys.manage' },
      schema: { tags, summary: 'Create an API key; the answer carries the secret, shown this once', body: ApiKeyCreateBody, response: { 201: CreatedApiKeyBody } },
    },
    async (request, reply) => reply.status(201).send(await app.services.apiKeys.create(request.actor as MerchantActor, request.body)),
  );

  app.delete(
    '/:id',
    { config: { permission: 'api_keys.manage' }, schema: { tags, summary: 'Revoke an API key', params: IdParams, response: { 200: ApiKeyBody } } },
    async (request) => app.services.apiKeys.revoke(request.actor as MerchantActor, request.params.id),
  );
};

export default apiKeysRoutes;
