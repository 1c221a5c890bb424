import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../../db/src/ids.ts';
import type { TestApp } from '../../helpers/app.ts';
import { checkout, closeOrdersFixture, countRows, createOrdersFixture, escrowBalanceMinor, fundWallet, pay, placePaidOrder, stockOf, walletBalanceMinor } from '../../helpers/orders.ts';
import { createGuestShopper, type ShopperSession, type StoreFixture } from '../../helpers/shoppers.ts';
import { createMerchantWithStaff, type StaffSession } from '../../helpers/staff.ts';

let testApp: TestApp;
let owner: StaffSession;
let shop: StoreFixture;
let shopper: ShopperSession;

beforeAll(async () => {
  ({ testApp, owner, shop, shopper } = await createOrdersFixture([
    { priceMinor: 1000, stockOnHand: 500, title: 'Tin' },
    { priceMinor: 250, stockOnHand: 500, title: 'Sachet' },
  ]));
});
afterAll(() => closeOrdersFixture(testApp));

const tin = () => shop.variantIds[0] as string;
const sachet = () => shop.variantIds[1] as string;

/** Refunds require an Idempotency-Key: each POST gets a fresh one unless the test names its own. */
function post(url: string, session: StaffSession = owner, payload: object = {}, headers: Record<string, string> = {}) {
  return testApp.app.inject({ method: 'POST', url, headers: { ...session.headers, 'idempotency-key': newId(), ...headers }, payload });
}

/** A paid order of 2 tins and 4 sachets (3,000 in all), paid from the shopper's wallet. */
async function paidCartOrder(buyer: ShopperSession = shopper) {
  for (const [variantId, quantity] of [[tin(), 2], [sachet(), 4]] as const) {
    await testApp.app.inject({ method: 'PUT', url: `/api/store/shops/${shop.slug}/cart/lines/${variantId}`, headers: buyer.headers, payload: { quantity } });
  }
  const placed = (await checkout(testApp.app, buyer, shop.slug, { source: 'cart' })).json();
  await fundWallet(testApp.app, buyer.shopperId, placed.totalMinor);
  const paid = await pay(testApp.app, buyer, placed.id);
  expect(paid.statusCode).toBe(200);
  return paid.json() as { id: string; totalMinor: number; lines: { id: string; variantId: string; quantity: number; unitPriceMinor: number }[] };
}

describe('GET /api/admin/orders (simple-rest)', () => {
  it('lists, filters, sorts and pages with a Content-Range header', async () => {
    const unpaid = (await checkout(testApp.app, shopper, shop.slug, { source: 'buy_now', variantId: tin() })).json();
    const paid = await placePaidOrder(testApp.app, shopper, shop.slug, sachet(), 2);

    const all = await testApp.app.inject({ method: 'GET', url: '/api/admin/orders?sort=["number","ASC"]&range=[0,9]', headers: owner.headers });
    expect(all.statusCode).toBe(200);
    expect(all.headers['content-range']).toMatch(/^orders 0-\d+\/\d+$/);
    const numbers = all.json().map((order: { number: number }) => order.number);
    expect(numbers).toEqual([...numbers].sort((left, right) => left - right));

    const byStatus = await testApp.app.inject({ method: 'GET', url: `/api/admin/orders?filter=${encodeURIComponent(JSON.stringify({ status: 'paid', shopperId: shopper.shopperId }))}`, headers: owner.headers });
    expect(byStatus.json().map((order: { id: string }) => order.id)).toContain(paid.id);
    expect(byStatus.json().every((order: { status: string }) => order.status === 'paid')).toBe(true);

    const byNumber = await testApp.app.inject({ method: 'GET', url: `/api/admin/orders?filter=${encodeURIComponent(JSON.stringify({ q: `#${unpaid.number}` }))}`, headers: owner.headers });
    expect(byNumber.json().map((order: { id: string }) => order.id)).toEqual([unpaid.id]);
    expect(byNumber.headers['content-range']).toBe('orders 0-0/1');

    const many = await testApp.app.inject({ method: 'GET', url: `/api/admin/orders?filter=${encodeURIComponent(JSON.stringify({ id: [unpaid.id, paid.id] }))}`, headers: owner.headers });
    expect(many.json().map((order: { id: string }) => order.id).sort()).toEqual([unpaid.id, paid.id].sort());
  });

  it('refuses an unknown filter or sort field with 400', async () => {
    for (const query of ['filter={"colour":"red"}', 'sort=["idempotencyKey","ASC"]', 'filter={"status":"lost"}']) {
      const response = await testApp.app.inject({ method: 'GET', url: `/api/admin/orders?${query}`, headers: owner.headers });
      expect(response.statusCode, query).toBe(400);
    }
  });

  it('shows one order with its lines and its history', async () => {
    const paid = await paidCartOrder();
    const response = await testApp.app.inject({ method: 'GET', url: `/api/admin/orders/${paid.id}`, headers: owner.headers });
    expect(response.statusCode).toBe(200);
    const order = response.json();
    expect(order).toMatchObject({ id: paid.id, status: 'paid', totalMinor: 3000, refunds: [] });
    expect(order.lines).toHaveLength(2);
    expect(order.events.map((event: { fromStatus: string | null; toStatus: string; actorType: string }) => [event.fromStatus, event.toStatus, event.actorType])).toEqual([
      [null, 'pending_payment', 'shopper'],
      ['pending_payment', 'paid', 'shopper'],
    ]);
    expect(order).not.toHaveProperty('idempotencyRequest');
  });

  it("hides another merchant's orders: 404 for every verb, and absent from lists", async () => {
    const paid = await placePaidOrder(testApp.app, shopper, shop.slug, tin());
    const stranger = await createMerchantWithStaff(testApp.app, 'owner');
    for (const [method, url, payload] of [
      ['GET', `/api/admin/orders/${paid.id}`, undefined],
      ['POST', `/api/admin/orders/${paid.id}/pack`, {}],
      ['POST', `/api/admin/orders/${paid.id}/ship`, {}],
      ['POST', `/api/admin/orders/${paid.id}/cancel`, {}],
      ['POST', `/api/admin/orders/${paid.id}/refunds`, {}],
    ] as const) {
      const response = await testApp.app.inject({ method, url, headers: { ...stranger.headers, 'idempotency-key': newId() }, ...(payload ? { payload } : {}) });
      expect(response.statusCode, `${method} ${url}`).toBe(404);
    }
    const list = await testApp.app.inject({ method: 'GET', url: '/api/admin/orders', headers: stranger.headers });
    expect(list.json()).toEqual([]);
    expect((await testApp.app.inject({ method: 'GET', url: `/api/admin/orders/${paid.id}`, headers: owner.headers })).json().status).toBe('paid');
  });

  it('needs a staff token: 401 without one and for a shopper token', async () => {
    expect((await testApp.app.inject({ method: 'GET', url: '/api/admin/orders' })).statusCode).toBe(401);
    expect((await testApp.app.inject({ method: 'GET', url: '/api/admin/orders', headers: shopper.headers })).statusCode).toBe(401);
  });
});

describe('fulfilment: pack and ship', () => {
  it('moves a paid order to packed then shipped, each step an event with the staff member', async () => {
    const paid = await placePaidOrder(testApp.app, shopper, shop.slug, tin());
    const clerk = await createMerchantWithStaff(testApp.app, 'clerk', owner.merchantId);
    const packed = await post(`/api/admin/orders/${paid.id}/pack`, clerk, { note: 'boxed' });
    expect(packed.statusCode).toBe(200);
    expect(packed.json()).toMatchObject({ status: 'packed', packedAt: expect.any(String) });
    const shipped = await post(`/api/admin/orders/${paid.id}/ship`, clerk, { carrier: 'DHL', trackingNumber: 'JD0001' });
    expect(shipped.statusCode).toBe(200);
    expect(shipped.json()).toMatchObject({ status: 'shipped', shippedAt: expect.any(String) });
    const events = shipped.json().events.slice(-2);
    expect(events).toEqual([
      expect.objectContaining({ fromStatus: 'paid', toStatus: 'packed', actorType: 'staff', actorId: clerk.userId, note: 'boxed' }),
      expect.objectContaining({ fromStatus: 'packed', toStatus: 'shipped', actorType: 'staff', actorId: clerk.userId, data: { carrier: 'DHL', trackingNumber: 'JD0001' } }),
    ]);
    const { rows } = await testApp.database.pool.query(`select type from outbox where aggregate_id = $1 order by sequence`, [paid.id]);
    expect(rows.map((row) => row.type)).toEqual(['order.placed', 'order.paid', 'order.packed', 'order.shipped']);
  });

  it('refuses steps out of order with 409 and changes nothing: pack unpaid, ship unpacked, pack twice', async () => {
    const unpaid = (await checkout(testApp.app, shopper, shop.slug, { source: 'buy_now', variantId: tin() })).json();
    const paid = await placePaidOrder(testApp.app, shopper, shop.slug, tin());
    const events = await countRows(testApp.app, 'order_event');
    for (const [url, status] of [
      [`/api/admin/orders/${unpaid.id}/pack`, 'pending_payment'],
      [`/api/admin/orders/${paid.id}/ship`, 'paid'],
    ] as const) {
      const response = await post(url);
      expect(response.statusCode, url).toBe(409);
      expect(response.json()).toMatchObject({ code: 'invalid_order_transition', errors: { status: `is ${status}` } });
    }
    expect(await countRows(testApp.app, 'order_event')).toBe(events);
    // A verb without a body is a verb without a note.
    const packed = await testApp.app.inject({ method: 'POST', url: `/api/admin/orders/${paid.id}/pack`, headers: owner.headers });
    expect(packed.statusCode).toBe(200);
    expect((await post(`/api/admin/orders/${paid.id}/pack`)).statusCode).toBe(409);
  });

  it('lets no finance role pack and no clerk refund or cancel (403)', async () => {
    const paid = await placePaidOrder(testApp.app, shopper, shop.slug, tin());
    const finance = await createMerchantWithStaff(testApp.app, 'finance', owner.merchantId);
    const clerk = await createMerchantWithStaff(testApp.app, 'clerk', owner.merchantId);
    expect((await post(`/api/admin/orders/${paid.id}/pack`, finance)).statusCode).toBe(403);
    expect((await post(`/api/admin/orders/${paid.id}/refunds`, clerk)).statusCode).toBe(403);
    expect((await post(`/api/admin/orders/${paid.id}/cancel`, clerk)).statusCode).toBe(403);
    expect((await testApp.app.inject({ method: 'GET', url: `/api/admin/orders/${paid.id}`, headers: clerk.headers })).json().status).toBe('paid');
  });
});

describe('cancel by the merchant (POST /api/admin/orders/:id/cancel)', () => {
  it('cancels an unpaid order and releases its reservation', async () => {
    const unpaid = (await checkout(testApp.app, shopper, shop.slug, { source: 'buy_now', variantId: tin(), quantity: 3 })).json();
    const before = await stockOf(testApp.app, tin());
    const response = await post(`/api/admin/orders/${unpaid.id}/cancel`, owner, { note: 'customer called' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'cancelled', cancellationReason: 'merchant', refundedMinor: 0, refunds: [] });
    expect(await stockOf(testApp.app, tin())).toEqual({ onHand: before.onHand, reserved: before.reserved - 3 });
  });

  it('cancels a packed order with a full refund to the wallet and the goods back in stock', async () => {
    const buyer = await createGuestShopper(testApp.app);
    const paid = await paidCartOrder(buyer);
    expect((await post(`/api/admin/orders/${paid.id}/pack`)).statusCode).toBe(200);
    const tinBefore = await stockOf(testApp.app, tin());
    const sachetBefore = await stockOf(testApp.app, sachet());
    const escrowBefore = await escrowBalanceMinor(testApp.app);

    const response = await post(`/api/admin/orders/${paid.id}/cancel`, owner, { note: 'out of boxes' });
    expect(response.statusCode).toBe(200);
    const order = response.json();
    expect(order).toMatchObject({ status: 'cancelled', cancellationReason: 'merchant', refundedMinor: 3000 });
    expect(order.refunds).toEqual([expect.objectContaining({ amountMinor: 3000, method: 'wallet', status: 'succeeded', restocked: true, actorId: owner.userId })]);
    expect(order.lines.every((line: { refundedQuantity: number; quantity: number }) => line.refundedQuantity === line.quantity)).toBe(true);
    expect(order.events.slice(-2).map((event: { type: string; toStatus: string }) => [event.type, event.toStatus])).toEqual([
      ['refunded', 'packed'],
      ['status_changed', 'cancelled'],
    ]);
    expect(await walletBalanceMinor(testApp.app, buyer.shopperId)).toBe(3000);
    expect(await escrowBalanceMinor(testApp.app)).toBe(escrowBefore - 3000);
    expect(await stockOf(testApp.app, tin())).toEqual({ onHand: tinBefore.onHand + 2, reserved: tinBefore.reserved });
    expect(await stockOf(testApp.app, sachet())).toEqual({ onHand: sachetBefore.onHand + 4, reserved: sachetBefore.reserved });
    const { rows } = await testApp.database.pool.query(`select reason, quantity_delta from stock_movement where variant_id = $1 order by created_at desc limit 1`, [tin()]);
    expect(rows[0]).toEqual({ reason: 'return', quantity_delta: 2 });
  });

  it('refuses to cancel a shipped order (409) and changes nothing', async () => {
    const buyer = await createGuestShopper(testApp.app);
    const paid = await placePaidOrder(testApp.app, buyer, shop.slug, tin());
    await post(`/api/admin/orders/${paid.id}/pack`);
    await post(`/api/admin/orders/${paid.id}/ship`);
    const walletBefore = await walletBalanceMinor(testApp.app, buyer.shopperId);
    const refunds = await countRows(testApp.app, 'order_refund');
    const response = await post(`/api/admin/orders/${paid.id}/cancel`);
    expect(response.statusCode).toBe(409);
    expect(response.json().code).toBe('invalid_order_transition');
    expect(await walletBalanceMinor(testApp.app, buyer.shopperId)).toBe(walletBefore);
    expect(await countRows(testApp.app, 'order_refund')).toBe(refunds);
  });
});

describe('refunds (POST /api/admin/orders/:id/refunds)', () => {
  it('refunds one line in part: the order is partially refunded, the wallet credited, the units restocked', async () => {
    const buyer = await createGuestShopper(testApp.app);
    const paid = await paidCartOrder(buyer);
    const sachetLine = paid.lines.find((line) => line.variantId === sachet()) as { id: string };
    const sachetBefore = await stockOf(testApp.app, sachet());
    const response = await post(`/api/admin/orders/${paid.id}/refunds`, owner, { lines: [{ lineId: sachetLine.id, quantity: 3 }], reason: 'crushed' });
    expect(response.statusCode).toBe(201);
    const order = response.json();
    expect(order).toMatchObject({ status: 'partially_refunded', refundedMinor: 750 });
    expect(order.lines.find((line: { id: string }) => line.id === sachetLine.id)).toMatchObject({ refundedQuantity: 3, refundedMinor: 750 });
    expect(order.refunds).toEqual([
      expect.objectContaining({ amountMinor: 750, reason: 'crushed', lines: [{ lineId: sachetLine.id, quantity: 3, amountMinor: 750 }], restocked: true }),
    ]);
    expect(order.events.at(-1)).toMatchObject({ type: 'refunded', fromStatus: 'paid', toStatus: 'partially_refunded', actorId: owner.userId, data: expect.objectContaining({ amountMinor: 750 }) });
    expect(await walletBalanceMinor(testApp.app, buyer.shopperId)).toBe(750);
    expect(await stockOf(testApp.app, sachet())).toEqual({ onHand: sachetBefore.onHand + 3, reserved: sachetBefore.reserved });

    // The rest still ships, and the rest can still be refunded, by amount, until nothing remains.
    expect((await post(`/api/admin/orders/${paid.id}/pack`)).json().status).toBe('packed');
    expect((await post(`/api/admin/orders/${paid.id}/ship`)).json().status).toBe('shipped');
    const byAmount = await post(`/api/admin/orders/${paid.id}/refunds`, owner, { amountMinor: 250 });
    expect(byAmount.json()).toMatchObject({ status: 'partially_refunded', refundedMinor: 1000 });
    expect(byAmount.json().refunds.at(-1)).toMatchObject({ amountMinor: 250, lines: [], restocked: false });
    const rest = await post(`/api/admin/orders/${paid.id}/refunds`, owner, {});
    expect(rest.json()).toMatchObject({ status: 'refunded', refundedMinor: 3000 });
    expect(rest.json().refunds.at(-1)).toMatchObject({ amountMinor: 2000, restocked: false });
    expect(await walletBalanceMinor(testApp.app, buyer.shopperId)).toBe(3000);
    const nothingLeft = await post(`/api/admin/orders/${paid.id}/refunds`, owner, { amountMinor: 1 });
    expect(nothingLeft.statusCode).toBe(409);
  });

  it('refunds a whole order with an empty body: refunded, and the payment reversed in the ledger', async () => {
    const buyer = await createGuestShopper(testApp.app);
    const paid = await placePaidOrder(testApp.app, buyer, shop.slug, tin(), 2);
    const response = await post(`/api/admin/orders/${paid.id}/refunds`);
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ status: 'refunded', refundedMinor: 2000 });
    const { rows } = await testApp.database.pool.query(
      `select refund.amount_minor, refund.corrects_id = payment.id as reverses_payment
         from ledger_transfer refund join ledger_transfer payment on payment.reference_id = $1 and payment.reason = 'order_payment'
        where refund.reason = 'refund' and refund.reference_id = $1`,
      [paid.id],
    );
    expect(rows).toEqual([{ amount_minor: 2000, reverses_payment: true }]);
  });

  it('refuses a refund larger than what remains (422) or of a foreign line (400), and changes nothing', async () => {
    const buyer = await createGuestShopper(testApp.app);
    const paid = await paidCartOrder(buyer);
    const tinLine = paid.lines.find((line) => line.variantId === tin()) as { id: string };
    const before = { refunds: await countRows(testApp.app, 'order_refund'), transfers: await countRows(testApp.app, 'ledger_transfer'), wallet: await walletBalanceMinor(testApp.app, buyer.shopperId) };
    for (const [payload, status, field] of [
      [{ amountMinor: 3001 }, 422, 'amountMinor'],
      [{ lines: [{ lineId: tinLine.id, quantity: 3 }] }, 422, 'lines.0.quantity'],
      [{ lines: [{ lineId: newId(), quantity: 1 }] }, 400, 'lines.0.lineId'],
      [{ lines: [{ lineId: tinLine.id, quantity: 1 }, { lineId: tinLine.id, quantity: 1 }] }, 400, 'lines.1.lineId'],
      [{ lines: [{ lineId: tinLine.id, quantity: 1 }], amountMinor: 5 }, 400, 'amountMinor'],
      [{ amountMinor: 0 }, 400, 'amountMinor'],
    ] as const) {
      const response = await post(`/api/admin/orders/${paid.id}/refunds`, owner, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(status);
      expect(Object.keys(response.json().errors ?? {}), JSON.stringify(payload)).toContain(field);
    }
    expect({ refunds: await countRows(testApp.app, 'order_refund'), transfers: await countRows(testApp.app, 'ledger_transfer'), wallet: await walletBalanceMinor(testApp.app, buyer.shopperId) }).toEqual(before);
    expect((await testApp.app.inject({ method: 'GET', url: `/api/admin/orders/${paid.id}`, headers: owner.headers })).json()).toMatchObject({ status: 'paid', refundedMinor: 0 });
  });

  it('refuses to refund an unpaid or cancelled order (409)', async () => {
    const unpaid = (await checkout(testApp.app, shopper, shop.slug, { source: 'buy_now', variantId: tin() })).json();
    expect((await post(`/api/admin/orders/${unpaid.id}/refunds`)).statusCode).toBe(409);
    await post(`/api/admin/orders/${unpaid.id}/cancel`);
    expect((await post(`/api/admin/orders/${unpaid.id}/refunds`)).statusCode).toBe(409);
  });

  it('answers concurrent retries of a refund with the same Idempotency-Key with the first answer, refunding once, and a changed body with 409 naming the field', async () => {
    const buyer = await createGuestShopper(testApp.app);
    const paid = await placePaidOrder(testApp.app, buyer, shop.slug, tin(), 3);
    const key = `refund-${newId()}`;
    const responses = await Promise.all(Array.from({ length: 5 }, () => post(`/api/admin/orders/${paid.id}/refunds`, owner, { amountMinor: 500 }, { 'idempotency-key': key })));
    expect(responses.map((response) => response.statusCode)).toEqual([201, 201, 201, 201, 201]);
    expect(responses.filter((response) => response.headers['idempotent-replayed'] === 'true')).toHaveLength(4);
    expect(await walletBalanceMinor(testApp.app, buyer.shopperId)).toBe(500);
    const changed = await post(`/api/admin/orders/${paid.id}/refunds`, owner, { amountMinor: 600 }, { 'idempotency-key': key });
    expect(changed.statusCode).toBe(409);
    expect(changed.json()).toMatchObject({ code: 'idempotency_key_reused', errors: { amountMinor: expect.any(String) } });
    expect(await walletBalanceMinor(testApp.app, buyer.shopperId)).toBe(500);
  });
});
