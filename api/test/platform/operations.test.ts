import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { createTestEnvironment, type TestEnvironment } from '../../../db/src/testing/databases.ts';
import { startTcpProxy, type TcpProxy } from '../../../db/src/testing/tcp-proxy.ts';
import { buildTestApp, captureLog, type TestApp } from '../helpers/app.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('operations endpoints', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await buildTestApp();
  });
  afterAll(() => testApp?.close());

  it('answers /healthz with 200', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz with 200 when PostgreSQL and Redis answer', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
  });

  it('exposes Prometheus text on /metrics, with the request durations of the routes', async () => {
    await testApp.app.inject({ method: 'GET', url: '/healthz' });
    const response = await testApp.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.body).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(response.body).toContain('# TYPE http_request_duration_seconds histogram');
    expect(response.body).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/healthz",status_code="200"\} \d+/);
  });

  it('echoes a well-formed X-Request-Id and replaces a malformed one with a fresh id', async () => {
    const echoed = await testApp.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'checkout-42.retry:1' } });
    expect(echoed.headers['x-request-id']).toBe('checkout-42.retry:1');
    const malformed = await testApp.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'has spaces <and> tags' } });
    expect(malformed.headers['x-request-id']).toMatch(UUID);
    const missing = await testApp.app.inject({ method: 'GET', url: '/healthz' });
    expect(missing.headers['x-request-id']).toMatch(UUID);
  });

  it('answers an unknown route with 404 in the error shape', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/no/such/route?x=1' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ type: 'not_found', code: 'route_not_found', message: 'No route GET /no/such/route.' });
    expect(response.headers['x-request-id']).toMatch(UUID);
  });

  it('sends the helmet security headers', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': expect.stringContaining('max-age='),
      'content-security-policy': expect.stringContaining("default-src 'self'"),
    });
    expect(response.headers['x-powered-by']).toBeUndefined();
  });

  it('lets a browser on another origin read Content-Range (react-admin lists) through CORS', async () => {
    const preflight = await testApp.app.inject({
      method: 'OPTIONS',
      url: '/api/admin/shops',
      headers: { origin: 'https://console.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://console.example');
    const response = await testApp.app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://console.example' } });
    expect(response.headers['access-control-allow-origin']).toBe('https://console.example');
    expect(String(response.headers['access-control-expose-headers']).split(/,\s*/)).toEqual(expect.arrayContaining(['Content-Range', 'X-Request-Id']));
  });
});

describe('readiness while Redis is away, and after it is back', () => {
  let proxy: TcpProxy;
  let environment: TestEnvironment;
  let app: FastifyInstance;
  const { stream, lines: logLines } = captureLog();
  const logged = () => logLines.map((line) => JSON.parse(line) as { level: number; msg: string; connection?: string });
  const outageWarnings = () => logged().filter((entry) => entry.msg === 'Redis connection lost; reconnecting' && entry.connection === 'api');

  beforeAll(async () => {
    const redisUrl = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    proxy = await startTcpProxy({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
    redisUrl.host = proxy.address;
    environment = await createTestEnvironment({ REDIS_URL: redisUrl.toString() });
    app = await buildApp(environment.config, { database: environment.database, logger: { level: 'info', stream } });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await environment?.cleanup();
    await proxy?.close();
  });

  it('answers /readyz with 503 naming redis while it is unreachable; /healthz and PostgreSQL routes stay up', async () => {
    await proxy.cut();
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    const body = response.json();
    expect(body.status).toBe('unavailable');
    expect(body.checks.postgres).toBe('ok');
    expect(body.checks.redis).not.toBe('ok');
    expect(body.checks.redis.length).toBeGreaterThan(0);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    // Rate-limited routes keep counting in memory while Redis is away.
    expect((await app.inject({ method: 'GET', url: '/api/store/shops/no-such-shop' })).statusCode).toBe(404);
    // One warning for the outage, not one per reconnect attempt.
    await expect.poll(() => outageWarnings().length).toBe(1);
  });

  it('is ready again once Redis answers, without a restart, and says so in the log', async () => {
    await proxy.restore();
    await expect.poll(async () => (await app.inject({ method: 'GET', url: '/readyz' })).statusCode, { timeout: 10_000, interval: 100 }).toBe(200);
    expect(outageWarnings()).toHaveLength(1);
    expect(logged()).toContainEqual(expect.objectContaining({ level: 30, msg: 'Redis connection back', connection: 'api' }));
  });
});

describe('an unexpected error', () => {
  let environment: TestEnvironment;
  let app: FastifyInstance;
  const { stream, lines: logLines } = captureLog();

  beforeAll(async () => {
    environment = await createTestEnvironment();
    app = await buildApp(environment.config, { database: environment.database, logger: { level: 'error', stream } });
    app.get('/test/explode', async () => {
      throw new Error('connection to 10.0.0.7 refused: secret detail');
    });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await environment?.cleanup();
  });

  it('is a generic 500 whose detail goes to the log, not to the client', async () => {
    const response = await app.inject({ method: 'GET', url: '/test/explode', headers: { 'x-request-id': 'explode-1' } });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ type: 'internal', code: 'internal_error', message: 'Something went wrong on our side; it has been logged.' });
    expect(response.body).not.toContain('secret detail');
    const logged = logLines.map((line) => JSON.parse(line)).find((entry) => entry.reqId === 'explode-1');
    expect(logged).toMatchObject({ level: 50, err: { message: 'connection to 10.0.0.7 refused: secret detail' } });
    expect(logged.err.stack).toContain('operations.test.ts');
  });
});
