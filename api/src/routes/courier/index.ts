import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { CourierIdentity } from '../../../../db/src/modules/shipments/couriers.service.ts';
import {
  CourierPositionCreateBody,
  CourierPositionResult,
  CourierShipmentBody,
  CourierShipmentList,
  CourierStatusCreateBody,
  TrackingEventRecordedBody,
} from '../../../../db/src/modules/shipments/shipments.schemas.ts';
import { sha256Hex } from '../../../../db/src/secrets.ts';
import { bearerToken } from '../../http/bearer-token.ts';
import { IdParams } from '../../http/simple-rest.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on /api/courier routes from the courier's bearer token. */
    courier: CourierIdentity | null;
  }
}

const tags = ['courier'];
const MISSING_HINT = 'Send your courier token as "Authorization: Bearer mcr_..." (the shop issues it).';

function courierOf(request: FastifyRequest): CourierIdentity {
  return request.courier as CourierIdentity;
}

/**
 * The courier's API: their shipments, positions and status changes, signed in with the token the shop
 * issued. Another courier's shipment is a 404. Limited per courier token (not per address: couriers
 * share mobile carrier NATs).
 */
const courierRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.decorateRequest('courier', null);
  app.addHook('onRequest', async (request) => {
    request.courier = await app.services.couriers.authenticate(bearerToken(request, MISSING_HINT));
  });
  app.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, security: [{ courierAuth: [] }] };
  });

  const rateLimit = {
    max: app.config.delivery.courierRateLimitMaxPerMinute,
    timeWindow: 60_000,
    keyGenerator: (request: FastifyRequest) => `courier:${sha256Hex(request.headers.authorization ?? request.ip)}`,
  };

  app.get(
    '/shipments',
    { config: { rateLimit }, schema: { tags, summary: 'My shipments: open ones first, then those finished in the last day', response: { 200: CourierShipmentList } } },
    async (request) => {
      const courier = courierOf(request);
      return { courier: { id: courier.courierId, name: courier.name }, shipments: await app.services.courierDeliveries.listMine(courier) };
    },
  );

  app.get(
    '/shipments/:id',
    { config: { rateLimit }, schema: { tags, summary: 'One of my shipments, with the delivery address', params: IdParams, response: { 200: CourierShipmentBody } } },
    async (request) => app.services.courierDeliveries.getMine(courierOf(request), request.params.id),
  );

  app.post(
    '/positions',
    {
      config: { rateLimit },
      schema: {
        tags,
        summary: 'Where I am, for every shipment I have en route',
        description: 'A fix not newer than the last known position is accepted (applied: false) and moves nothing.',
        body: CourierPositionCreateBody,
        response: { 200: CourierPositionResult },
      },
    },
    async (request) => app.services.courierDeliveries.postPosition(courierOf(request), request.body),
  );

  app.post(
    '/shipments/:id/positions',
    { config: { rateLimit }, schema: { tags, summary: 'Where I am, for one shipment', params: IdParams, body: CourierPositionCreateBody, response: { 200: CourierPositionResult } } },
    async (request) => app.services.courierDeliveries.postPosition(courierOf(request), request.body, request.params.id),
  );

  app.post(
    '/shipments/:id/status',
    {
      config: { rateLimit },
      schema: {
        tags,
        summary: 'Picked up, out for delivery, delivered, or a failed attempt',
        params: IdParams,
        body: CourierStatusCreateBody,
        response: { 201: TrackingEventRecordedBody, 200: TrackingEventRecordedBody },
      },
    },
    async (request, reply) => {
      const recorded = await app.services.courierDeliveries.postStatus(courierOf(request), request.params.id, request.body);
      return reply.status(recorded.duplicate ? 200 : 201).send({ duplicate: recorded.duplicate, event: recorded.event, shipment: recorded.shipment });
    },
  );
};

export default courierRoutes;

