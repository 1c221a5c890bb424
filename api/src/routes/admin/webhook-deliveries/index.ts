import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { MerchantActor } from '../../../../../db/src/actor.ts';
import {
  WEBHOOK_DELIVERY_SORTABLE_FIELDS,
  WebhookDeliveryBody,
  WebhookDeliveryDetailBody,
  WebhookDeliveryListFilter,
} from '../../../../../db/src/modules/webhooks/webhooks.schemas.ts';
import { IdParams, ListQuerystring, parseListQuery, sendPage } from '../../../http/simple-rest.ts';

const tags = ['admin: webhooks'];
const config = { permission: 'webhooks.manage' as const };

/** The log of webhook deliveries: each with its attempts, and a replay. */
const webhookDeliveriesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    { config, schema: { tags, summary: 'List webhook deliveries', querystring: ListQuerystring, response: { 200: Type.Array(WebhookDeliveryBody) } } },
    async (request, reply) => {
      const query = parseListQuery(request.query, { sortable: WEBHOOK_DELIVERY_SORTABLE_FIELDS, defaultSort: ['createdAt', 'DESC'], filter: WebhookDeliveryListFilter });
      return sendPage(reply, 'webhook-deliveries', await app.services.webhookDeliveries.list(request.actor as MerchantActor, query));
    },
  );

  app.get(
    '/:id',
    { config, schema: { tags, summary: 'Show a delivery with its body and every attempt', params: IdParams, response: { 200: WebhookDeliveryDetailBody } } },
    async (request) => app.services.webhookDeliveries.get(request.actor as MerchantActor, request.params.id),
  );

  app.post(
    '/:id/replay',
    { config, schema: { tags, summary: 'Send a delivery again now, with a fresh signature', params: IdParams, response: { 202: WebhookDeliveryBody } } },
    async (request, reply) => reply.status(202).send(await app.services.webhookDeliveries.replay(request.actor as MerchantActor, request.params.id)),
  );
};

export default webhookDeliveriesRoutes;
