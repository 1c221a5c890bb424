import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ShopperActor } from '../../../../../db/src/actor.ts';
import { DeliveryQuoteAnswer, DeliveryQuoteBody } from '../../../../../db/src/modules/fulfilment/fulfilment.schemas.ts';
import { CheckoutParams } from '../../../../../db/src/modules/orders/orders.schemas.ts';

const tags = ['store: orders'];

/** What delivery would cost (prefix /api/store/shops/:slug/delivery-quote). */
const deliveryQuotesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/',
    {
      config: { shopperSession: true },
      schema: {
        tags,
        summary: 'Quote delivery to an address by the shop\'s rules (checkout computes the fee again)',
        description: 'Send addressId or address; an address outside the area is 422 outside_delivery_area naming the field.',
        params: CheckoutParams,
        body: DeliveryQuoteBody,
        response: { 200: DeliveryQuoteAnswer },
      },
    },
    async (request) => app.services.deliveryQuotes.quote(request.shopper as ShopperActor, request.params.slug, request.body),
  );
};

export default deliveryQuotesRoutes;
