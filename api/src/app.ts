import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import metrics from 'fastify-metrics';
import type { Config, TrustProxy } from '../../db/src/config.ts';
import { connectDatabase, type Database } from '../../db/src/database.ts';
import { requestIdGenerator } from '../../db/src/ids.ts';
import { loggerOptions } from '../../db/src/log-redaction.ts';
import { onOutboxCommitted, outboxCommittedChannel } from '../../db/src/outbox/outbox.ts';
import { metricsEndpoint } from './http/metrics-endpoint.ts';
import { observeRouteDurations } from './http/route-durations.ts';
import { OneLinePerRequest } from './http/request-log.ts';
import { connectRedis, createRedis } from '../../db/src/redis.ts';
import { createServices } from '../../db/src/services.ts';
import authentication from './plugins/app/authentication.ts';
import errorHandler from './plugins/app/error-handler.ts';
import { createSerializerCompiler, createValidatorCompiler } from './plugins/external/schema-compilers.ts';
import { API_HELMET_OPTIONS, computeSecurityHeaders, isApiPath } from './http/security-headers.ts';
import { batchedRateLimitStore } from './http/batched-rate-limit-store.ts';
import { refuseForeignOrigins } from './http/embed-origins.ts';
import shopperAuthentication from './plugins/app/shopper-authentication.ts';
import realtime from './plugins/app/realtime.ts';
import jobQueues from './plugins/app/job-queues.ts';
import queueDashboard from './plugins/app/queue-dashboard.ts';
import queueMetrics from './plugins/app/queue-metrics.ts';
import adminConsole from './plugins/app/admin-console.ts';
import routes from './routes/index.ts';
import './types.ts';

export interface BuildAppOptions {
  /** Pino options, or false for no logs. Defaults to the configured level. */
  logger?: FastifyServerOptions['logger'];
  /** An already connected database to share (tests, the seeding command); otherwise one is opened. */
  database?: Database;
}

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * TRUST_PROXY as Fastify takes it. Fastify 5 treats a bare hop count as "trust nothing", so a count
 * becomes proxy-addr's hop function: the nearest `hops` addresses of X-Forwarded-For are proxies and the
 * one before them is the client (whatever a client prepends lies further out and is ignored).
 */
function fastifyTrustProxy(trustProxy: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trustProxy !== 'number') return trustProxy;
  const hops = trustProxy;
  return (_address, hop) => hop < hops;
}

/**
 * Builds the whole API: external plugins first, then the app's own (config, database, Redis, services,
 * errors, authentication), then the routes. Nothing listens until the caller says so.
 */
export async function buildApp(config: Config, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const nextRequestId = requestIdGenerator();
  const app = Fastify({
    logger: options.logger ?? loggerOptions(config),
    logController: new OneLinePerRequest(),
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : nextRequestId();
    },
    // Off unless TRUST_PROXY names the proxies: otherwise any client could pick its own address through
    // X-Forwarded-For and walk around the per-client rate limits.
    trustProxy: fastifyTrustProxy(config.http.trustProxy),
    bodyLimit: 1_048_576,
    // Signed QR tokens travel as path parameters (/s/<token>, /api/store/qr/<token>) and exceed the default 100.
    routerOptions: { maxParamLength: 1_024 },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(createValidatorCompiler());
  app.setSerializerCompiler(createSerializerCompiler());

  // Application state, decorated first so that every plugin below can read it.
  const database = options.database ?? (await connectDatabase(config));
  const redis = await connectRedis(createRedis(config), config.redis.url, { logger: app.log, connection: 'api' });
  app.decorate('config', config);
  app.decorate('database', database);
  app.decorate('redis', redis);
  app.decorate('services', createServices({ config, database, redis, logger: app.log }));
  // After each commit that wrote outbox rows, wake the relay (in the workers) through Redis: live updates
  // leave within milliseconds instead of at its next poll (docs/realtime.md).
  const committedChannel = outboxCommittedChannel(config);
  const stopWakingRelay = onOutboxCommitted(() => void redis.publish(committedChannel, '').catch(() => undefined));
  app.addHook('onClose', async () => {
    stopWakingRelay();
    redis.disconnect();
    if (!options.database) await database.close();
  });
  // Helmet's security headers, computed once (api/src/http/security-headers.ts): the JSON API's short set
  // under /api/, the documents' set elsewhere; and the request id. One callback hook as the request
  // arrives, no promise per request, and error replies carry both too.
  const documentSecurityHeaders = computeSecurityHeaders();
  const apiSecurityHeaders = computeSecurityHeaders(API_HELMET_OPTIONS);
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(isApiPath(request.url) ? apiSecurityHeaders : documentSecurityHeaders);
    reply.header('X-Request-Id', request.id);
    done();
  });

  // External plugins.
  // A shop's store API (/api/store/shops/<slug>/...) answers browsers on the API's own pages and on the
  // shop's allowed embed origins only: the others are refused first; CORS then reflects any origin that
  // got this far (docs/storefront-widget.md).
  refuseForeignOrigins(app);
  await app.register(cors, {
    hook: 'onRequest',
    origin: true,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    // One string, not an array @fastify/cors would join again for every reply.
    exposedHeaders: 'Content-Range, ETag, X-Request-Id, Retry-After, Idempotent-Replayed',
    maxAge: 600,
  });
  await app.register(rateLimit, {
    global: true,
    max: config.rateLimit.maxPerMinute,
    timeWindow: 60_000,
    // Counted in memory, summed over the API processes in Redis every 50 ms (api/src/http/batched-rate-limit-store.ts).
    store: batchedRateLimitStore(redis, 'rate-limit:'),
    // A Redis outage must not take the API down with it.
    skipOnError: true,
    allowList: (request) => request.url === '/healthz' || request.url === '/readyz' || request.url === '/metrics',
  });
  await app.register(swagger, {
    // Routes declared as '/' under a prefix are served at the prefix itself too; document that form
    // (`/api/store/sessions`, not `/api/store/sessions/`), which is what clients such as react-admin call.
    transform: ({ schema, url }) => ({ schema: schema as never, url: url.length > 1 ? url.replace(/\/$/, '') : url }),
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Minishop API', version: '0.1.0', description: 'Merchant console, in-chat storefront, checkout and wallet ledger.' },
      servers: [{ url: config.http.publicUrl }],
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'Staff access token or merchant API key (msk_...)' }, shopperAuth: { type: 'http', scheme: 'bearer', description: 'Shopper session token (POST /api/store/sessions)' }, courierAuth: { type: 'http', scheme: 'bearer', description: 'Courier token (mcr_..., issued by the shop: POST /api/admin/couriers/:id/token)' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  // fastify-metrics for the process metrics and /metrics; route durations as a histogram of our own
  // (api/src/http/route-durations.ts), far cheaper per request. Prometheus computes quantiles from buckets.
  await app.register(metrics, { endpoint: metricsEndpoint(), clearRegisterOnInit: true, routeMetrics: { enabled: false } });
  observeRouteDurations(app);

  // The app's own plugins.
  await app.register(errorHandler);
  await app.register(authentication);
  await app.register(shopperAuthentication);
  await app.register(realtime);
  // Operations: the queues' gauges on /metrics and bull-board at /admin/queues for the operator.
  await app.register(jobQueues);
  await app.register(queueMetrics);
  await app.register(queueDashboard);
  // The react-admin console at /admin (admin/, built by `npm start` or the browser tests).
  await app.register(adminConsole);

  await app.register(routes);
  return app;
}
