import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { MerchantActor } from '../../../../../db/src/actor.ts';
import {
  CourierAssignBody,
  SHIPMENT_SORTABLE_FIELDS,
  ShipmentBody,
  ShipmentDetailBody,
  ShipmentListFilter,
  TrackingEventCreateBody,
  TrackingEventRecordedBody,
} from '../../../../../db/src/modules/shipments/shipments.schemas.ts';
import { IdParams, ListQuerystring, parseListQuery, sendPage } from '../../../http/simple-rest.ts';

const tags = ['admin: shipments'];

/** The merchant's shipments (react-admin simple-rest reads), courier assignment and manual tracking events. */
const shipmentsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    { config: { permission: 'orders.read' }, schema: { tags, summary: 'List shipments', querystring: ListQuerystring, response: { 200: Type.Array(ShipmentBody) } } },
    async (request, reply) => {
      const query = parseListQuery(request.query, { sortable: SHIPMENT_SORTABLE_FIELDS, defaultSort: ['createdAt', 'DESC'], filter: ShipmentListFilter });
      return sendPage(reply, 'shipments', await app.services.shipments.list(request.actor as MerchantActor, query));
    },
  );

  app.get(
    '/:id',
    { config: { permission: 'orders.read' }, schema: { tags, summary: 'Show a shipment with its lines and tracking history', params: IdParams, response: { 200: ShipmentDetailBody } } },
    async (request) => app.services.shipments.get(request.actor as MerchantActor, request.params.id),
  );

  app.post(
    '/:id/courier',
    {
      config: { permission: 'orders.fulfil' },
      schema: { tags, summary: 'Assign a courier of the shop to a shipment (null: unassign)', params: IdParams, body: CourierAssignBody, response: { 200: ShipmentDetailBody } },
    },
    async (request) => app.services.shipments.assignCourier(request.actor as MerchantActor, request.params.id, request.body),
  );

  app.post(
    '/:id/events',
    {
      config: { permission: 'orders.fulfil' },
      schema: {
        tags,
        summary: 'Record a tracking event by hand',
        description: 'An event older than the shipment\'s current status is kept as history and moves nothing (applied: false). The same sourceEventId again answers 200 with the first event.',
        params: IdParams,
        body: TrackingEventCreateBody,
        response: { 201: TrackingEventRecordedBody, 200: TrackingEventRecordedBody },
      },
    },
    async (request, reply) => {
      const recorded = await app.services.shipments.addTrackingEvent(request.actor as MerchantActor, request.params.id, request.body);
      return reply.status(recorded.duplicate ? 200 : 201).send({ duplicate: recorded.duplicate, event: recorded.event, shipment: recorded.shipment });
    },
  );
};

export default shipmentsRoutes;
