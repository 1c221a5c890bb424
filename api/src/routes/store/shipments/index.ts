import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ShopperActor } from '../../../../../db/src/actor.ts';
import { StoreShipmentList } from '../../../../../db/src/modules/shipments/shipments.schemas.ts';
import { IdParams } from '../../../http/simple-rest.ts';

/** `GET /api/store/orders/:id/shipments`: where the shopper's parcels are (last position, ETA, history). */
const storeShipmentsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/:id/shipments',
    {
      config: { shopperSession: true },
      schema: { tags: ['store: orders'], summary: "My order's shipments: status, last known position, ETA and tracking history", params: IdParams, response: { 200: StoreShipmentList } },
    },
    async (request) => app.services.shipments.listForOrder({ shopperId: (request.shopper as ShopperActor).shopperId }, request.params.id),
  );
};

export default storeShipmentsRoutes;
