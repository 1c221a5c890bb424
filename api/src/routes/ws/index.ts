import type { FastifyInstance } from 'fastify';
import { RealtimeConnection } from '../../realtime/realtime-connection.ts';
import { CLOSE_CODES } from '../../realtime/realtime-connection.ts';
import { isAllowedOrigin } from '../../realtime/origin-check.ts';

/**
 * GET /ws: live updates of orders (docs/realtime.md). The upgrade itself is public (browsers cannot set
 * headers on it); the first message must authenticate. A browser page from an origin that is not allowed
 * is refused before the upgrade.
 */
export default async function websocketRoutes(app: FastifyInstance) {
  app.get(
    '/ws',
    {
      websocket: true,
      onRequest: async (request, reply) => {
        const origin = request.headers.origin;
        // The API's own pages (/demo, /s/<token>), REALTIME_ALLOWED_ORIGINS, or a page where some open shop embeds the widget.
        const sameOrigin = origin !== undefined && origin.toLowerCase() === `${request.protocol}://${request.host}`.toLowerCase();
        if (!sameOrigin && !isAllowedOrigin(origin, app.config) && !(origin && (await app.services.embedOrigins.embeddedByAnyShop(origin)))) {
          return reply.code(403).send({ type: 'forbidden', code: 'origin_not_allowed', message: "This origin may not open live updates (REALTIME_ALLOWED_ORIGINS or a shop's allowed embed origins)." });
        }
      },
    },
    (socket) => {
      if (app.realtime.closing) return void socket.close(CLOSE_CODES.goingAway, 'server shutting down');
      new RealtimeConnection(socket, {
        config: app.config,
        realtime: app.services.realtime,
        hub: app.realtime,
        logger: app.log,
        authenticate: app.actorOfRealtimeToken,
      });
    },
  );
}
