import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { MerchantActor } from '../../../../../db/src/actor.ts';
import { OrderIdParams, ShipmentCreateBody, ShipmentDetailBody } from '../../../../../db/src/modules/shipments/shipments.schemas.ts';

/** `POST /api/admin/orders/:orderId/shipments`: a shipment of some (or all remaining) lines of an order. */
const orderShipmentsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/:orderId/shipments',
    {
      config: { permission: 'orders.fulfil' },
      schema: {
        tags: ['admin: shipments'],
        summary: 'Create a shipment of an order',
        description: 'Lines omitted: every unit not yet shipped. A shipment created picked_up or in_transit ships the order.',
        params: OrderIdParams,
        body: ShipmentCreateBody,
        response: { 201: ShipmentDetailBody },
      },
    },
    async (request, reply) => reply.status(201).send(await app.services.shipments.create(request.actor as MerchantActor, request.params.orderId, request.body)),
  );
};

export default orderShipmentsRoutes;
