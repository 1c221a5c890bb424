import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { QUEUE_DASHBOARD_COOKIE, QUEUE_DASHBOARD_PATH } from '../../../../db/src/modules/operations/queue-dashboard-sessions.service.ts';
import { DomainError } from '../../../../db/src/errors.ts';
import { cookieValue } from '../../http/cookies.ts';
import { STATUS_BY_ERROR_TYPE } from './error-handler.ts';

/**
 * bull-board at /admin/queues, for platform operators only: every request under the path, the page, its
 * assets and its API, must carry the dashboard cookie issued by POST /api/admin/operator/queue-dashboard/session
 * (a browser sends no bearer header when it navigates). A merchant's staff can never get that cookie.
 */
export default fp(
  async function queueDashboard(app: FastifyInstance) {
    const serverAdapter = new FastifyAdapter();
    serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
    createBullBoard({
      queues: app.jobQueues.allQueues().map((queue) => new BullMQAdapter(queue)),
      serverAdapter,
      options: { uiConfig: { boardTitle: 'Minishop jobs' } },
    });
    await app.register(
      async (dashboard) => {
        dashboard.addHook('onRequest', async (request, reply) => {
          try {
            await app.services.queueDashboardSessions.authenticate(cookieValue(request.headers.cookie, QUEUE_DASHBOARD_COOKIE));
          } catch (error) {
            // bull-board sets its own error handler on its routes, which would turn the refusal into a 500:
            // the guard answers in the app's error shape itself.
            if (!(error instanceof DomainError)) throw error;
            return reply.status(STATUS_BY_ERROR_TYPE[error.type]).send({ type: error.type, code: error.code, message: error.message });
          }
        });
        await dashboard.register(serverAdapter.registerPlugin());
      },
      { prefix: QUEUE_DASHBOARD_PATH },
    );
  },
  { name: 'queue-dashboard', dependencies: ['job-queues'], decorators: { fastify: ['services'] } },
);
