import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxRelay } from '../../db/src/outbox/outbox-relay.ts';
import { signAfterShipPayload, signGenericPayload } from '../../db/src/modules/shipments/carrier-signatures.ts';
import { buildTestApp, type TestApp } from '../../api/test/helpers/app.ts';
import { createShipment, orderRow, tableCounts } from '../../api/test/helpers/delivery.ts';
import { placePaidOrder } from '../../api/test/helpers/orders.ts';
import { createGuestShopper, createStoreFixture, type ShopperSession, type StoreFixture } from '../../api/test/helpers/shoppers.ts';
import { createMerchantWithStaff, type StaffSession } from '../../api/test/helpers/staff.ts';
import { startJobWorkers, type JobWorkers } from '../src/job-workers.ts';
import { processors } from '../src/processors/index.ts';

/**
 * Carrier webhooks end to end: the API verifies and stores, the outbox relay enqueues
 * `carrier.process_event`, a real BullMQ worker maps the carrier's status and records the tracking
 * event, and the order follows.
 */
const GENERIC_SECRET = 'acme-signing-secret-for-tests';
const AFTERSHIP_SECRET = 'aftership-signing-secret-for-tests';

let testApp: TestApp;
let workers: JobWorkers;
let relay: OutboxRelay;
let owner: StaffSession;
let shop: StoreFixture;
let shopper: ShopperSession;

beforeAll(async () => {
  testApp = await buildTestApp({ CARRIER_WEBHOOK_SECRETS: `acme=${GENERIC_SECRET},aftership=${AFTERSHIP_SECRET}`, CARRIER_WEBHOOK_TOLERANCE_SECONDS: '300' });
  workers = await startJobWorkers({ config: testApp.config, services: testApp.app.services, processors, logger: pino({ level: 'silent' }), scheduleRepeatableJobs: false });
  relay = new OutboxRelay({ config: testApp.config, pool: testApp.database.pool, queues: workers.queues, publisher: testApp.app.redis, pollIntervalMs: 20 });
  relay.start();
  owner = await createMerchantWithStaff(testApp.app, 'owner');
  shop = await createStoreFixture(testApp.app, owner.merchantId, { variants: [{ priceMinor: 900, stockOnHand: 50 }] });
  shopper = await createGuestShopper(testApp.app);
});
afterAll(async () => {
  await relay?.stop();
  await workers?.close();
  await testApp?.close();
});

const app = () => testApp.app;

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function sendGeneric(event: object, options: { timestampSeconds?: number; secret?: string; carrier?: string } = {}) {
  const body = JSON.stringify(event);
  const signature = signGenericPayload(options.secret ?? GENERIC_SECRET, body, options.timestampSeconds ?? Math.floor(Date.now() / 1000));
  return app().inject({
    method: 'POST',
    url: `/api/webhooks/carriers/${options.carrier ?? 'acme'}`,
    headers: { 'content-type': 'application/json', 'minishop-carrier-signature': signature },
    payload: body,
  });
}

async function inboxRow(carrier: string, eventId: string) {
  const { rows } = await app().database.pool.query(
    `select delivery_count, processed_at, outcome from carrier_webhook_event where carrier = $1 and event_id = $2`,
    [carrier, eventId],
  );
  return rows[0] as { delivery_count: number; processed_at: Date | null; outcome: string | null } | undefined;
}

async function processed(carrier: string, eventId: string): Promise<string> {
  await until(async () => Boolean((await inboxRow(carrier, eventId))?.processed_at));
  return (await inboxRow(carrier, eventId))?.outcome as string;
}

async function shipmentStatus(id: string): Promise<string> {
  const { rows } = await app().database.pool.query('select status from shipment where id = $1', [id]);
  return rows[0].status;
}

async function newCarrierShipment(trackingNumber: string, carrier = 'ACME') {
  const order = await placePaidOrder(app(), shopper, shop.slug, shop.variantIds[0] as string);
  const shipment = (await createShipment(app(), owner, order.id, { carrier, trackingNumber })).json();
  return { order, shipment };
}

describe('carrier webhooks in the generic signed format', () => {
  it('answers at once, then the job records the event: in transit ships the order, delivered delivers it', async () => {
    const { order, shipment } = await newCarrierShipment('ACME-0001');
    const inTransit = await sendGeneric({ id: 'acme-evt-1', trackingNumber: 'ACME-0001', status: 'in_transit', happenedAt: new Date(Date.now() - 60_000).toISOString(), message: 'Left the depot', position: { latitude: 48.9, longitude: 2.4 } });
    expect(inTransit.statusCode).toBe(200);
    expect(inTransit.json()).toEqual({ received: true, eventId: 'acme-evt-1', duplicate: false });
    expect(await processed('acme', 'acme-evt-1')).toBe('recorded');
    expect(await shipmentStatus(shipment.id)).toBe('in_transit');
    expect((await orderRow(app(), order.id)).status).toBe('shipped');
    const job = await workers.queues.queue('orders').getJob(`carrier.process_event@${(await app().database.pool.query(`select id from carrier_webhook_event where event_id = 'acme-evt-1'`)).rows[0].id}`);
    expect(await job?.getState()).toBe('completed');

    expect((await sendGeneric({ id: 'acme-evt-2', trackingNumber: 'ACME-0001', status: 'delivered', happenedAt: new Date().toISOString() })).statusCode).toBe(200);
    expect(await processed('acme', 'acme-evt-2')).toBe('recorded');
    expect(await shipmentStatus(shipment.id)).toBe('delivered');
    expect((await orderRow(app(), order.id)).status).toBe('delivered');
    const { rows } = await app().database.pool.query(`select status, source, source_event_id, latitude from tracking_event where shipment_id = $1 order by happened_at`, [shipment.id]);
    expect(rows.map((row) => [row.status, row.source, row.source_event_id])).toEqual([
      ['in_transit', 'carrier:acme', 'acme-evt-1'],
      ['label_created', 'merchant', `created:${shipment.id}`],
      ['delivered', 'carrier:acme', 'acme-evt-2'],
    ]);
  });

  it('changes nothing the second time a carrier sends the same event', async () => {
    const { order, shipment } = await newCarrierShipment('ACME-0002');
    const event = { id: 'acme-evt-dup', trackingNumber: 'ACME-0002', status: 'out_for_delivery', happenedAt: new Date().toISOString() };
    expect((await sendGeneric(event)).json().duplicate).toBe(false);
    expect(await processed('acme', 'acme-evt-dup')).toBe('recorded');
    const before = await tableCounts(app());
    const again = await sendGeneric(event);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ received: true, eventId: 'acme-evt-dup', duplicate: true });
    // Give a (wrongly) enqueued job time to run: nothing may come of the repeat.
    await relay.drain();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await tableCounts(app())).toEqual(before);
    expect(await inboxRow('acme', 'acme-evt-dup')).toMatchObject({ delivery_count: 2, outcome: 'recorded' });
    expect(await shipmentStatus(shipment.id)).toBe('out_for_delivery');
    expect((await orderRow(app(), order.id)).status).toBe('shipped');
    // The job itself is idempotent: run again on the same event, it answers the first outcome.
    const { rows } = await app().database.pool.query(`select id from carrier_webhook_event where event_id = 'acme-evt-dup'`);
    expect(await app().services.carrierWebhooks.process(rows[0].id)).toEqual({ outcome: 'recorded' });
    expect(await tableCounts(app())).toEqual(before);
  });

  it('stores an event sent five times at once a single time, with one job', async () => {
    const { shipment } = await newCarrierShipment('ACME-0006');
    const event = { id: 'acme-evt-burst', trackingNumber: 'ACME-0006', status: 'in_transit', happenedAt: new Date().toISOString() };
    const responses = await Promise.all(Array.from({ length: 5 }, () => sendGeneric(event)));
    expect(responses.map((response) => response.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(responses.filter((response) => response.json().duplicate === false)).toHaveLength(1);
    expect(await processed('acme', 'acme-evt-burst')).toBe('recorded');
    expect(await inboxRow('acme', 'acme-evt-burst')).toMatchObject({ delivery_count: 5 });
    const { rows } = await app().database.pool.query(`select count(*)::int as count from tracking_event where shipment_id = $1 and source = 'carrier:acme'`, [shipment.id]);
    expect(rows[0].count).toBe(1);
  });

  it('does not move a delivered shipment back when an older in-transit event arrives after it', async () => {
    const { order, shipment } = await newCarrierShipment('ACME-0003');
    const deliveredAt = new Date();
    await sendGeneric({ id: 'acme-evt-late-2', trackingNumber: 'ACME-0003', status: 'delivered', happenedAt: deliveredAt.toISOString() });
    expect(await processed('acme', 'acme-evt-late-2')).toBe('recorded');
    expect((await orderRow(app(), order.id)).status).toBe('delivered');

    await sendGeneric({ id: 'acme-evt-late-1', trackingNumber: 'ACME-0003', status: 'in_transit', happenedAt: new Date(deliveredAt.getTime() - 3_600_000).toISOString() });
    expect(await processed('acme', 'acme-evt-late-1')).toBe('stale');
    expect(await shipmentStatus(shipment.id)).toBe('delivered');
    expect((await orderRow(app(), order.id)).status).toBe('delivered');
    const { rows } = await app().database.pool.query(`select applied from tracking_event where source_event_id = 'acme-evt-late-1'`);
    expect(rows).toEqual([{ applied: false }]);
  });

  it('takes an event stamped in the future as happening when received, so it cannot pin the status', async () => {
    const { shipment } = await newCarrierShipment('ACME-0007');
    await sendGeneric({ id: 'acme-evt-future', trackingNumber: 'ACME-0007', status: 'in_transit', happenedAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect(await processed('acme', 'acme-evt-future')).toBe('recorded');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await sendGeneric({ id: 'acme-evt-after-future', trackingNumber: 'ACME-0007', status: 'out_for_delivery', happenedAt: new Date().toISOString() });
    expect(await processed('acme', 'acme-evt-after-future')).toBe('recorded');
    expect(await shipmentStatus(shipment.id)).toBe('out_for_delivery');
  });

  it('refuses a forged signature (401) and a stale timestamp (400), storing nothing', async () => {
    await newCarrierShipment('ACME-0004');
    const before = await tableCounts(app());
    const event = { id: 'acme-evt-forged', trackingNumber: 'ACME-0004', status: 'delivered', happenedAt: new Date().toISOString() };
    const forged = await sendGeneric(event, { secret: 'not-the-carrier-secret-at-all' });
    expect(forged.statusCode).toBe(401);
    expect(forged.json().code).toBe('invalid_signature');
    const unsigned = await app().inject({ method: 'POST', url: '/api/webhooks/carriers/acme', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(event) });
    expect(unsigned.statusCode).toBe(401);
    expect(unsigned.json().code).toBe('missing_signature');
    const stale = await sendGeneric(event, { timestampSeconds: Math.floor(Date.now() / 1000) - 301 });
    expect(stale.statusCode).toBe(400);
    expect(stale.json()).toMatchObject({ code: 'stale_timestamp', errors: { 'minishop-carrier-signature': expect.any(String) } });
    const unknownCarrier = await sendGeneric(event, { carrier: 'nobody' });
    expect(unknownCarrier.statusCode).toBe(404);
    const badStatus = await sendGeneric({ ...event, status: 'teleported' });
    expect(badStatus.statusCode).toBe(400);
    expect(Object.keys(badStatus.json().errors)).toEqual(['status']);
    await relay.drain();
    expect(await tableCounts(app())).toEqual(before);
    expect(await inboxRow('acme', 'acme-evt-forged')).toBeUndefined();
  });

  it('keeps an event for a tracking number it does not know, processed as shipment_not_found', async () => {
    await sendGeneric({ id: 'acme-evt-unknown', trackingNumber: 'NOT-OURS', status: 'in_transit', happenedAt: new Date().toISOString() });
    expect(await processed('acme', 'acme-evt-unknown')).toBe('shipment_not_found');
  });

  it('has a sweeper that processes a stored event whose job never ran', async () => {
    const { order } = await newCarrierShipment('ACME-0005');
    await relay.stop();
    try {
      expect((await sendGeneric({ id: 'acme-evt-swept', trackingNumber: 'ACME-0005', status: 'picked_up', happenedAt: new Date().toISOString() })).statusCode).toBe(200);
      // The relay is stopped: the job was never enqueued.
      expect((await inboxRow('acme', 'acme-evt-swept'))?.processed_at).toBeNull();
      expect(await app().services.carrierWebhooks.processPending(60_000)).toEqual({ processed: 0, failed: 0 });
      expect(await app().services.carrierWebhooks.processPending(0)).toEqual({ processed: 1, failed: 0 });
      expect(await inboxRow('acme', 'acme-evt-swept')).toMatchObject({ outcome: 'recorded', processed_at: expect.any(Date) });
      expect((await orderRow(app(), order.id)).status).toBe('shipped');
    } finally {
      relay.start();
    }
    // The job enqueued late by the relay finds the event processed and changes nothing.
    const { rows } = await app().database.pool.query(`select id from carrier_webhook_event where event_id = 'acme-evt-swept'`);
    await until(async () => (await (await workers.queues.queue('orders').getJob(`carrier.process_event@${rows[0].id}`))?.getState()) === 'completed');
    expect((await workers.queues.queue('orders').getJob(`carrier.process_event@${rows[0].id}`))?.returnvalue).toEqual({ outcome: 'recorded' });
  });
});

describe('carrier webhooks from AfterShip', () => {
  it('verifies AfterShip\'s signature and maps its tag through the worker', async () => {
    const { order, shipment } = await newCarrierShipment('1Z999AA10123456784', 'UPS');
    const body = JSON.stringify({
      event: 'tracking_update',
      event_id: '5f3b7e9c-1d2a-4c3b-9e8f-7a6b5c4d3e2f',
      is_tracking_first_tag: true,
      ts: Math.floor(Date.now() / 1000),
      msg: {
        tracking_number: '1Z999AA10123456784',
        slug: 'ups',
        tag: 'OutForDelivery',
        expected_delivery: new Date(Date.now() + 3_600_000).toISOString(),
        checkpoints: [{ checkpoint_time: new Date().toISOString(), message: 'Out for delivery', tag: 'OutForDelivery', coordinates: [48.86, 2.34] }],
      },
    });
    const response = await app().inject({
      method: 'POST',
      url: '/api/webhooks/carriers/aftership',
      headers: { 'content-type': 'application/json', 'aftership-hmac-sha256': signAfterShipPayload(AFTERSHIP_SECRET, body) },
      payload: body,
    });
    expect(response.statusCode).toBe(200);
    expect(await processed('aftership', '5f3b7e9c-1d2a-4c3b-9e8f-7a6b5c4d3e2f')).toBe('recorded');
    const { rows } = await app().database.pool.query('select status, last_latitude, eta_at from shipment where id = $1', [shipment.id]);
    expect(rows[0]).toMatchObject({ status: 'out_for_delivery', last_latitude: 48.86, eta_at: expect.any(Date) });
    expect((await orderRow(app(), order.id)).status).toBe('shipped');

    const forged = await app().inject({
      method: 'POST',
      url: '/api/webhooks/carriers/aftership',
      headers: { 'content-type': 'application/json', 'aftership-hmac-sha256': signAfterShipPayload('someone-else-entirely', body) },
      payload: body,
    });
    expect(forged.statusCode).toBe(401);
  });
});
