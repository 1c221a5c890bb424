import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Actor } from '../../../../db/src/actor.ts';
import { DomainError, UnauthorizedError } from '../../../../db/src/errors.ts';
import { RealtimeHub } from '../../realtime/realtime-hub.ts';
import { registerRealtimeMetrics } from '../../realtime/realtime-metrics.ts';

/** Client messages are a few hundred bytes; anything bigger is refused by `ws` before it is buffered. */
const MAX_CLIENT_MESSAGE_BYTES = 16 * 1_024;

/**
 * Live updates (docs/realtime.md): @fastify/websocket without per-message deflate (it costs a Node server
 * several times its frame rate), and the instance's hub, which listens to Redis once and fans out to this
 * instance's sockets. On close every socket is told 1001 (going away) before the server stops.
 */
export default fp(
  async function realtime(app: FastifyInstance) {
    const hub = new RealtimeHub(app.config, app.log);
    await hub.start();
    app.decorate('realtime', hub);
    if (app.hasDecorator('metrics')) registerRealtimeMetrics(app, hub);

    /** A staff access token or API key, else a shopper session token: the guards' own checks. */
    app.decorate('actorOfRealtimeToken', async (token: string): Promise<Actor> => {
      try {
        return await app.actorOfStaffToken(token);
      } catch (error) {
        if (!(error instanceof DomainError) || error.type !== 'unauthorized') throw error;
      }
      try {
        return await app.services.shoppers.authenticate(token);
      } catch (error) {
        if (!(error instanceof DomainError) || error.type !== 'unauthorized') throw error;
        throw new UnauthorizedError('invalid_token', 'Send a staff access token, a merchant API key or a shopper session token that is valid.');
      }
    });

    // Before @fastify/websocket's own preClose (which closes without a code): ours says 1001 and waits.
    app.addHook('preClose', async () => {
      await hub.close();
    });
    await app.register(websocket, { options: { perMessageDeflate: false, maxPayload: MAX_CLIENT_MESSAGE_BYTES } });
  },
  { name: 'realtime', dependencies: ['authentication'], decorators: { fastify: ['services', 'config'] } },
);
