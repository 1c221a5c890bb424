import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { JobQueues } from '../../../../db/src/queues/job-queues.ts';

/**
 * The registry's queues, as the API sees them: for the operator's dashboard and the queue gauges of
 * /metrics. The API enqueues nothing itself (the outbox relay does); its Redis connection opens lazily.
 */
export default fp(
  async function jobQueues(app: FastifyInstance) {
    const queues = new JobQueues(app.config);
    app.decorate('jobQueues', queues);
    app.addHook('onClose', () => queues.close());
  },
  { name: 'job-queues', decorators: { fastify: ['config'] } },
);
