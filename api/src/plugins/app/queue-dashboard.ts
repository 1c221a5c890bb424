import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Queue } from 'bullmq';
import { QUEUE_DASHBOARD_COOKIE, QUEUE_DASHBOARD_PATH } from '../../../../db/src/modules/operations/queue-dashboard-sessions.service.ts';
import { cookieValue } from '../../http/cookies.ts';

/** Headers that belong to one hop (the request as it came, the board's in-process answer), not to the one passed on. */
const HOP_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'date']);

function withoutHopHeaders<Value>(headers: Record<string, Value | undefined>): Record<string, Value> {
  return Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, Value] => entry[1] !== undefined && !HOP_HEADERS.has(entry[0])));
}

/**
 * bull-board in a Fastify instance of its own, made on the board's first request: bull-board's API, its UI
 * adapter, @fastify/view and ejs are 3.5 MB of the API's heap (42.7 against 46.1 MB after a full collection at
 * idle) that every full collection would otherwise mark, for a page an operator opens now and then.
 */
async function buildBoard(queues: Queue[]): Promise<FastifyInstance> {
  const [{ createBullBoard }, { BullMQAdapter }, { FastifyAdapter }] = await Promise.all([
    import('@bull-board/api'),
    import('@bull-board/api/bullMQAdapter'),
    import('@bull-board/fastify'),
  ]);
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({ queues: queues.map((queue) => new BullMQAdapter(queue)), serverAdapter, options: { uiConfig: { boardTitle: 'Minishop jobs' } } });
  // No log of its own: the API's request line already covers the request that reached it.
  const board = Fastify({ logger: false });
  await board.register(serverAdapter.registerPlugin(), { prefix: QUEUE_DASHBOARD_PATH });
  await board.ready();
  return board;
}

/**
 * bull-board at /admin/queues, for platform operators only: every request under the path, the page, its
 * assets and its API, must carry the dashboard cookie issued by POST /api/admin/operator/queue-dashboard/session
 * (a browser sends no bearer header when it navigates). A merchant's staff can never get that cookie.
 * A request that passed the guard is answered by the board (buildBoard) in process, its body passed on as it
 * came; the answer goes out through this app, with its security headers and request line.
 */
export default fp(
  async function queueDashboard(app: FastifyInstance) {
    let board: Promise<FastifyInstance> | undefined;
    const boardApp = () =>
      (board ??= buildBoard(app.jobQueues.allQueues()).catch((error: unknown) => {
        board = undefined;
        throw error;
      }));
    app.addHook('onClose', async () => {
      if (board) await (await board.catch(() => null))?.close();
    });

    const answerFromBoard = async (request: FastifyRequest, reply: FastifyReply) => {
      const answer = await (await boardApp()).inject({ method: request.method as 'GET', url: request.url, headers: withoutHopHeaders(request.headers), payload: request.body as Buffer | undefined });
      return reply.code(answer.statusCode).headers(withoutHopHeaders(answer.headers)).send(answer.rawPayload);
    };

    await app.register(
      async (dashboard) => {
        // A refusal (no cookie, an expired one, a user no longer an operator) reaches the app's error handler.
        dashboard.addHook('onRequest', async (request) => {
          await app.services.queueDashboardSessions.authenticate(cookieValue(request.headers.cookie, QUEUE_DASHBOARD_COOKIE));
        });
        // Bodies stay bytes: the board parses its own.
        dashboard.removeAllContentTypeParsers();
        dashboard.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
        for (const url of ['/', '/*']) {
          dashboard.route({ method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], url, schema: { hide: true }, handler: answerFromBoard });
        }
      },
      { prefix: QUEUE_DASHBOARD_PATH },
    );
  },
  { name: 'queue-dashboard', dependencies: ['job-queues'], decorators: { fastify: ['services'] } },
);
