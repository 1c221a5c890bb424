import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkout, closeOrdersFixture, createOrdersFixture, fundWallet, pay, placePaidOrder, type OrdersFixture } from '../helpers/orders.ts';
import { createGuestShopper } from '../helpers/shoppers.ts';
import { createMerchantWithStaff, type StaffSession } from '../helpers/staff.ts';
import { at, createCourier, createShipment, orderRow, placePaidCartOrder, postPosition, postStatus, tableCounts, type CourierSession } from '../helpers/delivery.ts';

/**
 * Delivery end to end through the product's routes: a paid order, its shipments, the shop's courier
 * posting positions and statuses, and the order following its shipments to delivered.
 */
let fixture: OrdersFixture;
let owner: StaffSession;
let courier: CourierSession;
let otherCourier: CourierSession;

// A route across Paris towards the destination, each fix closer than the one before.
const destination = { latitude: 48.8606, longitude: 2.3376 };
const route = [
  { latitude: 48.8462, longitude: 2.3371 },
  { latitude: 48.8512, longitude: 2.3373 },
  { latitude: 48.8562, longitude: 2.3375 },
];

beforeAll(async () => {
  fixture = await createOrdersFixture([
    { priceMinor: 500, stockOnHand: 100 },
    { priceMinor: 250, stockOnHand: 100 },
  ]);
  owner = fixture.owner;
  courier = await createCourier(fixture.testApp.app, owner, 'Ada Rider');
  otherCourier = await createCourier(fixture.testApp.app, owner, 'Bo Rider');
});
afterAll(async () => closeOrdersFixture(fixture?.testApp));

const app = () => fixture.testApp.app;
const variant = (index: number) => fixture.shop.variantIds[index] as string;

describe('a shipment delivered by the shop\'s courier', () => {
  it('takes a paid order to shipped at pick-up and to delivered at hand-over, keeping only newer positions and lowering the ETA', async () => {
    const order = await placePaidOrder(app(), fixture.shopper, fixture.shop.slug, variant(0), 2);
    const created = await createShipment(app(), owner, order.id, { courierId: courier.id, destination });
    expect(created.statusCode).toBe(201);
    const shipment = created.json();
    expect(shipment).toMatchObject({ orderId: order.id, carrier: 'own_fleet', status: 'label_created', courierId: courier.id, destination, lastPosition: null, etaAt: null });
    expect(shipment.lines).toEqual([expect.objectContaining({ orderLineId: order.lines[0]?.id, quantity: 2 })]);
    // A label is not a departure: the order waits.
    expect((await orderRow(app(), order.id)).status).toBe('paid');

    const base = new Date();
    const pickedUp = await postStatus(app(), courier, shipment.id, { status: 'picked_up', recordedAt: at(base, 1) });
    expect(pickedUp.statusCode).toBe(201);
    expect(pickedUp.json().shipment).toMatchObject({ status: 'picked_up', leftAt: at(base, 1) });
    expect(await orderRow(app(), order.id)).toMatchObject({ status: 'shipped', shipped_at: expect.any(Date) });

    const first = await postPosition(app(), courier, shipment.id, { ...route[0], accuracyMeters: 12, recordedAt: at(base, 10) });
    expect(first.statusCode).toBe(200);
    expect(first.json().applied).toBe(true);
    const firstEta = new Date(first.json().shipments[0].etaAt).getTime();
    const second = await postPosition(app(), courier, shipment.id, { ...route[2], recordedAt: at(base, 30) });
    expect(second.json().applied).toBe(true);
    const secondEta = new Date(second.json().shipments[0].etaAt).getTime();
    // Closer, later: the remaining distance shrinks, so does the time left after each fix.
    expect(secondEta - Date.parse(at(base, 30))).toBeLessThan(firstEta - Date.parse(at(base, 10)));
    expect(secondEta).toBeLessThan(firstEta + 1);

    // A fix older than the last one arrives late: accepted, but the last known position stays.
    const eventsBefore = (await tableCounts(app())).events;
    const stale = await postPosition(app(), courier, shipment.id, { ...route[1], recordedAt: at(base, 20) });
    expect(stale.statusCode).toBe(200);
    expect(stale.json()).toMatchObject({ applied: false, shipments: [expect.objectContaining({ lastPosition: { ...route[2], accuracyMeters: null, recordedAt: at(base, 30) } })] });
    expect((await tableCounts(app())).events).toBe(eventsBefore);
    // The same fix twice is harmless too.
    expect((await postPosition(app(), courier, shipment.id, { ...route[2], recordedAt: at(base, 30) })).json().applied).toBe(false);

    const delivered = await postStatus(app(), courier, shipment.id, { status: 'delivered', recordedAt: at(base, 40), message: 'Left with the concierge' });
    expect(delivered.statusCode).toBe(201);
    expect(delivered.json().shipment).toMatchObject({ status: 'delivered', deliveredAt: at(base, 40), etaAt: null });
    expect(await orderRow(app(), order.id)).toMatchObject({ status: 'delivered', delivered_at: expect.any(Date) });

    // The order went paid -> packed -> shipped -> delivered, each through its own event and outbox row.
    const { rows: events } = await app().database.pool.query(`select from_status, to_status, actor_type, data from order_event where order_id = $1 order by created_at, id`, [order.id]);
    expect(events.slice(2).map((event) => [event.from_status, event.to_status])).toEqual([
      ['paid', 'packed'],
      ['packed', 'shipped'],
      ['shipped', 'delivered'],
    ]);
    expect(events.at(-1)).toMatchObject({ actor_type: 'system', data: expect.objectContaining({ courierId: courier.id, shipmentId: shipment.id }) });
    const { rows: outbox } = await app().database.pool.query(`select type, aggregate_type, merchant_id, payload from outbox where aggregate_id in ($1, $2) order by sequence`, [order.id, shipment.id]);
    expect(outbox.map((row) => row.type)).toEqual([
      'order.placed',
      'order.paid',
      'shipment.tracking_event_recorded',
      'shipment.tracking_event_recorded',
      'order.packed',
      'order.shipped',
      'shipment.tracking_event_recorded',
      'shipment.tracking_event_recorded',
      'shipment.tracking_event_recorded',
      'order.delivered',
    ]);
    const positionEvent = outbox.filter((row) => row.type === 'shipment.tracking_event_recorded')[2];
    expect(positionEvent).toMatchObject({ aggregate_type: 'shipment', merchant_id: owner.merchantId });
    expect(positionEvent?.payload).toEqual({
      orderId: order.id,
      shopperId: fixture.shopper.shopperId,
      merchantId: owner.merchantId,
      shipmentId: shipment.id,
      trackingEventId: expect.any(String),
      status: 'picked_up',
      happenedAt: at(base, 10),
      message: '',
      position: route[0],
      etaAt: expect.any(String),
      applied: true,
    });

    // A late "out for delivery" from before the hand-over is history: the shipment stays delivered.
    const late = await postStatus(app(), courier, shipment.id, { status: 'out_for_delivery', recordedAt: at(base, 35) });
    expect(late.statusCode).toBe(201);
    expect(late.json()).toMatchObject({ event: { applied: false }, shipment: { status: 'delivered' } });
    expect((await orderRow(app(), order.id)).status).toBe('delivered');

    const shown = await app().inject({ method: 'GET', url: `/api/admin/shipments/${shipment.id}`, headers: owner.headers });
    expect(shown.json().events.map((event: { status: string; source: string; applied: boolean }) => [event.status, event.source, event.applied])).toEqual([
      ['label_created', 'merchant', true],
      ['picked_up', 'courier', true],
      ['picked_up', 'courier', true],
      ['picked_up', 'courier', true],
      ['out_for_delivery', 'courier', false],
      ['delivered', 'courier', true],
    ]);
  });

  it('delivers an order of two shipments only when both are delivered', async () => {
    const order = await placePaidCartOrder(app(), fixture.shopper, fixture.shop, [
      [variant(0), 1],
      [variant(1), 3],
    ]);
    const [teaLine, cupLine] = [order.lines.find((line) => line.variantId === variant(0)), order.lines.find((line) => line.variantId === variant(1))];
    const first = (await createShipment(app(), owner, order.id, { lines: [{ lineId: teaLine?.id, quantity: 1 }, { lineId: cupLine?.id, quantity: 1 }], courierId: courier.id })).json();
    const second = (await createShipment(app(), owner, order.id, { lines: [{ lineId: cupLine?.id, quantity: 2 }], courierId: courier.id })).json();
    const base = new Date();
    await postStatus(app(), courier, first.id, { status: 'picked_up', recordedAt: at(base, 1) });
    await postStatus(app(), courier, second.id, { status: 'picked_up', recordedAt: at(base, 2) });
    expect((await orderRow(app(), order.id)).status).toBe('shipped');

    expect((await postStatus(app(), courier, first.id, { status: 'delivered', recordedAt: at(base, 10) })).json().shipment.status).toBe('delivered');
    expect((await orderRow(app(), order.id)).status).toBe('shipped');
    expect((await postStatus(app(), courier, second.id, { status: 'delivered', recordedAt: at(base, 20) })).json().shipment.status).toBe('delivered');
    expect((await orderRow(app(), order.id)).status).toBe('delivered');
  });

  it('delivers the order exactly once when its two shipments are delivered at the same moment', async () => {
    const order = await placePaidCartOrder(app(), fixture.shopper, fixture.shop, [
      [variant(0), 1],
      [variant(1), 1],
    ]);
    const shipments = [];
    for (const line of order.lines) shipments.push((await createShipment(app(), owner, order.id, { lines: [{ lineId: line.id, quantity: 1 }], courierId: courier.id, status: 'picked_up' })).json());
    const recordedAt = new Date().toISOString();
    const responses = await Promise.all(shipments.map((shipment) => postStatus(app(), courier, shipment.id, { status: 'delivered', recordedAt })));
    expect(responses.map((response) => response.statusCode)).toEqual([201, 201]);
    expect((await orderRow(app(), order.id)).status).toBe('delivered');
    const { rows } = await app().database.pool.query(`select count(*)::int as count from order_event where order_id = $1 and to_status = 'delivered'`, [order.id]);
    expect(rows[0].count).toBe(1);
  });

  it('never ships more of a line than was ordered across shipments (422 naming the line) and stores nothing', async () => {
    const order = await placePaidOrder(app(), fixture.shopper, fixture.shop.slug, variant(1), 3);
    const lineId = order.lines[0]?.id;
    expect((await createShipment(app(), owner, order.id, { lines: [{ lineId, quantity: 2 }] })).statusCode).toBe(201);
    const before = await tableCounts(app());
    const response = await createShipment(app(), owner, order.id, { lines: [{ lineId, quantity: 2 }] });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'shipment_quantity_exceeded', errors: { 'lines.0.quantity': 'at most 1' } });
    const everything = await createShipment(app(), owner, order.id, {});
    expect(everything.json().lines).toEqual([expect.objectContaining({ orderLineId: lineId, quantity: 1 })]);
    const nothingLeft = await createShipment(app(), owner, order.id, {});
    expect(nothingLeft.statusCode).toBe(422);
    expect(nothingLeft.json().code).toBe('nothing_to_ship');
    expect((await tableCounts(app())).shipments).toBe(before.shipments + 1);
  });

  it('refuses a line of another order (400 naming it), an unpaid order (422) and another merchant\'s courier (400)', async () => {
    const order = await placePaidOrder(app(), fixture.shopper, fixture.shop.slug, variant(0));
    const other = await placePaidOrder(app(), fixture.shopper, fixture.shop.slug, variant(0));
    const before = await tableCounts(app());
    const foreignLine = await createShipment(app(), owner, order.id, { lines: [{ lineId: other.lines[0]?.id, quantity: 1 }] });
    expect(foreignLine.statusCode).toBe(400);
    expect(foreignLine.json().errors).toEqual({ 'lines.0.lineId': 'is not a line of this order' });

    const stranger = await createMerchantWithStaff(app(), 'owner');
    const strangersCourier = await createCourier(app(), stranger, 'Not yours');
    const foreignCourier = await createShipment(app(), owner, order.id, { courierId: strangersCourier.id });
    expect(foreignCourier.statusCode).toBe(400);
    expect(foreignCourier.json().errors).toEqual({ courierId: 'no such courier' });

    const unpaid = (await app().inject({ method: 'POST', url: `/api/store/shops/${fixture.shop.slug}/orders`, headers: fixture.shopper.headers, payload: { source: 'buy_now', variantId: variant(0) } })).json();
    const unpaidShipment = await createShipment(app(), owner, unpaid.id, {});
    expect(unpaidShipment.statusCode).toBe(422);
    expect(unpaidShipment.json().code).toBe('order_not_shippable');
    const strangersView = await createShipment(app(), stranger, order.id, {});
    expect(strangersView.statusCode).toBe(404);
    const after = await tableCounts(app());
    expect({ shipments: after.shipments, events: after.events }).toEqual({ shipments: before.shipments, events: before.events });
  });

  it('keeps the old ship verb: one shipment of everything, in transit, with the carrier and tracking number', async () => {
    const order = await placePaidOrder(app(), fixture.shopper, fixture.shop.slug, variant(1), 2);
    await app().inject({ method: 'POST', url: `/api/admin/orders/${order.id}/pack`, headers: owner.headers, payload: {} });
    const shipped = await app().inject({ method: 'POST', url: `/api/admin/orders/${order.id}/ship`, headers: owner.headers, payload: { carrier: 'DHL', trackingNumber: 'JD014600006' } });
    expect(shipped.statusCode).toBe(200);
    expect(shipped.json().status).toBe('shipped');
    const list = await app().inject({ method: 'GET', url: `/api/admin/shipments?filter=${encodeURIComponent(JSON.stringify({ orderId: order.id }))}`, headers: owner.headers });
    expect(list.headers['content-range']).toBe('shipments 0-0/1');
    expect(list.json()).toEqual([expect.objectContaining({ carrier: 'DHL', trackingNumber: 'JD014600006', status: 'in_transit', leftAt: expect.any(String) })]);

    // The same carrier and tracking number again is a conflict (carrier webhooks find shipments by them).
    const again = await placePaidOrder(app(), fixture.shopper, fixture.shop.slug, variant(1));
    const taken = await createShipment(app(), owner, again.id, { carrier: 'dhl', trackingNumber: 'JD014600006' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ code: 'tracking_number_taken', errors: { trackingNumber: expect.any(String) } });
  });

  it('lets the merchant record a tracking event by hand, once per source event id', async () => {
    const order = await placePaidOrder(app(), fixture.shopper, fixture.shop.slug, variant(0));
    const shipment = (await createShipment(app(), owner, order.id, { carrier: 'La Poste', trackingNumber: 'LP-778' })).json();
    const post = () =>
      app().inject({ method: 'POST', url: `/api/admin/shipments/${shipment.id}/events`, headers: owner.headers, payload: { status: 'in_transit', message: 'Handed to La Poste', sourceEventId: 'desk-1' } });
    const first = await post();
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ duplicate: false, event: { status: 'in_transit', source: 'merchant', applied: true }, shipment: { status: 'in_transit' } });
    expect((await orderRow(app(), order.id)).status).toBe('shipped');
    const before = await tableCounts(app());
    const again = await post();
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ duplicate: true, event: { id: first.json().event.id } });
    expect(await tableCounts(app())).toEqual(before);
  });
});

describe('the shopper\'s view of their shipments', () => {
  it('shows a shopper their order\'s shipments with the last position and ETA, and someone else\'s order as 404', async () => {
    const order = await placePaidOrder(app(), fixture.shopper, fixture.shop.slug, variant(0));
    const shipment = (await createShipment(app(), owner, order.id, { courierId: courier.id, destination, status: 'picked_up' })).json();
    const recordedAt = new Date().toISOString();
    await postPosition(app(), courier, shipment.id, { ...route[0], recordedAt });
    const response = await app().inject({ method: 'GET', url: `/api/store/orders/${order.id}/shipments`, headers: fixture.shopper.headers });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual([
      expect.objectContaining({ id: shipment.id, status: 'picked_up', lastPosition: { ...route[0], accuracyMeters: null, recordedAt }, etaAt: expect.any(String), lines: [expect.objectContaining({ quantity: 1 })] }),
    ]);
    const [shown] = response.json();
    expect(shown).not.toHaveProperty('courierId');
    expect(shown).not.toHaveProperty('merchantId');
    expect(shown.events.map((event: { status: string }) => event.status)).toEqual(['picked_up', 'picked_up']);
    expect(shown.events[0]).not.toHaveProperty('sourceEventId');
    const someoneElse = await createGuestShopper(app());
    const refused = await app().inject({ method: 'GET', url: `/api/store/orders/${order.id}/shipments`, headers: someoneElse.headers });
    expect(refused.statusCode).toBe(404);
    expect(refused.json().code).toBe('order_not_found');
  });
});

describe('shipments are the merchant\'s own', () => {
  it('answers another merchant 404 on every verb and leaves the shipment out of their list, changing nothing', async () => {
    const order = await placePaidOrder(app(), fixture.shopper, fixture.shop.slug, variant(0));
    const shipment = (await createShipment(app(), owner, order.id, { courierId: courier.id })).json();
    const stranger = await createMerchantWithStaff(app(), 'owner');
    const strangersCourier = await createCourier(app(), stranger, 'Intruder');
    const before = await tableCounts(app());
    const requests = [
      { method: 'GET', url: `/api/admin/shipments/${shipment.id}` },
      { method: 'POST', url: `/api/admin/shipments/${shipment.id}/courier`, payload: { courierId: strangersCourier.id } },
      { method: 'POST', url: `/api/admin/shipments/${shipment.id}/events`, payload: { status: 'delivered' } },
    ] as const;
    for (const request of requests) {
      const response = await app().inject({ ...request, headers: stranger.headers });
      expect(response.statusCode, request.url).toBe(404);
      expect(response.json().code).toBe('shipment_not_found');
    }
    const list = await app().inject({ method: 'GET', url: '/api/admin/shipments', headers: stranger.headers });
    expect(list.json()).toEqual([]);
    expect(list.headers['content-range']).toBe('shipments */0');
    expect(await tableCounts(app())).toEqual(before);
    expect((await app().inject({ method: 'GET', url: `/api/admin/shipments/${shipment.id}`, headers: owner.headers })).json()).toMatchObject({ courierId: courier.id, status: 'label_created' });
  });

  it('reassigns a shipment to another courier of the shop, who then sees it instead', async () => {
    const order = await placePaidOrder(app(), fixture.shopper, fixture.shop.slug, variant(0));
    const shipment = (await createShipment(app(), owner, order.id, { courierId: courier.id })).json();
    const reassigned = await app().inject({ method: 'POST', url: `/api/admin/shipments/${shipment.id}/courier`, headers: owner.headers, payload: { courierId: otherCourier.id } });
    expect(reassigned.statusCode).toBe(200);
    expect(reassigned.json().courierId).toBe(otherCourier.id);
    expect((await app().inject({ method: 'GET', url: `/api/courier/shipments/${shipment.id}`, headers: otherCourier.headers })).statusCode).toBe(200);
    expect((await app().inject({ method: 'GET', url: `/api/courier/shipments/${shipment.id}`, headers: courier.headers })).statusCode).toBe(404);
  });
});

describe('the courier API', () => {
  it('shows a courier only their own shipments: another courier\'s is a 404 to read or update, and nothing changes', async () => {
    const order = await placePaidOrder(app(), fixture.shopper, fixture.shop.slug, variant(0));
    const shipment = (await createShipment(app(), owner, order.id, { courierId: courier.id })).json();
    const mine = await app().inject({ method: 'GET', url: '/api/courier/shipments', headers: courier.headers });
    expect(mine.statusCode).toBe(200);
    expect(mine.json().shipments.map((item: { id: string }) => item.id)).toContain(shipment.id);
    expect(mine.json().shipments.find((item: { id: string }) => item.id === shipment.id)).toMatchObject({ orderNumber: expect.any(Number), deliveryAddress: null });
    const theirs = await app().inject({ method: 'GET', url: '/api/courier/shipments', headers: otherCourier.headers });
    expect(theirs.json().shipments.map((item: { id: string }) => item.id)).not.toContain(shipment.id);

    const before = await tableCounts(app());
    const now = new Date().toISOString();
    expect((await app().inject({ method: 'GET', url: `/api/courier/shipments/${shipment.id}`, headers: otherCourier.headers })).statusCode).toBe(404);
    expect((await postPosition(app(), otherCourier, shipment.id, { latitude: 48.85, longitude: 2.35, recordedAt: now })).statusCode).toBe(404);
    const status = await postStatus(app(), otherCourier, shipment.id, { status: 'delivered', recordedAt: now });
    expect(status.statusCode).toBe(404);
    expect(status.json().code).toBe('shipment_not_found');
    expect(await tableCounts(app())).toEqual(before);
    expect((await app().inject({ method: 'GET', url: `/api/courier/shipments/${shipment.id}`, headers: courier.headers })).statusCode).toBe(200);
  });

  it('refuses coordinates off the globe with 400 naming the field, and changes nothing', async () => {
    const order = await placePaidOrder(app(), fixture.shopper, fixture.shop.slug, variant(0));
    const shipment = (await createShipment(app(), owner, order.id, { courierId: courier.id })).json();
    const before = await tableCounts(app());
    const now = new Date().toISOString();
    for (const [payload, field] of [
      [{ latitude: 91, longitude: 2.35, recordedAt: now }, 'latitude'],
      [{ latitude: 48.85, longitude: -180.5, recordedAt: now }, 'longitude'],
      [{ latitude: '48.85', longitude: 2.35, recordedAt: now }, 'latitude'],
      [{ latitude: 48.85, longitude: 2.35, recordedAt: 'yesterday' }, 'recordedAt'],
      [{ latitude: 48.85, longitude: 2.35, recordedAt: new Date(Date.now() + 3_600_000).toISOString() }, 'recordedAt'],
      [{ latitude: 48.85, longitude: 2.35, accuracyMeters: -1, recordedAt: now }, 'accuracyMeters'],
    ] as const) {
      const response = await postPosition(app(), courier, shipment.id, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(Object.keys(response.json().errors)).toEqual([field]);
    }
    const oneCoordinate = await postStatus(app(), courier, shipment.id, { status: 'picked_up', recordedAt: now, latitude: 48.85 });
    expect(oneCoordinate.statusCode).toBe(400);
    expect(oneCoordinate.json().errors).toEqual({ longitude: 'is required with the other coordinate' });
    expect(await tableCounts(app())).toEqual(before);
  });

  it('needs a live courier token: none, a staff token and a rotated one are refused with 401', async () => {
    const rider = await createCourier(app(), owner, 'Rotating Rider');
    expect((await app().inject({ method: 'GET', url: '/api/courier/shipments' })).statusCode).toBe(401);
    expect((await app().inject({ method: 'GET', url: '/api/courier/shipments', headers: owner.headers })).statusCode).toBe(401);
    const rotated = await app().inject({ method: 'POST', url: `/api/admin/couriers/${rider.id}/token`, headers: owner.headers });
    expect(rotated.statusCode).toBe(201);
    const stale = await app().inject({ method: 'GET', url: '/api/courier/shipments', headers: rider.headers });
    expect(stale.statusCode).toBe(401);
    expect(stale.json().code).toBe('invalid_courier_token');
    expect((await app().inject({ method: 'GET', url: '/api/courier/shipments', headers: { authorization: `Bearer ${rotated.json().token}` } })).statusCode).toBe(200);
    // Only the hash is stored.
    const { rows } = await app().database.pool.query('select token_hash from courier where id = $1', [rider.id]);
    expect(rows[0].token_hash).not.toContain(rotated.json().token);
    expect(rows[0].token_hash).toMatch(/^[0-9a-f]{64}$/);

    // Retiring the courier revokes the token at once.
    expect((await app().inject({ method: 'DELETE', url: `/api/admin/couriers/${rider.id}`, headers: owner.headers })).json()).toMatchObject({ active: false });
    expect((await app().inject({ method: 'GET', url: '/api/courier/shipments', headers: { authorization: `Bearer ${rotated.json().token}` } })).statusCode).toBe(401);
  });

  it('posts one position for every shipment the courier has en route', async () => {
    const rider = await createCourier(app(), owner, 'Batch Rider');
    const shipments = [];
    for (let index = 0; index < 2; index += 1) {
      const order = await placePaidOrder(app(), fixture.shopper, fixture.shop.slug, variant(0));
      shipments.push((await createShipment(app(), owner, order.id, { courierId: rider.id, status: 'picked_up', destination })).json());
    }
    const response = await app().inject({ method: 'POST', url: '/api/courier/positions', headers: rider.headers, payload: { ...route[1], recordedAt: new Date().toISOString() } });
    expect(response.statusCode).toBe(200);
    expect(response.json().applied).toBe(true);
    expect(response.json().shipments.map((shipment: { id: string }) => shipment.id).sort()).toEqual(shipments.map((shipment) => shipment.id).sort());
    expect(response.json().shipments.every((shipment: { lastPosition: unknown; etaAt: unknown }) => shipment.lastPosition !== null && shipment.etaAt !== null)).toBe(true);
  });
});

describe('the delivery address a courier sees', () => {
  const doorstep = { recipient: 'Ada Lovelace', phone: '+33 1 55 55 01 99', line1: '1 rue de Rivoli', line2: 'Code 1234', city: 'Paris', postalCode: '75001', country: 'FR', position: destination };

  /** A paid order delivered to `doorstep` (with its shared position), through checkout and the wallet. */
  async function paidDeliveryOrder(): Promise<{ id: string }> {
    const configured = await app().inject({
      method: 'PUT',
      url: `/api/admin/shops/${fixture.shop.shopId}`,
      headers: owner.headers,
      payload: { fulfilmentMethods: ['pickup', 'delivery'], delivery: { fee: { kind: 'flat', feeMinor: 300 }, area: { countries: ['FR'] } } },
    });
    expect(configured.statusCode, configured.body).toBe(200);
    const placed = await checkout(app(), fixture.shopper, fixture.shop.slug, { source: 'buy_now', variantId: variant(0), quantity: 1, fulfilmentMethod: 'delivery', address: doorstep });
    expect(placed.statusCode, placed.body).toBe(201);
    await fundWallet(app(), fixture.shopper.shopperId, placed.json().totalMinor);
    expect((await pay(app(), fixture.shopper, placed.json().id)).statusCode).toBe(200);
    return placed.json();
  }

  it("shows the assigned courier the order's address snapshot, aims the shipment at its position so the ETA works, and hides it from other couriers", async () => {
    const order = await paidDeliveryOrder();
    // No destination named: it comes from the address's position.
    const created = await createShipment(app(), owner, order.id, { courierId: courier.id, status: 'label_created' });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ destination, etaAt: null });
    const shipmentId = created.json().id;

    const mine = await app().inject({ method: 'GET', url: `/api/courier/shipments/${shipmentId}`, headers: courier.headers });
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json().deliveryAddress).toEqual(doorstep);
    const listed = (await app().inject({ method: 'GET', url: '/api/courier/shipments', headers: courier.headers })).json();
    expect(listed.shipments.find((item: { id: string }) => item.id === shipmentId).deliveryAddress).toEqual(doorstep);

    // Another courier of the same shop: no such shipment, in the list or alone.
    const theirs = await app().inject({ method: 'GET', url: `/api/courier/shipments/${shipmentId}`, headers: otherCourier.headers });
    expect(theirs.statusCode).toBe(404);
    expect(theirs.body).not.toContain('Rivoli');
    const theirList = await app().inject({ method: 'GET', url: '/api/courier/shipments', headers: otherCourier.headers });
    expect(theirList.body).not.toContain('Rivoli');

    // The first position gives an ETA towards the address: 1.6 km at 25 km/h is about 3.8 minutes.
    const start = new Date(Date.now() - 60_000);
    expect((await postStatus(app(), courier, shipmentId, { status: 'picked_up', recordedAt: at(start, 0) })).statusCode).toBe(201);
    const positioned = await postPosition(app(), courier, shipmentId, { ...route[0], recordedAt: at(start, 10) });
    expect(positioned.statusCode, positioned.body).toBe(200);
    const shipment = positioned.json().shipments[0];
    const etaMinutes = (Date.parse(shipment.etaAt) - Date.parse(at(start, 10))) / 60_000;
    expect(etaMinutes).toBeGreaterThan(3.5);
    expect(etaMinutes).toBeLessThan(4.2);
  });
});

describe('couriers in the console', () => {
  it('lists the merchant\'s couriers and hides them from other merchants', async () => {
    const list = await app().inject({ method: 'GET', url: `/api/admin/couriers?filter=${encodeURIComponent(JSON.stringify({ q: 'ada' }))}`, headers: owner.headers });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual([expect.objectContaining({ id: courier.id, name: 'Ada Rider', active: true, tokenIssuedAt: expect.any(String) })]);
    expect(list.json()[0]).not.toHaveProperty('tokenHash');
    const stranger = await createMerchantWithStaff(app(), 'owner');
    expect((await app().inject({ method: 'GET', url: `/api/admin/couriers/${courier.id}`, headers: stranger.headers })).statusCode).toBe(404);
    expect((await app().inject({ method: 'POST', url: `/api/admin/couriers/${courier.id}/token`, headers: stranger.headers })).statusCode).toBe(404);
    const clerk = await createMerchantWithStaff(app(), 'clerk', owner.merchantId);
    expect((await app().inject({ method: 'POST', url: '/api/admin/couriers', headers: clerk.headers, payload: { name: 'Nope' } })).statusCode).toBe(403);
    const shopper = await createGuestShopper(app());
    expect((await app().inject({ method: 'GET', url: '/api/admin/couriers', headers: shopper.headers })).statusCode).toBe(401);
  });
});

describe('the courier page', () => {
  it('serves a phone-sized HTML page with labelled controls and its script from this origin', async () => {
    const page = await app().inject({ method: 'GET', url: '/courier' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(page.body).toContain('<label for="token">Courier token</label>');
    expect(page.body).toContain('<script src="/courier/courier.js" defer></script>');
    const script = await app().inject({ method: 'GET', url: '/courier/courier.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    expect(script.body).toContain('navigator.geolocation.watchPosition');
    expect(script.body).toContain("'/api/courier'");
  });
});
