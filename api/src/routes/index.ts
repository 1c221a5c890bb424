import type { FastifyInstance } from 'fastify';
import shopsRoutes from './admin/shops/index.ts';
import healthRoutes from './health/index.ts';

/** Every route of the API, by prefix. */
export default async function routes(app: FastifyInstance) {
  await app.register(healthRoutes);
  await app.register(shopsRoutes, { prefix: '/api/admin/shops' });
}
