import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Actor } from '../../../../../../db/src/actor.ts';
import { QUEUE_DASHBOARD_COOKIE, QUEUE_DASHBOARD_PATH } from '../../../../../../db/src/modules/operations/queue-dashboard-sessions.service.ts';
import { Timestamp } from '../../../../../../db/src/schema-types.ts';
import { sessionCookie } from '../../../../http/cookies.ts';
import { operatorActor } from '../../../../http/operator-actor.ts';

const tags = ['admin: operator'];

/** Opens bull-board for the operator: a short-lived HttpOnly cookie scoped to /admin/queues. */
const queueDashboardRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/session',
    {
      config: { permission: 'platform.operate' },
      schema: {
        tags,
        summary: 'Open the job queue dashboard: sets its cookie, then navigate to the URL',
        response: { 200: Type.Object({ url: Type.String(), expiresAt: Timestamp }, { additionalProperties: false }) },
      },
    },
    async (request, reply) => {
      const session = await app.services.queueDashboardSessions.create(operatorActor(request.actor as Actor));
      reply.header(
        'set-cookie',
        sessionCookie(QUEUE_DASHBOARD_COOKIE, session.token, { path: QUEUE_DASHBOARD_PATH, maxAgeSeconds: session.maxAgeSeconds, secure: app.config.http.publicUrl.startsWith('https:') }),
      );
      return { url: `${app.config.http.publicUrl}${QUEUE_DASHBOARD_PATH}`, expiresAt: session.expiresAt };
    },
  );
};

export default queueDashboardRoutes;
