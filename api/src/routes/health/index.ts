import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';

const ReadinessBody = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('unavailable')]),
  checks: Type.Object({ postgres: Type.String(), redis: Type.String() }),
});

async function check(probe: () => Promise<unknown>): Promise<string> {
  try {
    await probe();
    return 'ok';
  } catch (error) {
    return error instanceof Error ? error.message : 'failed';
  }
}

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/healthz',
    { schema: { tags: ['operations'], summary: 'Liveness: the process answers', response: { 200: Type.Object({ status: Type.Literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    { schema: { tags: ['operations'], summary: 'Readiness: PostgreSQL and Redis answer', response: { 200: ReadinessBody, 503: ReadinessBody } } },
    async (_request, reply) => {
      const [postgres, redis] = await Promise.all([check(() => app.database.pool.query('select 1')), check(() => app.redis.ping())]);
      const ready = postgres === 'ok' && redis === 'ok';
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', checks: { postgres, redis } });
    },
  );
};

export default healthRoutes;
