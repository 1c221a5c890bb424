import { createHmac, timingSafeEqual } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxRelay } from '../../db/src/outbox/outbox-relay.ts';
import { WebhookReceiver } from '../../db/src/testing/webhook-receiver.ts';
import { buildTestApp, type TestApp } from '../../api/test/helpers/app.ts';
import { placePaidOrder } from '../../api/test/helpers/orders.ts';
import { createGuestShopper, createStoreFixture, type ShopperSession, type StoreFixture } from '../../api/test/helpers/shoppers.ts';
import { createMerchantWithStaff, type StaffSession } from '../../api/test/helpers/staff.ts';
import { startJobWorkers, type JobWorkers } from '../src/job-workers.ts';
import { processors } from '../src/processors/index.ts';

/**
 * Merchants' webhooks end to end (docs/webhooks.md): real orders write outbox events, the relay starts
 * the fan-out, real BullMQ workers call a receiving server on loopback. Retries wait 200 ms then 400 ms
 * (WEBHOOK_RETRY_BASE_DELAY_MS), and three failures in a row disable an endpoint.
 */

/** The verification snippet of docs/webhooks.md, as a receiver would paste it (types added). */
function verifyMinishopSignature(rawBody: string, header: string, secret: string, toleranceSeconds = 300): boolean {
  const items: Record<string, string[]> = Object.create(null);
  for (const part of header.split(',')) {
    const index = part.indexOf('=');
    if (index > 0) (items[part.slice(0, index).trim()] ??= []).push(part.slice(index + 1).trim());
  }
  const timestamp = Number(items.t?.[0]);
  if (!Number.isInteger(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex'));
  return (items.v1 ?? []).some((signature) => {
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

let testApp: TestApp;
let workers: JobWorkers;
let relay: OutboxRelay;
let receiver: WebhookReceiver;
let lotus: { owner: StaffSession; shop: StoreFixture };
let neon: { owner: StaffSession; shop: StoreFixture };
let shopper: ShopperSession;

beforeAll(async () => {
  testApp = await buildTestApp({
    WEBHOOK_RETRY_BASE_DELAY_MS: '200',
    WEBHOOK_RETRY_MAX_DELAY_MS: '400',
    WEBHOOK_MAX_ATTEMPTS: '5',
    WEBHOOK_DISABLE_AFTER_FAILURES: '3',
    WEBHOOK_DISABLE_AFTER_FAILING_SECONDS: '0',
    WEBHOOK_TIMEOUT_MS: '2000',
  });
  receiver = await new WebhookReceiver().start();
  workers = await startJobWorkers({ config: testApp.config, services: testApp.app.services, processors, logger: pino({ level: 'silent' }), scheduleRepeatableJobs: false });
  relay = new OutboxRelay({ config: testApp.config, pool: testApp.database.pool, queues: workers.queues, publisher: testApp.app.redis, pollIntervalMs: 20 });
  relay.start();
  const lotusOwner = await createMerchantWithStaff(testApp.app, 'owner');
  const neonOwner = await createMerchantWithStaff(testApp.app, 'owner');
  lotus = { owner: lotusOwner, shop: await createStoreFixture(testApp.app, lotusOwner.merchantId, { variants: [{ priceMinor: 1_250, stockOnHand: 100 }] }) };
  neon = { owner: neonOwner, shop: await createStoreFixture(testApp.app, neonOwner.merchantId, { variants: [{ priceMinor: 900, stockOnHand: 100 }] }) };
  shopper = await createGuestShopper(testApp.app);
});
afterAll(async () => {
  await relay?.stop();
  await workers?.close();
  await receiver?.close();
  await testApp?.close();
});

async function until<T>(check: () => Promise<T | null | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function createEndpoint(owner: StaffSession, path: string, events: string[] = ['order.paid']): Promise<{ id: string; secret: string }> {
  const response = await testApp.app.inject({ method: 'POST', url: '/api/admin/webhook-endpoints', headers: owner.headers, payload: { url: receiver.url(path), events } });
  expect(response.statusCode).toBe(201);
  return response.json();
}

async function deliveriesOf(owner: StaffSession, filter: Record<string, unknown>) {
  const response = await testApp.app.inject({ method: 'GET', url: `/api/admin/webhook-deliveries?filter=${encodeURIComponent(JSON.stringify(filter))}`, headers: owner.headers });
  expect(response.statusCode).toBe(200);
  return response.json() as { id: string; status: string; attemptCount: number; eventId: string; endpointId: string }[];
}

async function deliveryDetail(owner: StaffSession, id: string) {
  const response = await testApp.app.inject({ method: 'GET', url: `/api/admin/webhook-deliveries/${id}`, headers: owner.headers });
  expect(response.statusCode).toBe(200);
  return response.json();
}

async function paidEventId(orderId: string): Promise<string> {
  const { rows } = await testApp.database.pool.query<{ id: string }>(`select id from outbox where type = 'order.paid' and aggregate_id = $1`, [orderId]);
  return rows[0]!.id;
}

describe('webhooks to merchants', () => {
  it("delivers an order paid to its merchant's endpoint, correctly signed, and nothing to another merchant's endpoint", async () => {
    const lotusEndpoint = await createEndpoint(lotus.owner, '/lotus/paid');
    const neonEndpoint = await createEndpoint(neon.owner, '/neon/paid');
    const order = await placePaidOrder(testApp.app, shopper, lotus.shop.slug, lotus.shop.variantIds[0]!, 2);

    const [request] = await until(async () => receiver.requestsTo('/lotus/paid').length > 0 && receiver.requestsTo('/lotus/paid'));
    const signature = request!.headers['minishop-signature'] as string;
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyMinishopSignature(request!.body, signature, lotusEndpoint.secret)).toBe(true);
    // The bad cases of the same check: another secret, a changed body, an old timestamp.
    expect(verifyMinishopSignature(request!.body, signature, neonEndpoint.secret)).toBe(false);
    expect(verifyMinishopSignature(request!.body.replace('"order.paid"', '"order.refunded"'), signature, lotusEndpoint.secret)).toBe(false);
    expect(verifyMinishopSignature(request!.body, signature, lotusEndpoint.secret, -1)).toBe(false);

    const eventId = await paidEventId(order.id);
    const body = JSON.parse(request!.body);
    expect(body).toMatchObject({ id: eventId, type: 'order.paid', merchantId: lotus.owner.merchantId, data: { orderId: order.id, status: 'paid', totalMinor: 2_500 } });
    expect(request!.headers['minishop-event-id']).toBe(eventId);
    expect(request!.headers['content-type']).toBe('application/json');

    const lotusDeliveries = await until(async () => {
      const found = await deliveriesOf(lotus.owner, { eventId });
      return found[0]?.status === 'succeeded' && found;
    });
    expect(lotusDeliveries).toHaveLength(1);
    // Give a wrong fan-out time to happen, then check that Neon heard nothing and sees nothing.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.requestsTo('/neon/paid')).toEqual([]);
    expect(await deliveriesOf(neon.owner, {})).toEqual([]);
    expect((await testApp.app.inject({ method: 'GET', url: `/api/admin/webhook-deliveries/${lotusDeliveries[0]!.id}`, headers: neon.owner.headers })).statusCode).toBe(404);
    expect((await testApp.app.inject({ method: 'POST', url: `/api/admin/webhook-deliveries/${lotusDeliveries[0]!.id}/replay`, headers: neon.owner.headers })).statusCode).toBe(404);
    expect((await testApp.app.inject({ method: 'GET', url: `/api/admin/webhook-endpoints/${lotusEndpoint.id}`, headers: neon.owner.headers })).statusCode).toBe(404);
    await testApp.app.inject({ method: 'DELETE', url: `/api/admin/webhook-endpoints/${lotusEndpoint.id}`, headers: lotus.owner.headers });
    await testApp.app.inject({ method: 'DELETE', url: `/api/admin/webhook-endpoints/${neonEndpoint.id}`, headers: neon.owner.headers });
  });

  it('starts no fan-out job for the events of a merchant without a subscribed endpoint', async () => {
    const endpoint = await createEndpoint(neon.owner, '/neon/refunds-only', ['order.refunded']);
    const order = await placePaidOrder(testApp.app, shopper, neon.shop.slug, neon.shop.variantIds[0]!);
    const eventId = await paidEventId(order.id);
    await until(async () => {
      const { rows } = await testApp.database.pool.query(`select published_at from outbox where id = $1`, [eventId]);
      return rows[0].published_at !== null;
    });
    expect(await workers.queues.queue('webhooks').getJob(`webhook.fan_out@${eventId}`)).toBeUndefined();
    expect(await deliveriesOf(neon.owner, {})).toEqual([]);
    await testApp.app.inject({ method: 'DELETE', url: `/api/admin/webhook-endpoints/${endpoint.id}`, headers: neon.owner.headers });
  });

  it('retries a failing endpoint after the backoff until it answers 2xx, and the log shows both attempts', async () => {
    const endpoint = await createEndpoint(lotus.owner, '/lotus/flaky');
    receiver.respond('/lotus/flaky', (_request, count) => (count === 1 ? { status: 503, body: 'down for maintenance '.repeat(100) } : { status: 204 }));
    const order = await placePaidOrder(testApp.app, shopper, lotus.shop.slug, lotus.shop.variantIds[0]!);
    const eventId = await paidEventId(order.id);

    const [delivery] = await until(async () => {
      const found = await deliveriesOf(lotus.owner, { eventId, endpointId: endpoint.id });
      return found[0]?.status === 'succeeded' && found;
    });
    const detail = await deliveryDetail(lotus.owner, delivery!.id);
    expect(detail.attemptCount).toBe(2);
    expect(detail.attempts).toHaveLength(2);
    expect(detail.attempts[0]).toMatchObject({ attemptNumber: 1, statusCode: 503, succeeded: false, error: null });
    expect(detail.attempts[0].responseExcerpt).toHaveLength(1_000);
    expect(detail.attempts[0].latencyMs).toBeGreaterThanOrEqual(0);
    expect(detail.attempts[1]).toMatchObject({ attemptNumber: 2, statusCode: 204, succeeded: true });
    const [first, second] = receiver.requestsTo('/lotus/flaky');
    // The second attempt came after the configured backoff (200 ms), with the same body and its own signature.
    expect(second!.receivedAtMs - first!.receivedAtMs).toBeGreaterThanOrEqual(190);
    expect(second!.body).toBe(first!.body);
    expect(second!.headers['minishop-attempt']).toBe('2');
    expect(verifyMinishopSignature(second!.body, second!.headers['minishop-signature'] as string, endpoint.secret)).toBe(true);
    const endpointAfter = (await testApp.app.inject({ method: 'GET', url: `/api/admin/webhook-endpoints/${endpoint.id}`, headers: lotus.owner.headers })).json();
    expect(endpointAfter).toMatchObject({ status: 'enabled', consecutiveFailures: 0, failingSince: null });
    await testApp.app.inject({ method: 'DELETE', url: `/api/admin/webhook-endpoints/${endpoint.id}`, headers: lotus.owner.headers });
  });

  it('replays a delivered event on request, with a fresh signature, and refuses to replay one already scheduled', async () => {
    const endpoint = await createEndpoint(lotus.owner, '/lotus/replay');
    const order = await placePaidOrder(testApp.app, shopper, lotus.shop.slug, lotus.shop.variantIds[0]!);
    const eventId = await paidEventId(order.id);
    const [delivery] = await until(async () => {
      const found = await deliveriesOf(lotus.owner, { eventId, endpointId: endpoint.id });
      return found[0]?.status === 'succeeded' && found;
    });

    // With the relay paused, the replayed delivery stays scheduled long enough to be asked twice.
    await relay.stop();
    const replay = await testApp.app.inject({ method: 'POST', url: `/api/admin/webhook-deliveries/${delivery!.id}/replay`, headers: lotus.owner.headers });
    expect(replay.statusCode).toBe(202);
    expect(replay.json()).toMatchObject({ id: delivery!.id, status: 'pending', replayCount: 1 });
    const again = await testApp.app.inject({ method: 'POST', url: `/api/admin/webhook-deliveries/${delivery!.id}/replay`, headers: lotus.owner.headers });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('webhook_delivery_pending');
    relay.start();

    const requests = await until(async () => receiver.requestsTo('/lotus/replay').length >= 2 && receiver.requestsTo('/lotus/replay'));
    expect(requests[1]!.body).toBe(requests[0]!.body);
    expect(verifyMinishopSignature(requests[1]!.body, requests[1]!.headers['minishop-signature'] as string, endpoint.secret)).toBe(true);
    const detail = await until(async () => {
      const found = await deliveryDetail(lotus.owner, delivery!.id);
      return found.status === 'succeeded' && found;
    });
    expect(detail.attempts.map((attempt: { attemptNumber: number; succeeded: boolean }) => [attempt.attemptNumber, attempt.succeeded])).toEqual([
      [1, true],
      [2, true],
    ]);
    expect(receiver.requestsTo('/lotus/replay')).toHaveLength(2);
    await testApp.app.inject({ method: 'DELETE', url: `/api/admin/webhook-endpoints/${endpoint.id}`, headers: lotus.owner.headers });
  });

  it('disables an endpoint that keeps failing, with a notice on the outbox, and sends it nothing more', async () => {
    const endpoint = await createEndpoint(lotus.owner, '/lotus/broken');
    receiver.respond('/lotus/broken', () => ({ status: 500, body: 'boom' }));
    const order = await placePaidOrder(testApp.app, shopper, lotus.shop.slug, lotus.shop.variantIds[0]!);
    const eventId = await paidEventId(order.id);

    const shown = await until(async () => {
      const found = (await testApp.app.inject({ method: 'GET', url: `/api/admin/webhook-endpoints/${endpoint.id}`, headers: lotus.owner.headers })).json();
      return found.status === 'disabled' && found;
    });
    expect(shown).toMatchObject({ status: 'disabled', consecutiveFailures: 3, disabledReason: expect.stringMatching(/3 failed attempts in a row/) });
    const [delivery] = await until(async () => {
      const found = await deliveriesOf(lotus.owner, { eventId, endpointId: endpoint.id });
      return found[0]?.status === 'failed' && found;
    });
    expect(delivery!.attemptCount).toBe(3);
    const { rows: notices } = await testApp.database.pool.query(`select merchant_id, payload from outbox where type = 'webhook_endpoint.disabled' and aggregate_id = $1`, [endpoint.id]);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ merchant_id: lotus.owner.merchantId, payload: { endpointId: endpoint.id, consecutiveFailures: 3 } });

    // A disabled endpoint gets no new deliveries, and its old ones cannot be replayed until it is enabled.
    await placePaidOrder(testApp.app, shopper, lotus.shop.slug, lotus.shop.variantIds[0]!);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.requestsTo('/lotus/broken')).toHaveLength(3);
    const refused = await testApp.app.inject({ method: 'POST', url: `/api/admin/webhook-deliveries/${delivery!.id}/replay`, headers: lotus.owner.headers });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().code).toBe('webhook_endpoint_disabled');

    receiver.respond('/lotus/broken', () => ({ status: 200 }));
    const enabled = await testApp.app.inject({ method: 'PUT', url: `/api/admin/webhook-endpoints/${endpoint.id}`, headers: lotus.owner.headers, payload: { status: 'enabled' } });
    expect(enabled.json()).toMatchObject({ status: 'enabled', consecutiveFailures: 0, disabledAt: null });
    expect((await testApp.app.inject({ method: 'POST', url: `/api/admin/webhook-deliveries/${delivery!.id}/replay`, headers: lotus.owner.headers })).statusCode).toBe(202);
    await until(async () => (await deliveryDetail(lotus.owner, delivery!.id)).status === 'succeeded');
    await testApp.app.inject({ method: 'DELETE', url: `/api/admin/webhook-endpoints/${endpoint.id}`, headers: lotus.owner.headers });
  });

  it('makes one delivery of an event the relay published twice (it died between enqueue and mark)', async () => {
    const endpoint = await createEndpoint(lotus.owner, '/lotus/once');
    await relay.stop();
    try {
      const order = await placePaidOrder(testApp.app, shopper, lotus.shop.slug, lotus.shop.variantIds[0]!);
      const eventId = await paidEventId(order.id);
      const crashing = new OutboxRelay({
        config: testApp.config,
        pool: testApp.database.pool,
        queues: workers.queues,
        publisher: testApp.app.redis,
        afterEnqueue: () => {
          throw new Error('killed after enqueue, before mark');
        },
      });
      await expect(crashing.relayOnce()).rejects.toThrow('killed after enqueue');
      const { rows } = await testApp.database.pool.query(`select published_at from outbox where id = $1`, [eventId]);
      expect(rows[0].published_at).toBeNull();
      // The first publication's fan-out ran: the delivery exists (its attempt waits for the relay).
      await until(async () => (await deliveriesOf(lotus.owner, { eventId, endpointId: endpoint.id })).length === 1);
      // The second publication, and a fan-out run by hand on top: still one delivery, one call.
      relay.start();
      await until(async () => receiver.requestsTo('/lotus/once').length === 1);
      await until(async () => {
        const { rows: published } = await testApp.database.pool.query(`select published_at from outbox where id = $1`, [eventId]);
        return published[0].published_at !== null;
      });
      expect(await testApp.app.services.webhookDeliveries.fanOut(eventId)).toEqual({ deliveries: 0 });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await deliveriesOf(lotus.owner, { eventId, endpointId: endpoint.id })).toHaveLength(1);
      expect(receiver.requestsTo('/lotus/once')).toHaveLength(1);
    } finally {
      relay.start();
    }
    await testApp.app.inject({ method: 'DELETE', url: `/api/admin/webhook-endpoints/${endpoint.id}`, headers: lotus.owner.headers });
  });

  it('has a sweeper that re-enqueues a due delivery whose job Redis lost', async () => {
    const endpoint = await createEndpoint(lotus.owner, '/lotus/lost');
    receiver.respond('/lotus/lost', (_request, count) => (count === 1 ? { status: 502 } : { status: 200 }));
    const order = await placePaidOrder(testApp.app, shopper, lotus.shop.slug, lotus.shop.variantIds[0]!);
    const eventId = await paidEventId(order.id);
    const [delivery] = await until(async () => {
      const found = await deliveriesOf(lotus.owner, { eventId, endpointId: endpoint.id });
      return found[0]?.attemptCount === 1 && found;
    });
    // Redis loses the second attempt's job before it runs.
    await until(async () => (await workers.queues.queue('webhooks').getJob(`webhook.deliver@${delivery!.id}.2`))?.remove().then(() => true));
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(receiver.requestsTo('/lotus/lost')).toHaveLength(1);
    expect((await deliveryDetail(lotus.owner, delivery!.id)).status).toBe('pending');

    // Before the grace period the sweeper leaves it to its own job; after, it schedules the attempt again.
    expect((await testApp.app.services.webhookDeliveries.sweepDue(new Date())).rescheduled).toBe(0);
    expect((await testApp.app.services.webhookDeliveries.sweepDue(new Date(Date.now() + 120_000))).rescheduled).toBe(1);
    await until(async () => (await deliveryDetail(lotus.owner, delivery!.id)).status === 'succeeded');
    expect(receiver.requestsTo('/lotus/lost')).toHaveLength(2);
    await testApp.app.inject({ method: 'DELETE', url: `/api/admin/webhook-endpoints/${endpoint.id}`, headers: lotus.owner.headers });
  });
});

describe('webhooks when Redis loses a fan-out job', () => {
  it("has the sweeper fan an event out again when its fan-out job was lost, to the endpoints that existed then", async () => {
    const endpoint = await createEndpoint(lotus.owner, '/lotus/refanned');
    const queue = workers.queues.queue('webhooks');
    await queue.pause();
    let eventId: string;
    try {
      const order = await placePaidOrder(testApp.app, shopper, lotus.shop.slug, lotus.shop.variantIds[0]!);
      eventId = await paidEventId(order.id);
      await until(async () => (await queue.getJob(`webhook.fan_out@${eventId}`)) !== undefined);
      // Redis loses the queue with the fan-out job in it, after the relay marked the event published.
      await queue.obliterate({ force: true });
    } finally {
      await queue.resume();
    }
    await until(async () => {
      const { rows } = await testApp.database.pool.query(`select published_at from outbox where id = $1`, [eventId]);
      return rows[0].published_at !== null;
    });
    // An endpoint created after the event does not get it from the sweeper.
    const later = await createEndpoint(lotus.owner, '/lotus/later');
    expect(await deliveriesOf(lotus.owner, { eventId })).toEqual([]);

    const swept = await testApp.app.services.webhookDeliveries.sweepDue(new Date(Date.now() + 120_000));
    expect(swept.fannedOutAgain).toBe(1);
    await until(async () => receiver.requestsTo('/lotus/refanned').length === 1);
    expect(JSON.parse(receiver.requestsTo('/lotus/refanned')[0]!.body).id).toBe(eventId);
    expect((await deliveriesOf(lotus.owner, { eventId })).map((delivery) => delivery.endpointId)).toEqual([endpoint.id]);
    expect(receiver.requestsTo('/lotus/later')).toEqual([]);
    await testApp.app.inject({ method: 'DELETE', url: `/api/admin/webhook-endpoints/${endpoint.id}`, headers: lotus.owner.headers });
    await testApp.app.inject({ method: 'DELETE', url: `/api/admin/webhook-endpoints/${later.id}`, headers: lotus.owner.headers });
  });
});

describe('webhook endpoints in the console', () => {
  it('refuses an unknown event name with the field named, and creates nothing', async () => {
    const response = await testApp.app.inject({
      method: 'POST',
      url: '/api/admin/webhook-endpoints',
      headers: lotus.owner.headers,
      payload: { url: receiver.url('/x'), events: ['order.paid', 'order.teleported'] },
    });
    expect(response.statusCode).toBe(400);
    expect(Object.keys(response.json().errors)).toEqual(['events.1']);
    expect((await testApp.app.inject({ method: 'GET', url: '/api/admin/webhook-endpoints', headers: lotus.owner.headers })).json()).toEqual([]);
  });

  it('refuses plain http to a host that is not loopback, and a URL that is not one', async () => {
    for (const url of ['http://merchant.example.com/hooks', 'ftp://merchant.example.com/hooks', 'not a url at all']) {
      const response = await testApp.app.inject({ method: 'POST', url: '/api/admin/webhook-endpoints', headers: lotus.owner.headers, payload: { url, events: ['order.paid'] } });
      expect(response.statusCode).toBe(400);
      expect(Object.keys(response.json().errors)).toEqual(['url']);
    }
    const https = await testApp.app.inject({ method: 'POST', url: '/api/admin/webhook-endpoints', headers: lotus.owner.headers, payload: { url: 'https://merchant.example.com/hooks', events: ['payout.posted'] } });
    expect(https.statusCode).toBe(201);
    await testApp.app.inject({ method: 'DELETE', url: `/api/admin/webhook-endpoints/${https.json().id}`, headers: lotus.owner.headers });
  });

  it('shows the signing secret only when created or rotated, and a rotation replaces it', async () => {
    const created = await createEndpoint(lotus.owner, '/lotus/rotate');
    expect(created.secret).toMatch(/^whsec_/);
    const shown = await testApp.app.inject({ method: 'GET', url: `/api/admin/webhook-endpoints/${created.id}`, headers: lotus.owner.headers });
    expect(shown.json()).not.toHaveProperty('secret');
    const listed = await testApp.app.inject({ method: 'GET', url: '/api/admin/webhook-endpoints', headers: lotus.owner.headers });
    expect(listed.headers['content-range']).toMatch(/^webhook-endpoints 0-0\/1$/);
    const rotated = await testApp.app.inject({ method: 'POST', url: `/api/admin/webhook-endpoints/${created.id}/rotate-secret`, headers: lotus.owner.headers });
    expect(rotated.statusCode).toBe(200);
    expect(rotated.json().secret).toMatch(/^whsec_/);
    expect(rotated.json().secret).not.toBe(created.secret);
    expect((await testApp.app.inject({ method: 'POST', url: `/api/admin/webhook-endpoints/${created.id}/rotate-secret`, headers: neon.owner.headers })).statusCode).toBe(404);
    await testApp.app.inject({ method: 'DELETE', url: `/api/admin/webhook-endpoints/${created.id}`, headers: lotus.owner.headers });
  });
});
