import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ShopperActor } from '../../../../../db/src/actor.ts';
import { CurrentSessionBody, SessionBody, SessionCreateBody } from '../../../../../db/src/modules/shoppers/shoppers.schemas.ts';

const tags = ['store: sessions'];

/** Shopper sign-in from what the chat says about who the shopper is. */
const sessionsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/',
    {
      // Each guest session may create a shopper: the stricter sign-in limit keeps that cheap to defend.
      config: { rateLimit: { max: app.config.rateLimit.authMaxPerMinute, timeWindow: 60_000 } },
      schema: {
        tags,
        summary: 'Start a shopper session from a Telegram initData, a host chat token or a guest device id',
        body: SessionCreateBody,
        response: { 201: SessionBody },
      },
    },
    async (request, reply) => reply.status(201).send(await app.services.shoppers.createSession(request.body)),
  );

  app.get(
    '/current',
    { config: { shopperSession: true }, schema: { tags, summary: 'The signed-in shopper', response: { 200: CurrentSessionBody } } },
    async (request) => app.services.shoppers.current(request.shopper as ShopperActor),
  );
};

export default sessionsRoutes;
