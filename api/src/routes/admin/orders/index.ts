import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { MerchantActor } from '../../../../../db/src/actor.ts';
import {
  NoteBody,
  ORDER_SORTABLE_FIELDS,
  OrderBody,
  OrderDetailBody,
  OrderListFilter,
  RefundCreateBody,
  ShipBody,
} from '../../../../../db/src/modules/orders/orders.schemas.ts';
import { OrderRelatedBody } from '../../../../../db/src/modules/orders/order-related.ts';
import { IdempotencyKeyHeaders } from '../../../../../db/src/idempotency/idempotency.ts';
import { sendIdempotent } from '../../../http/idempotent-reply.ts';
import { IdParams, ListQuerystring, parseListQuery, sendPage } from '../../../http/simple-rest.ts';

const tags = ['admin: orders'];

/** The verbs' bodies are all optional: a POST without one means "no note, no options". */
async function emptyBodyAsObject(request: FastifyRequest): Promise<void> {
  request.body ??= {};
}

/** The merchant's orders: react-admin simple-rest reads, and the fulfilment, cancel and refund verbs. */
const ordersRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    { config: { permission: 'orders.read' }, schema: { tags, summary: 'List orders', querystring: ListQuerystring, response: { 200: Type.Array(OrderBody) } } },
    async (request, reply) => {
      const query = parseListQuery(request.query, { sortable: ORDER_SORTABLE_FIELDS, defaultSort: ['createdAt', 'DESC'], filter: OrderListFilter });
      return sendPage(reply, 'orders', await app.services.orders.list(request.actor as MerchantActor, query));
    },
  );

  app.get(
    '/:id',
    {
      config: { permission: 'orders.read' },
      schema: { tags, summary: 'Show an order with its lines, history and refunds', params: IdParams, response: { 200: OrderDetailBody } },
    },
    async (request) => app.services.orders.get(request.actor as MerchantActor, request.params.id),
  );

  app.get(
    '/:id/related',
    {
      config: { permission: 'orders.read' },
      schema: {
        tags,
        summary: "An order's payments (card, counter charge, wallet), ledger transfers and shipments with their tracking, in one call",
        params: IdParams,
        response: { 200: OrderRelatedBody },
      },
    },
    async (request) => app.services.orderRelated.related(request.actor as MerchantActor, request.params.id),
  );

  app.post(
    '/:id/pack',
    { config: { permission: 'orders.fulfil' }, preValidation: emptyBodyAsObject, schema: { tags, summary: 'Mark a paid order packed', params: IdParams, body: NoteBody, response: { 200: OrderDetailBody } } },
    async (request) => app.services.orders.pack(request.actor as MerchantActor, request.params.id, request.body),
  );

  app.post(
    '/:id/ship',
    { config: { permission: 'orders.fulfil' }, preValidation: emptyBodyAsObject, schema: { tags, summary: 'Mark a packed order shipped', params: IdParams, body: ShipBody, response: { 200: OrderDetailBody } } },
    async (request) => app.services.orders.ship(request.actor as MerchantActor, request.params.id, request.body),
  );

  app.post(
    '/:id/deliver',
    {
      config: { permission: 'orders.fulfil' },
      preValidation: emptyBodyAsObject,
      schema: {
        tags,
        summary: 'Mark an order delivered: a pickup or table order handed over once packed, or a shipped order nobody tracks',
        description: "Starts the shop's autoConfirmDays: unless the shopper confirms receipt first, the order completes and settles at autoConfirmAt.",
        params: IdParams,
        body: NoteBody,
        response: { 200: OrderDetailBody },
      },
    },
    async (request) => app.services.orders.deliver(request.actor as MerchantActor, request.params.id, request.body),
  );

  app.post(
    '/:id/cancel',
    {
      config: { permission: 'orders.refund' },
      preValidation: emptyBodyAsObject,
      schema: { tags, summary: 'Cancel an order before it ships (a paid order is refunded in full and restocked)', params: IdParams, body: NoteBody, response: { 200: OrderDetailBody } },
    },
    async (request) => app.services.orders.cancelByMerchant(request.actor as MerchantActor, request.params.id, request.body),
  );

  app.post(
    '/:id/refunds',
    {
      config: { permission: 'orders.refund' },
      preValidation: emptyBodyAsObject,
      schema: {
        tags,
        summary: 'Refund an order: some lines, an amount, or (with neither) everything that remains',
        description: [
          'Idempotency-Key is required (400 without it): a retry with the same key and body answers 201 again with Idempotent-Replayed: true; another body is 409 naming the field.',
          'Wallet money goes back at once. A card refund is recorded pending: the order, its lines and stock change only when the card processor confirms it; a refusal leaves them as they were (the refund failed, with the reason in the history).',
        ].join(' '),
        params: IdParams,
        headers: IdempotencyKeyHeaders,
        body: RefundCreateBody,
        response: { 201: OrderDetailBody },
      },
    },
    async (request, reply) => {
      const { order, replayed } = await app.services.orders.refund(request.actor as MerchantActor, request.params.id, {
        ...request.body,
        idempotencyKey: request.headers['idempotency-key'],
      });
      return sendIdempotent(reply, { replayed }, order);
    },
  );
};

export default ordersRoutes;
