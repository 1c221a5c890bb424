import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import type { Config } from '../../../db/src/config.ts';
import { OutboxRelay } from '../../../db/src/outbox/outbox-relay.ts';
import { JobQueues } from '../../../db/src/queues/job-queues.ts';
import { connectRedis, createRedis } from '../../../db/src/redis.ts';
import { createTestEnvironment, type TestEnvironment } from '../../../db/src/testing/databases.ts';
import { createCourier, createShipment, type CourierSession } from '../helpers/delivery.ts';
import { placePaidOrder } from '../helpers/orders.ts';
import { TestSocket } from '../helpers/realtime.ts';
import { createGuestShopper, createStoreFixture, type ShopperSession, type StoreFixture } from '../helpers/shoppers.ts';
import { createMerchantWithStaff, type StaffSession } from '../helpers/staff.ts';

/**
 * A courier's position, live, across API instances (docs/realtime.md, docs/delivery.md §4): the courier's
 * phone posts to instance B over real HTTP, the tracking event's commit wakes the relay (its poll is far
 * too slow to explain the delivery), Redis fans it out, and the shopper's widget and the merchant's
 * console, both connected to instance A, receive it. A new subscriber's snapshot carries the last known
 * position, read from the shipment itself.
 */
let environment: TestEnvironment;
let instanceA: FastifyInstance;
let instanceB: FastifyInstance;
let portA: number;
let portB: number;
let relay: OutboxRelay;
let queues: JobQueues;
let publisher: Redis;
let wakeSubscriber: Redis;
let owner: StaffSession;
let shop: StoreFixture;
let shopper: ShopperSession;
let courier: CourierSession;
const sockets: TestSocket[] = [];

const destination = { latitude: 48.8606, longitude: 2.3376 };

async function listening(config: Config): Promise<{ app: FastifyInstance; port: number }> {
  const app = await buildApp(config, { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  return { app, port: typeof address === 'object' && address ? address.port : 0 };
}

async function socketOf(token: string): Promise<TestSocket> {
  const socket = await TestSocket.authenticated(portA, token);
  sockets.push(socket);
  return socket;
}

/** What the courier page does: a JSON POST with the courier's token, to instance B's port. */
async function courierPost(path: string, body: object): Promise<{ status: number; json: any }> {
  const response = await fetch(`http://127.0.0.1:${portB}${path}`, {
    method: 'POST',
    headers: { ...courier.headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

/** A paid order of the shopper with a shipment in the courier's hands (picked up: the order is shipped). */
async function orderOnTheRoad(): Promise<{ orderId: string; shipmentId: string }> {
  const order = await placePaidOrder(instanceB, shopper, shop.slug, shop.variantIds[0] as string);
  const created = await createShipment(instanceB, owner, order.id, { courierId: courier.id, destination, status: 'label_created' });
  expect(created.statusCode, created.body).toBe(201);
  const pickedUp = await courierPost(`/api/courier/shipments/${created.json().id}/status`, { status: 'picked_up', recordedAt: new Date(Date.now() - 30_000).toISOString() });
  expect(pickedUp.status).toBe(201);
  return { orderId: order.id, shipmentId: created.json().id };
}

beforeAll(async () => {
  environment = await createTestEnvironment();
  ({ app: instanceA, port: portA } = await listening(environment.config));
  ({ app: instanceB, port: portB } = await listening(environment.config));
  queues = new JobQueues(environment.config);
  publisher = await connectRedis(createRedis(environment.config), environment.config.redis.url);
  wakeSubscriber = await connectRedis(createRedis(environment.config), environment.config.redis.url);
  relay = new OutboxRelay({ config: environment.config, pool: environment.database.pool, queues, publisher, pollIntervalMs: 30_000, wakeSubscriber });
  relay.start();

  owner = await createMerchantWithStaff(instanceB, 'owner');
  shop = await createStoreFixture(instanceB, owner.merchantId, { variants: [{ priceMinor: 990, stockOnHand: 100 }] });
  shopper = await createGuestShopper(instanceB);
  courier = await createCourier(instanceB, owner);
});

afterAll(async () => {
  for (const socket of sockets) socket.socket.terminate();
  await relay?.stop();
  await instanceA?.close();
  await instanceB?.close();
  await queues?.close();
  publisher?.disconnect();
  wakeSubscriber?.disconnect();
  await environment?.cleanup();
});

describe("a courier's position, live on another instance", () => {
  it("reaches the shopper's socket and the staff socket on instance A when the courier posts it to instance B", async () => {
    const { orderId, shipmentId } = await orderOnTheRoad();
    const topic = `resource/orders/${orderId}`;
    const shopperSocket = await socketOf(shopper.accessToken);
    const staffSocket = await socketOf(owner.accessToken);
    expect((await shopperSocket.subscribe(topic)).type).toBe('subscribed');
    expect((await staffSocket.subscribe(topic)).type).toBe('subscribed');

    const recordedAt = new Date(Date.now() - 10_000).toISOString();
    const posted = await courierPost(`/api/courier/shipments/${shipmentId}/positions`, { latitude: 48.8512, longitude: 2.3373, accuracyMeters: 8, recordedAt });
    expect(posted.status).toBe(200);
    expect(posted.json).toMatchObject({ applied: true });

    for (const socket of [shopperSocket, staffSocket]) {
      const tracking = await socket.next((message) => message.topic === topic && message.type === 'tracking' && message.payload?.position?.latitude === 48.8512, { timeoutMs: 5_000 });
      expect(tracking).toMatchObject({
        payload: { ids: [orderId], shipmentId, status: 'picked_up', happenedAt: recordedAt, position: { latitude: 48.8512, longitude: 2.3373 }, etaAt: expect.any(String) },
        eventId: expect.stringMatching(/^\d+$/),
      });
      // The ETA is in the future of the fix: 1 km to go at the courier's average speed.
      expect(Date.parse(tracking.payload?.etaAt)).toBeGreaterThan(Date.parse(recordedAt));
    }
    // An older fix is ignored by its time: nothing more reaches the sockets.
    const stale = await courierPost(`/api/courier/shipments/${shipmentId}/positions`, { latitude: 48.84, longitude: 2.33, recordedAt: new Date(Date.now() - 20_000).toISOString() });
    expect(stale.json).toMatchObject({ applied: false });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(shopperSocket.eventsOf(topic).filter((message) => message.type === 'tracking' && message.payload?.position?.latitude === 48.84)).toEqual([]);
  });

  it("gives a new subscriber the shipment's last known position, status and ETA in its snapshot", async () => {
    const { orderId, shipmentId } = await orderOnTheRoad();
    const fixes = [
      { latitude: 48.8462, longitude: 2.3371, recordedAt: new Date(Date.now() - 20_000).toISOString() },
      { latitude: 48.8562, longitude: 2.3375, recordedAt: new Date(Date.now() - 10_000).toISOString() },
    ];
    for (const fix of fixes) expect((await courierPost(`/api/courier/shipments/${shipmentId}/positions`, fix)).json).toMatchObject({ applied: true });
    const shipment = (await instanceB.inject({ method: 'GET', url: `/api/admin/shipments/${shipmentId}`, headers: owner.headers })).json();

    const socket = await socketOf(shopper.accessToken);
    await socket.subscribe(`resource/orders/${orderId}`);
    const snapshot = await socket.next((message) => message.type === 'snapshot');
    const last = { latitude: 48.8562, longitude: 2.3375, accuracyMeters: null, recordedAt: fixes[1]?.recordedAt };
    expect(snapshot.payload).toEqual({
      ids: [orderId],
      order: expect.objectContaining({ id: orderId, status: 'shipped' }),
      tracking: { shipmentId, status: 'picked_up', happenedAt: fixes[1]?.recordedAt, position: last, etaAt: shipment.etaAt },
      shipments: [{ shipmentId, status: 'picked_up', statusAt: shipment.statusAt, happenedAt: fixes[1]?.recordedAt, position: last, etaAt: shipment.etaAt, deliveredAt: null }],
    });
    expect(shipment.etaAt).toEqual(expect.any(String));
  });

  it('gives a snapshot with no tracking for an order that has no shipment yet', async () => {
    const order = await placePaidOrder(instanceB, shopper, shop.slug, shop.variantIds[0] as string);
    const socket = await socketOf(owner.accessToken);
    await socket.subscribe(`resource/orders/${order.id}`);
    expect((await socket.next((message) => message.type === 'snapshot')).payload).toMatchObject({ order: { id: order.id, status: 'paid' }, tracking: null, shipments: [] });
  });
});
