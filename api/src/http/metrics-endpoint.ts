import type { RouteOptions } from 'fastify';

/**
 * The /metrics route as fastify-metrics should declare it: with a response schema, so that it is
 * documented like every other route. A fresh object per app, because the plugin writes into it.
 */
export function metricsEndpoint(): RouteOptions {
  return {
    url: '/metrics',
    method: 'GET',
    logLevel: 'fatal',
    exposeHeadRoute: false,
    schema: {
      tags: ['operations'],
      summary: 'Prometheus metrics: process, and per-route request durations',
      response: { 200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } } },
    },
    // fastify-metrics puts its own handler here.
    handler: async () => undefined,
  };
}
