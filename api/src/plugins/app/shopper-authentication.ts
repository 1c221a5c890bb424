import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { bearerToken } from '../../http/bearer-token.ts';

const MISSING_HINT = 'Send a shopper session token as "Authorization: Bearer <token>" (POST /api/store/sessions).';

/**
 * Shopper sessions, on every route with `config: { shopperSession: true }`: the bearer token must be a
 * shopper session token (its own key and audience, see db/src/modules/shoppers/session-tokens.ts), which
 * sets `request.shopper`. Staff tokens and API keys are refused here, as shopper tokens are on /api/admin.
 */
export default fp(
  async function shopperAuthentication(app: FastifyInstance) {
    app.decorateRequest('shopper', null);

    app.addHook('onRoute', (route) => {
      if (!route.config?.shopperSession) return;
      if (route.config.permission) throw new Error(`Route ${route.method} ${route.url} names both a staff permission and a shopper session; choose one.`);
      const guard = async (request: FastifyRequest) => {
        request.shopper = await app.services.shoppers.authenticate(bearerToken(request, MISSING_HINT));
      };
      // onRequest, before the body is parsed and validated: a caller without a session learns nothing
      // about the route's input.
      route.onRequest = [guard, ...(route.onRequest ? [route.onRequest].flat() : [])];
      route.schema = { ...route.schema, security: [{ shopperAuth: [] }] };
    });
  },
  { name: 'shopper-authentication', dependencies: ['authentication'], decorators: { fastify: ['services'] } },
);
