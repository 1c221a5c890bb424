import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loggerOptions } from '../../../db/src/log-redaction.ts';
import { createTestEnvironment, type TestEnvironment } from '../../../db/src/testing/databases.ts';
import { buildApp } from '../../src/app.ts';
import { createGuestShopper, createStoreFixture } from '../helpers/shoppers.ts';
import { captureLog } from '../helpers/app.ts';
import { createMerchantWithStaff } from '../helpers/staff.ts';

/** What nobody may read in the logs: the personal parts of a delivery address. */
const PHONE = '+49 30 9876543';
const LINE1 = 'Geheimweg 42';
const RECIPIENT = 'Grace Hopper';
const address = { recipient: RECIPIENT, phone: PHONE, line1: LINE1, line2: 'Aufgang C', city: 'Berlin', postalCode: '10115', country: 'DE', position: { latitude: 52.53, longitude: 13.4 } };

let environment: TestEnvironment;
let app: FastifyInstance;
const { stream, lines } = captureLog();

beforeAll(async () => {
  environment = await createTestEnvironment();
  // The app's own logger configuration, at the most talkative level, written to memory.
  app = await buildApp(environment.config, { database: environment.database, logger: { ...loggerOptions(environment.config), level: 'trace', stream } });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await environment?.cleanup();
});

describe('log redaction', () => {
  it('writes no phone number or address line while a shopper saves an address, checks out with it and the merchant reads the order', async () => {
    const owner = await createMerchantWithStaff(app, 'owner');
    const shop = await createStoreFixture(app, owner.merchantId);
    const configured = await app.inject({
      method: 'PUT',
      url: `/api/admin/shops/${shop.shopId}`,
      headers: owner.headers,
      payload: { fulfilmentMethods: ['delivery'], delivery: { fee: { kind: 'flat', feeMinor: 250 } } },
    });
    expect(configured.statusCode).toBe(200);
    const shopper = await createGuestShopper(app);
    lines.length = 0;

    const saved = await app.inject({ method: 'POST', url: '/api/store/addresses', headers: shopper.headers, payload: address });
    expect(saved.statusCode).toBe(201);
    const inline = await app.inject({ method: 'POST', url: `/api/store/shops/${shop.slug}/orders`, headers: shopper.headers, payload: { source: 'buy_now', variantId: shop.variantIds[0], address } });
    expect(inline.statusCode).toBe(201);
    expect(inline.json().deliveryAddress.phone).toBe(PHONE);
    const fromBook = await app.inject({ method: 'POST', url: `/api/store/shops/${shop.slug}/orders`, headers: shopper.headers, payload: { source: 'buy_now', variantId: shop.variantIds[0], addressId: saved.json().id } });
    expect(fromBook.statusCode).toBe(201);
    const refused = await app.inject({ method: 'POST', url: `/api/store/shops/${shop.slug}/orders`, headers: shopper.headers, payload: { source: 'buy_now', variantId: shop.variantIds[0], address: { ...address, country: 'XX' } } });
    expect(refused.statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: `/api/admin/orders/${fromBook.json().id}`, headers: owner.headers })).json().deliveryAddress.line1).toBe(LINE1);

    const log = lines.join('');
    // A line per request at least (api/src/http/request-log.ts), so the check below reads a real log.
    expect(lines.length).toBeGreaterThanOrEqual(5);
    expect(log).toContain('/api/store/addresses');
    for (const secret of [PHONE, LINE1, RECIPIENT]) expect(log).not.toContain(secret);
  });

  it('censors addresses and phones wherever a body, a response or an order is logged, and the failing row of a database error', () => {
    lines.length = 0;
    app.log.info({ body: address }, 'a request body as a handler might log it');
    app.log.info({ body: { source: 'buy_now', address }, response: { id: 'order-1', deliveryAddress: address } }, 'a checkout and its answer');
    app.log.info({ order: { id: 'order-1', deliveryAddress: address } }, 'an order');
    app.log.error({ err: Object.assign(new Error('check violation'), { detail: `Failing row contains (${RECIPIENT}, ${PHONE}, ${LINE1}).` }) }, 'request failed');

    expect(lines).toHaveLength(4);
    const log = lines.join('');
    for (const secret of [PHONE, LINE1, RECIPIENT]) expect(log).not.toContain(secret);
    expect(JSON.parse(lines[0] as string).body).toMatchObject({ phone: '[redacted]', line1: '[redacted]', recipient: '[redacted]', country: 'DE' });
    expect(JSON.parse(lines[1] as string)).toMatchObject({ body: { source: 'buy_now', address: '[redacted]' }, response: { id: 'order-1', deliveryAddress: '[redacted]' } });
    expect(JSON.parse(lines[2] as string).order).toEqual({ id: 'order-1', deliveryAddress: '[redacted]' });
    expect(JSON.parse(lines[3] as string).err).toMatchObject({ message: 'check violation', detail: '[redacted]' });
  });
});
