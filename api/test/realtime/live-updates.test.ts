import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import type { Config } from '../../../db/src/config.ts';
import { OutboxRelay } from '../../../db/src/outbox/outbox-relay.ts';
import { allEventsChannel } from '../../../db/src/outbox/outbox.ts';
import { JobQueues } from '../../../db/src/queues/job-queues.ts';
import { connectRedis, createRedis } from '../../../db/src/redis.ts';
import { createTestEnvironment, type TestEnvironment } from '../../../db/src/testing/databases.ts';
import { fundWallet, placePaidOrder } from '../helpers/orders.ts';
import { newId } from '../../../db/src/ids.ts';
import { TestSocket } from '../helpers/realtime.ts';
import { StaffAccessTokens } from '../../../db/src/modules/auth/access-tokens.ts';
import { createGuestShopper, createOperator, createStoreFixture, type ShopperSession, type StoreFixture } from '../helpers/shoppers.ts';
import { createMerchantWithStaff, type StaffSession } from '../helpers/staff.ts';

/**
 * GET /ws end to end: two API instances on one database and Redis, each with its own connections, a real
 * outbox relay woken by LISTEN/NOTIFY, and real WebSocket clients on instance A's port. Orders change
 * through instance B's HTTP API only.
 */
let environment: TestEnvironment;
let instanceA: FastifyInstance;
let instanceB: FastifyInstance;
let portA: number;
let relay: OutboxRelay;
let queues: JobQueues;
let publisher: Redis;
let wakeSubscriber: Redis;
let owner: StaffSession;
let otherOwner: StaffSession;
let shop: StoreFixture;
let shopper: ShopperSession;
let otherShopper: ShopperSession;
const sockets: TestSocket[] = [];

async function listening(config: Config): Promise<{ app: FastifyInstance; port: number }> {
  const app = await buildApp(config, { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  return { app, port: typeof address === 'object' && address ? address.port : 0 };
}

async function socketOf(token: string, port = portA): Promise<TestSocket> {
  const socket = await TestSocket.authenticated(port, token);
  sockets.push(socket);
  return socket;
}

/** A paid order of `shopper` at the shop, through checkout and wallet payment on instance B. */
async function paidOrder(buyer: ShopperSession = shopper): Promise<string> {
  const order = await placePaidOrder(instanceB, buyer, shop.slug, shop.variantIds[0] as string);
  // Its events (placed, paid) are published before the test goes on: a woken relay lingers 10 ms first
  // (docs/realtime.md), so without this a socket subscribing now could still hear them arrive.
  await relay.drain();
  return order.id;
}

async function fulfil(orderId: string, verb: 'pack' | 'ship'): Promise<void> {
  const response = await instanceB.inject({ method: 'POST', url: `/api/admin/orders/${orderId}/${verb}`, headers: owner.headers, payload: {} });
  expect(response.statusCode).toBe(200);
}

beforeAll(async () => {
  environment = await createTestEnvironment({ REALTIME_AUTH_TIMEOUT_MS: '500', REALTIME_MAX_SUBSCRIPTIONS_PER_SOCKET: '3' });
  ({ app: instanceA, port: portA } = await listening(environment.config));
  instanceB = await buildApp(environment.config, { logger: false });
  await instanceB.ready();
  queues = new JobQueues(environment.config);
  publisher = await connectRedis(createRedis(environment.config), environment.config.redis.url);
  // As the workers process runs it: woken through Redis after each commit of instance B, with a poll far
  // too slow to explain a fast delivery.
  wakeSubscriber = await connectRedis(createRedis(environment.config), environment.config.redis.url);
  relay = new OutboxRelay({ config: environment.config, pool: environment.database.pool, queues, publisher, pollIntervalMs: 10_000, wakeSubscriber });
  relay.start();

  owner = await createMerchantWithStaff(instanceB, 'owner');
  otherOwner = await createMerchantWithStaff(instanceB, 'owner');
  shop = await createStoreFixture(instanceB, owner.merchantId, { variants: [{ priceMinor: 1_250, stockOnHand: 1_000 }] });
  shopper = await createGuestShopper(instanceB);
  otherShopper = await createGuestShopper(instanceB);
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

describe('live updates across API instances', () => {
  it("brings a group-buy team's joins and formation to the sockets of its members (resource/group-buy-teams/<id>)", async () => {
    const offer = await instanceB.inject({
      method: 'POST',
      url: '/api/admin/group-buys',
      headers: { ...owner.headers, 'idempotency-key': newId() },
      payload: { variantId: shop.variantIds[0], teamPriceMinor: 1_000, teamSize: 3, teamCap: 5 },
    });
    expect(offer.statusCode).toBe(201);
    const members = [shopper, otherShopper, await createGuestShopper(instanceB)];
    for (const member of members) await fundWallet(instanceB, member.shopperId, 1_000);
    const opened = await instanceB.inject({ method: 'POST', url: `/api/store/group-buys/${offer.json().id}/teams`, headers: { ...shopper.headers, 'idempotency-key': newId() } });
    expect(opened.statusCode).toBe(201);
    const topic = `resource/group-buy-teams/${opened.json().id}`;
    const socket = await socketOf(shopper.accessToken);
    expect((await socket.subscribe(topic)).type).toBe('subscribed');
    expect(await socket.next((message) => message.topic === topic && message.type === 'snapshot')).toMatchObject({ payload: { status: 'open', memberCount: 1, teamSize: 3 } });

    await instanceB.inject({ method: 'POST', url: `/api/store/group-buys/teams/${opened.json().id}/members`, headers: members[1]!.headers });
    expect(await socket.next((message) => message.topic === topic && message.payload?.event === 'group_buy.team_joined')).toMatchObject({ type: 'updated', payload: { memberCount: 2, status: 'open' } });
    await instanceB.inject({ method: 'POST', url: `/api/store/group-buys/teams/${opened.json().id}/members`, headers: members[2]!.headers });
    expect(await socket.next((message) => message.topic === topic && message.payload?.event === 'group_buy.team_formed')).toMatchObject({ type: 'updated', payload: { memberCount: 3, status: 'formed' } });
    // Another merchant's staff do not see the team.
    const stranger = await socketOf(otherOwner.accessToken);
    expect((await stranger.subscribe(topic)).type).toBe('error');
  });

  it('brings an order packed through instance B to a staff socket on instance A, on the merchant stream and the order topic', async () => {
    const orderId = await paidOrder();
    const socket = await socketOf(owner.accessToken);
    expect((await socket.subscribe('resource/orders')).type).toBe('subscribed');
    expect((await socket.subscribe(`resource/orders/${orderId}`)).type).toBe('subscribed');

    await fulfil(orderId, 'pack');

    const onStream = await socket.next((message) => message.topic === 'resource/orders' && message.payload?.status === 'packed');
    expect(onStream).toMatchObject({ type: 'updated', payload: { ids: [orderId], event: 'order.packed', status: 'packed', fromStatus: 'paid' }, eventId: expect.stringMatching(/^\d+$/) });
    const onOrder = await socket.next((message) => message.topic === `resource/orders/${orderId}` && message.type === 'updated');
    expect(onOrder).toMatchObject({ payload: { ids: [orderId], status: 'packed' }, eventId: onStream.eventId });
  });

  it('announces a new order of the merchant as created on the merchant stream', async () => {
    const socket = await socketOf(owner.accessToken);
    await socket.subscribe('resource/orders');
    const orderId = await paidOrder();
    const created = await socket.next((message) => message.topic === 'resource/orders' && message.type === 'created');
    expect(created.payload).toMatchObject({ ids: [orderId], event: 'order.placed', status: 'pending_payment' });
    await socket.next((message) => message.topic === 'resource/orders' && message.payload?.ids[0] === orderId && message.payload?.status === 'paid');
  });

  it('gives a new subscriber the current state of the order at once', async () => {
    const orderId = await paidOrder();
    await fulfil(orderId, 'pack');
    const socket = await socketOf(shopper.accessToken);
    const subscribed = await socket.subscribe(`resource/orders/${orderId}`);
    expect(subscribed).toMatchObject({ type: 'subscribed', resumed: true, eventId: expect.stringMatching(/^\d+$/) });
    const snapshot = await socket.next((message) => message.type === 'snapshot');
    expect(snapshot).toMatchObject({
      topic: `resource/orders/${orderId}`,
      eventId: subscribed.eventId,
      payload: { ids: [orderId], order: { id: orderId, status: 'packed' }, tracking: null },
    });
  });

  it('replays to a reconnecting subscriber exactly the events it missed, in order, from the database', async () => {
    const orderId = await paidOrder();
    const topic = `resource/orders/${orderId}`;
    const first = await socketOf(shopper.accessToken);
    await first.subscribe(topic);
    const snapshot = await first.next((message) => message.type === 'snapshot');
    await first.close();

    // Missed while away: two transitions of this order (shipping it also records the shipment's first
    // tracking event), and events of another order that are not its topic.
    await fulfil(orderId, 'pack');
    await paidOrder();
    await fulfil(orderId, 'ship');
    // Wait until the relay has published both, so that they can only come back from the database.
    const watcher = await socketOf(owner.accessToken);
    await watcher.subscribe(topic, snapshot.eventId);
    // Shipping writes the order's `shipped` and its new shipment's tracking event in one transaction.
    await watcher.next((message) => message.topic === topic && message.type === 'tracking');

    const second = await socketOf(shopper.accessToken);
    const resumed = await second.subscribe(topic, snapshot.eventId);
    expect(resumed).toMatchObject({ type: 'subscribed', resumed: true });
    await second.next((message) => message.topic === topic && message.type === 'tracking');
    // Anything extra (a snapshot, a repeat) would have arrived by now.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const replayed = second.eventsOf(topic);
    expect(replayed.map((message) => [message.type, message.payload?.status])).toEqual([
      ['updated', 'packed'],
      ['updated', 'shipped'],
      ['tracking', 'in_transit'],
    ]);
    const ids = replayed.map((message) => Number(message.eventId));
    expect(ids[0]).toBeGreaterThan(Number(snapshot.eventId));
    expect(ids[1]).toBeGreaterThan(ids[0] as number);
    expect(ids[2]).toBeGreaterThan(ids[1] as number);
  });

  it('stops sending a topic once the socket unsubscribes', async () => {
    const orderId = await paidOrder();
    const topic = `resource/orders/${orderId}`;
    const socket = await socketOf(owner.accessToken);
    await socket.subscribe(topic);
    await socket.subscribe('resource/orders');
    socket.send({ type: 'unsubscribe', topic });
    await socket.next((message) => message.type === 'unsubscribed' && message.topic === topic);
    await fulfil(orderId, 'pack');
    await socket.next((message) => message.topic === 'resource/orders' && message.payload?.ids[0] === orderId && message.payload?.status === 'packed');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(socket.eventsOf(topic).filter((message) => message.type !== 'snapshot')).toEqual([]);
  });

  it('resumes a subscriber that is up to date with nothing, and keeps it live', async () => {
    const orderId = await paidOrder();
    const topic = `resource/orders/${orderId}`;
    const socket = await socketOf(owner.accessToken);
    const subscribed = await socket.subscribe(topic);
    const again = await socketOf(owner.accessToken);
    await again.subscribe(topic, subscribed.eventId);
    await fulfil(orderId, 'pack');
    await again.next((message) => message.topic === topic && message.payload?.status === 'packed');
    expect(again.eventsOf(topic).map((message) => message.type)).toEqual(['updated']);
  });

  it('falls back to the current state when the last event id is unknown to this database', async () => {
    const orderId = await paidOrder();
    const socket = await socketOf(shopper.accessToken);
    const subscribed = await socket.subscribe(`resource/orders/${orderId}`, '999999999999');
    expect(subscribed).toMatchObject({ type: 'subscribed', resumed: false });
    expect(await socket.next((message) => message.type === 'snapshot')).toMatchObject({ payload: { order: { id: orderId, status: 'paid' } } });
  });
});

describe('when Redis drops an instance', () => {
  it("catches a subscription up from the database with what was published while the instance's Redis subscription was cut", async () => {
    const orderId = await paidOrder();
    const topic = `resource/orders/${orderId}`;
    const socket = await socketOf(shopper.accessToken);
    await socket.subscribe(topic);
    await socket.next((message) => message.type === 'snapshot');
    const listener = await connectRedis(createRedis(environment.config), environment.config.redis.url);
    const published: string[] = [];
    await listener.subscribe(allEventsChannel(environment.config));
    listener.on('message', (_channel: string, text: string) => published.push(JSON.parse(text).type));
    try {
      const clients = (await publisher.client('LIST')) as string;
      const line = clients.split('\n').find((entry) => entry.includes(`name=${instanceA.realtime.subscriberName} `));
      const id = /(?:^| )id=(\d+)/.exec(line ?? '')?.[1];
      expect(id).toBeDefined();
      const caughtUpBefore = instanceA.realtime.stats().caughtUp;
      await publisher.client('KILL', 'ID', id as string);

      await fulfil(orderId, 'pack');
      const deadline = Date.now() + 5_000;
      while (!published.includes('order.packed') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      // Published while instance A was not listening: only the database can bring it now.
      expect(instanceA.realtime.isListening()).toBe(false);

      const caughtUp = await socket.next((message) => message.topic === topic && message.payload?.status === 'packed', { timeoutMs: 10_000 });
      expect(caughtUp).toMatchObject({ type: 'updated', payload: { ids: [orderId] } });
      expect(instanceA.realtime.stats().caughtUp).toBeGreaterThan(caughtUpBefore);
    } finally {
      listener.disconnect();
    }
  });
});

describe('who may follow what', () => {
  it("refuses a shopper someone else's order, and sends that socket none of its events", async () => {
    const orderId = await paidOrder(otherShopper);
    const intruder = await socketOf(shopper.accessToken);
    const refused = await intruder.subscribe(`resource/orders/${orderId}`);
    expect(refused).toMatchObject({ type: 'error', code: 'order_not_found', topic: `resource/orders/${orderId}` });

    const rightful = await socketOf(otherShopper.accessToken);
    await rightful.subscribe(`resource/orders/${orderId}`);
    await fulfil(orderId, 'pack');
    await rightful.next((message) => message.payload?.status === 'packed');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(intruder.messages.filter((message) => message.eventId !== undefined)).toEqual([]);
  });

  it("lets a merchant's API key follow the merchant stream, and closes a socket of an operator who acts for no merchant", async () => {
    const created = await instanceB.inject({ method: 'POST', url: '/api/admin/api-keys', headers: owner.headers, payload: { name: 'order board', role: 'clerk' } });
    expect(created.statusCode).toBe(201);
    const keySocket = await socketOf(created.json().secret);
    expect(keySocket.messages[0]).toMatchObject({ type: 'authenticated', viewer: { type: 'merchant', merchantId: owner.merchantId }, expiresAt: null });
    await keySocket.subscribe('resource/orders');
    const orderId = await paidOrder();
    await keySocket.next((message) => message.topic === 'resource/orders' && message.payload?.ids[0] === orderId);

    const operator = await TestSocket.open(portA);
    sockets.push(operator);
    const platformOperator = await createOperator(instanceA);
    operator.send({ type: 'auth', token: platformOperator.headers.authorization.slice('Bearer '.length) });
    expect(await operator.closed).toEqual({ code: 4401, reason: 'merchant_required' });
  });

  it("brings a counter charge waiting for consent to its shopper's own topic, resumes it, and refuses that topic to anyone else", async () => {
    const buyer = await createGuestShopper(instanceB);
    await fundWallet(instanceB, buyer.shopperId, 10_000);
    const topic = `resource/payment-code-charges/${buyer.shopperId}`;
    const socket = await socketOf(buyer.accessToken);
    const subscribed = await socket.subscribe(topic);
    expect(subscribed).toMatchObject({ type: 'subscribed', resumed: true });

    const code = await instanceB.inject({ method: 'POST', url: `/api/store/shops/${shop.slug}/payment-codes`, headers: buyer.headers });
    expect(code.statusCode, code.body).toBe(201);
    // Above the default threshold (50.00): the charge waits for the shopper.
    const charge = await instanceB.inject({
      method: 'POST',
      url: '/api/admin/payment-code-charges',
      headers: { ...owner.headers, 'idempotency-key': `live-charge-${buyer.shopperId}` },
      payload: { shopId: shop.shopId, token: code.json().token, amountMinor: 6_000 },
    });
    expect(charge.statusCode, charge.body).toBe(201);
    const waiting = await socket.next((message) => message.topic === topic && message.type === 'created');
    expect(waiting.payload).toMatchObject({ ids: [charge.json().id], event: 'payment_code_charge.awaiting_confirmation', status: 'awaiting_confirmation', amountMinor: 6_000, currency: 'EUR' });

    // A socket that saw nothing after `subscribed` gets the event replayed from the database.
    const late = await socketOf(buyer.accessToken);
    expect(await late.subscribe(topic, subscribed.eventId)).toMatchObject({ type: 'subscribed', resumed: true });
    expect(await late.next((message) => message.topic === topic && message.type === 'created')).toMatchObject({ eventId: waiting.eventId });

    for (const stranger of [otherShopper.accessToken, owner.accessToken]) {
      expect(await (await socketOf(stranger)).subscribe(topic)).toMatchObject({ type: 'error', code: 'charges_stream_forbidden' });
    }
  });

  it('refuses a shopper the merchant-wide stream', async () => {
    const socket = await socketOf(shopper.accessToken);
    expect(await socket.subscribe('resource/orders')).toMatchObject({ type: 'error', code: 'merchant_stream_forbidden' });
  });

  it("refuses staff another merchant's order, and gives their merchant stream none of its events", async () => {
    const orderId = await paidOrder();
    const foreign = await socketOf(otherOwner.accessToken);
    expect(await foreign.subscribe(`resource/orders/${orderId}`)).toMatchObject({ type: 'error', code: 'order_not_found' });
    await foreign.subscribe('resource/orders');

    const own = await socketOf(owner.accessToken);
    await own.subscribe('resource/orders');
    await fulfil(orderId, 'pack');
    await own.next((message) => message.payload?.ids[0] === orderId && message.payload?.status === 'packed');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(foreign.messages.filter((message) => message.eventId !== undefined && message.type !== 'subscribed')).toEqual([]);
  });

  it('refuses a topic it does not know, naming the field', async () => {
    const socket = await socketOf(owner.accessToken);
    expect(await socket.subscribe('resource/products')).toMatchObject({ type: 'error', code: 'unknown_topic', errors: { topic: expect.any(String) } });
    const from = socket.messages.length;
    socket.send({ type: 'subscribe', topic: 'resource/orders', lastEventId: 'yesterday' });
    expect(await socket.next((message) => message.type === 'error', { from })).toMatchObject({ code: 'invalid_input', errors: { lastEventId: expect.any(String) } });
  });

  it('caps the topics one socket may follow', async () => {
    const orderIds = [await paidOrder(), await paidOrder(), await paidOrder()];
    const socket = await socketOf(owner.accessToken);
    await socket.subscribe('resource/orders');
    expect((await socket.subscribe(`resource/orders/${orderIds[0]}`)).type).toBe('subscribed');
    expect((await socket.subscribe(`resource/orders/${orderIds[1]}`)).type).toBe('subscribed');
    expect(await socket.subscribe(`resource/orders/${orderIds[2]}`)).toMatchObject({ type: 'error', code: 'too_many_subscriptions' });
    socket.send({ type: 'unsubscribe', topic: 'resource/orders' });
    await socket.next((message) => message.type === 'unsubscribed');
    expect((await socket.subscribe(`resource/orders/${orderIds[2]}`)).type).toBe('subscribed');
  });
});

describe('sockets that may not stay', () => {
  it('closes with 4401 a socket that subscribes before authenticating', async () => {
    const socket = await TestSocket.open(portA);
    sockets.push(socket);
    socket.send({ type: 'subscribe', topic: 'resource/orders' });
    expect((await socket.closed).code).toBe(4401);
    expect(socket.messages).toEqual([]);
  });

  it('closes with 4401 a socket whose token is not valid, and one that sends none in time', async () => {
    const forged = await TestSocket.open(portA);
    sockets.push(forged);
    forged.send({ type: 'auth', token: `${owner.accessToken.slice(0, -4)}AAAA` });
    expect(await forged.closed).toEqual({ code: 4401, reason: 'invalid_token' });

    const silent = await TestSocket.open(portA);
    sockets.push(silent);
    expect(await silent.closed).toEqual({ code: 4401, reason: 'authentication timed out' });
  });

  it('closes with 4401 a socket whose token expires, unless a fresh token of the same identity came first', async () => {
    const claims = { sub: owner.userId, merchantId: owner.merchantId, role: owner.role, isOperator: false };
    const tokenFor = (lifetimeSeconds: number) => new StaffAccessTokens(instanceA.config.auth.jwtSecret, lifetimeSeconds).issue(claims);
    // Expiry is in whole seconds, so a token of n seconds lives between n - 1 and n: three leave the fresh
    // token time to arrive on a busy machine (with one, the socket could close before it was sent).
    const expiring = await socketOf(await tokenFor(3));
    const extended = await socketOf(await tokenFor(3));
    extended.send({ type: 'auth', token: await tokenFor(60) });
    await extended.next((message) => message.type === 'authenticated', { from: 1 });
    // Someone else's token cannot take the socket over.
    extended.send({ type: 'auth', token: otherOwner.accessToken });
    expect(await extended.next((message) => message.type === 'error')).toMatchObject({ code: 'viewer_changed' });

    expect(await expiring.closed).toEqual({ code: 4401, reason: 'token_expired' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(extended.socket.readyState).toBe(extended.socket.OPEN);
  });

  it('refuses the upgrade to a browser page from an origin that is not allowed, and accepts the public origin', async () => {
    await expect(TestSocket.open(portA, { origin: 'https://evil.example' })).rejects.toThrow('upgrade refused with 403');
    const allowed = await TestSocket.open(portA, { origin: new URL(environment.config.http.publicUrl).origin });
    sockets.push(allowed);
    allowed.send({ type: 'auth', token: owner.accessToken });
    await allowed.next((message) => message.type === 'authenticated');
  });
});

describe('instances with tight limits', () => {
  let instanceC: FastifyInstance;
  let portC: number;
  let instanceD: FastifyInstance;
  let portD: number;

  beforeAll(async () => {
    // C: a tiny send buffer; D: a heartbeat every second. Apart, so that a client that stops reading (and
    // so stops answering pings) is dropped for its buffer, not for the heartbeat.
    ({ app: instanceC, port: portC } = await listening({ ...environment.config, realtime: { ...environment.config.realtime, maxBufferedBytes: 1_024 } }));
    ({ app: instanceD, port: portD } = await listening({ ...environment.config, realtime: { ...environment.config.realtime, heartbeatIntervalMs: 1_000 } }));
  });
  afterAll(async () => {
    await instanceC?.close();
    await instanceD?.close();
  });

  it('drops with close code 1013 a client that stops reading, once its unsent data passes the limit', async () => {
    const socket = await socketOf(owner.accessToken, portC);
    // The client stops reading; every request still gets an answer, which piles up on the server's side.
    socket.socket.pause();
    for (let index = 0; index < 40_000; index += 1) socket.send({ type: 'subscribe', topic: `resource/nothing-${index}` });
    const deadline = Date.now() + 20_000;
    while (instanceC.realtime.stats().droppedSlowConsumers === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(instanceC.realtime.stats().droppedSlowConsumers).toBe(1);
    socket.socket.resume();
    expect((await socket.closed).code).toBe(1013);
    // Far fewer answers than requests were ever queued for it.
    expect(socket.messages.length).toBeLessThan(40_000);
  });

  it('closes a socket that stops answering pings', async () => {
    const socket = await TestSocket.open(portD, { autoPong: false });
    sockets.push(socket);
    socket.send({ type: 'auth', token: owner.accessToken });
    await socket.next((message) => message.type === 'authenticated');
    const before = instanceD.realtime.stats().deadSocketsClosed;
    const answering = await socketOf(owner.accessToken, portD);
    expect((await socket.closed).code).toBe(1006);
    expect(instanceD.realtime.stats().deadSocketsClosed).toBe(before + 1);
    // A socket that answers its pings stays.
    expect(answering.socket.readyState).toBe(answering.socket.OPEN);
  });

  it('closes every socket with 1001 (going away) on shutdown', async () => {
    const socket = await socketOf(owner.accessToken, portD);
    await socket.subscribe('resource/orders');
    await instanceD.close();
    expect(await socket.closed).toEqual({ code: 1001, reason: 'server shutting down' });
  });
});
