import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loggerOptions } from '../../../db/src/log-redaction.ts';
import { createTestEnvironment, type TestEnvironment } from '../../../db/src/testing/databases.ts';
import { buildApp } from '../../src/app.ts';
import { captureLog } from '../helpers/app.ts';
import { createGuestShopper } from '../helpers/shoppers.ts';
import { createMerchantWithStaff } from '../helpers/staff.ts';

const ADDRESS = { recipient: 'Ada Lovelace', phone: '+44 20 7946 0000', line1: '12 St James Square', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' };

let environment: TestEnvironment;
let app: FastifyInstance;
const { stream, lines } = captureLog();

beforeAll(async () => {
  environment = await createTestEnvironment();
  // The app's own logger configuration at production's default level, written to memory.
  app = await buildApp(environment.config, { database: environment.database, logger: { ...loggerOptions(environment.config), level: 'info', stream } });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await environment?.cleanup();
});

interface RequestLine {
  level: number;
  msg: string;
  reqId: string;
  req?: { method: string; url: string; remoteAddress?: string };
  res?: { statusCode: number };
  responseTime?: number;
}

const linesWritten = () => lines.map((line) => JSON.parse(line) as RequestLine);

describe('request log', () => {
  it('writes one line per request once it is answered: method, URL, status and time, under the id the client was given', async () => {
    const shopper = await createGuestShopper(app);
    lines.length = 0;

    const refused = await app.inject({ method: 'GET', url: '/api/store/shops/no-such-shop/cart', headers: shopper.headers });
    const written = await app.inject({ method: 'POST', url: '/api/store/addresses', headers: shopper.headers, payload: ADDRESS });

    const requestLines = linesWritten().filter((line) => line.req !== undefined || line.msg.includes('request'));
    expect(requestLines.map((line) => [line.msg, line.req?.method, line.req?.url, line.res?.statusCode])).toEqual([
      ['request completed', 'GET', '/api/store/shops/no-such-shop/cart', 404],
      ['request completed', 'POST', '/api/store/addresses', 201],
    ]);
    expect(refused.statusCode).toBe(404);
    expect(requestLines.map((line) => line.reqId)).toEqual([refused.headers['x-request-id'], written.headers['x-request-id']]);
    for (const line of requestLines) expect(line.responseTime).toBeGreaterThan(0);
    // What Fastify's request serializer keeps, and no more: never a header (the bearer token) or the body.
    const serialized = new Set(['method', 'url', 'version', 'host', 'remoteAddress', 'remotePort']);
    for (const line of requestLines) expect(Object.keys(line.req ?? {}).filter((key) => !serialized.has(key))).toEqual([]);
    for (const line of requestLines) expect(line.req).toMatchObject({ remoteAddress: '127.0.0.1' });
    expect(lines.join('')).not.toContain(shopper.headers.authorization.replace('Bearer ', ''));
    expect(lines.join('')).not.toContain(ADDRESS.phone);
    // Fastify's default first line per request is not written: the last one says all it did.
    expect(linesWritten().some((line) => line.msg === 'incoming request')).toBe(false);
  });

  it('keeps reads that succeed outside the console at debug, and console reads at info', async () => {
    const owner = await createMerchantWithStaff(app, 'owner');
    lines.length = 0;

    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/admin/shops', headers: owner.headers })).statusCode).toBe(200);

    expect(linesWritten().map((line) => [line.level, line.req?.url])).toEqual([[30, '/api/admin/shops']]);
  });
});
