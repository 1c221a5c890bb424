import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { MerchantActor } from '../../../../../db/src/actor.ts';
import {
  WEBHOOK_ENDPOINT_SORTABLE_FIELDS,
  WebhookEndpointBody,
  WebhookEndpointCreateBody,
  WebhookEndpointListFilter,
  WebhookEndpointUpdateBody,
  WebhookEndpointWithSecretBody,
} from '../../../../../db/src/modules/webhooks/webhooks.schemas.ts';
import { IdParams, ListQuerystring, parseListQuery, sendPage } from '../../../http/simple-rest.ts';

const tags = ['admin: webhooks'];
const config = { permission: 'webhooks.manage' as const };

/** The merchant's webhook endpoints (docs/webhooks.md), in react-admin's simple-rest shape. */
const webhookEndpointsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    { config, schema: { tags, summary: 'List webhook endpoints', querystring: ListQuerystring, response: { 200: Type.Array(WebhookEndpointBody) } } },
    async (request, reply) => {
      const query = parseListQuery(request.query, { sortable: WEBHOOK_ENDPOINT_SORTABLE_FIELDS, defaultSort: ['createdAt', 'DESC'], filter: WebhookEndpointListFilter });
      return sendPage(reply, 'webhook-endpoints', await app.services.webhookEndpoints.list(request.actor as MerchantActor, query));
    },
  );

  app.get(
    '/:id',
    { config, schema: { tags, summary: 'Show a webhook endpoint', params: IdParams, response: { 200: WebhookEndpointBody } } },
    async (request) => app.services.webhookEndpoints.get(request.actor as MerchantActor, request.params.id),
  );

  app.post(
    '/',
    {
      config,
      schema: { tags, summary: 'Register a webhook endpoint; the answer shows its signing secret once', body: WebhookEndpointCreateBody, response: { 201: WebhookEndpointWithSecretBody } },
    },
    async (request, reply) => reply.status(201).send(await app.services.webhookEndpoints.create(request.actor as MerchantActor, request.body)),
  );

  app.put(
    '/:id',
    {
      config,
      schema: { tags, summary: 'Change the URL, events or description; disable or re-enable', params: IdParams, body: WebhookEndpointUpdateBody, response: { 200: WebhookEndpointBody } },
    },
    async (request) => app.services.webhookEndpoints.update(request.actor as MerchantActor, request.params.id, request.body),
  );

  app.post(
    '/:id/rotate-secret',
    { config, schema: { tags, summary: 'Replace the signing secret; the answer shows the new one once', params: IdParams, response: { 200: WebhookEndpointWithSecretBody } } },
    async (request) => app.services.webhookEndpoints.rotateSecret(request.actor as MerchantActor, request.params.id),
  );

  app.delete(
    '/:id',
    { config, schema: { tags, summary: 'Delete a webhook endpoint with its deliveries', params: IdParams, response: { 200: WebhookEndpointBody } } },
    async (request) => app.services.webhookEndpoints.delete(request.actor as MerchantActor, request.params.id),
  );
};

export default webhookEndpointsRoutes;
