import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Actor } from '../../../../../../db/src/actor.ts';
import {
  CHAT_HOST_SORTABLE_FIELDS,
  ChatHostBody,
  ChatHostCreateBody,
  ChatHostCreatedBody,
  ChatHostListFilter,
  ChatHostUpdateBody,
  ChatHostUpdatedBody,
} from '../../../../../../db/src/modules/shoppers/chat-hosts.schemas.ts';
import { IdParams, ListQuerystring, parseListQuery, sendPage } from '../../../../http/simple-rest.ts';

const tags = ['admin: operator'];
const config = { permission: 'platform.operate' as const };

/** The chats allowed to vouch for shoppers with their own signed tokens (provider `host`). */
const chatHostsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    { config, schema: { tags, summary: 'List chat hosts', querystring: ListQuerystring, response: { 200: Type.Array(ChatHostBody) } } },
    async (request, reply) => {
      const query = parseListQuery(request.query, { sortable: CHAT_HOST_SORTABLE_FIELDS, defaultSort: ['createdAt', 'DESC'], filter: ChatHostListFilter });
      return sendPage(reply, 'chat-hosts', await app.services.chatHosts.list(request.actor as Actor, query));
    },
  );

  app.get(
    '/:id',
    { config, schema: { tags, summary: 'Show a chat host', params: IdParams, response: { 200: ChatHostBody } } },
    async (request) => app.services.chatHosts.get(request.actor as Actor, request.params.id),
  );

  app.post(
    '/',
    { config, schema: { tags, summary: 'Register a chat host; the answer shows its secret once', body: ChatHostCreateBody, response: { 201: ChatHostCreatedBody } } },
    async (request, reply) => reply.status(201).send(await app.services.chatHosts.create(request.actor as Actor, request.body)),
  );

  app.put(
    '/:id',
    { config, schema: { tags, summary: 'Rename, suspend, reactivate or re-key a chat host; set where it takes notifications', params: IdParams, body: ChatHostUpdateBody, response: { 200: ChatHostUpdatedBody } } },
    async (request) => app.services.chatHosts.update(request.actor as Actor, request.params.id, request.body),
  );
};

export default chatHostsRoutes;
