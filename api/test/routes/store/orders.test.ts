import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../../db/src/ids.ts';
import { LedgerService } from '../../../../db/src/modules/ledger/ledger.service.ts';
import { OrderPaymentService } from '../../../../db/src/modules/orders/order-payment.service.ts';
import type { TestApp } from '../../helpers/app.ts';
import { checkout, closeOrdersFixture, countRows, createOrdersFixture, escrowBalanceMinor, fundWallet, pay, stockOf, walletBalanceMinor } from '../../helpers/orders.ts';
import { addProduct, createGuestShopper, createStoreFixture, type ShopperSession, type StoreFixture } from '../../helpers/shoppers.ts';
import type { StaffSession } from '../../helpers/staff.ts';

let testApp: TestApp;
let owner: StaffSession;
let shop: StoreFixture;
let shopper: ShopperSession;

beforeAll(async () => {
  ({ testApp, owner, shop, shopper } = await createOrdersFixture([
    { priceMinor: 1299, stockOnHand: 1000, title: '100 g' },
    { priceMinor: 450, stockOnHand: 3, title: 'Sample' },
  ]));
});
afterAll(() => closeOrdersFixture(testApp));

const first = () => shop.variantIds[0] as string;
const second = () => shop.variantIds[1] as string;

async function snapshot() {
  return {
    orders: await countRows(testApp.app, 'shop_order'),
    events: await countRows(testApp.app, 'order_event'),
    outbox: await countRows(testApp.app, 'outbox'),
    movements: await countRows(testApp.app, 'stock_movement'),
    transfers: await countRows(testApp.app, 'ledger_transfer'),
    first: await stockOf(testApp.app, first()),
    second: await stockOf(testApp.app, second()),
  };
}

describe('checkout (POST /api/store/shops/:slug/orders)', () => {
  it('turns a "buy now" line into an order awaiting payment, priced from the catalog, with its stock reserved', async () => {
    const before = await stockOf(testApp.app, first());
    const response = await checkout(testApp.app, shopper, shop.slug, { source: 'buy_now', variantId: first(), quantity: 2 });
    expect(response.statusCode).toBe(201);
    const order = response.json();
    expect(order).toMatchObject({
      status: 'pending_payment',
      shopId: shop.shopId,
      shopperId: shopper.shopperId,
      currency: 'EUR',
      itemCount: 2,
      totalMinor: 2598,
      source: 'buy_now',
      paymentMethod: null,
      lines: [{ variantId: first(), productId: shop.productId, variantTitle: '100 g', unitPriceMinor: 1299, quantity: 2, lineTotalMinor: 2598 }],
    });
    expect(Date.parse(order.paymentDueAt) - Date.parse(order.createdAt)).toBeGreaterThanOrEqual(899_000);
    expect(await stockOf(testApp.app, first())).toEqual({ onHand: before.onHand, reserved: before.reserved + 2 });

    const { rows: events } = await testApp.database.pool.query('select from_status, to_status, actor_type, actor_id from order_event where order_id = $1', [order.id]);
    expect(events).toEqual([{ from_status: null, to_status: 'pending_payment', actor_type: 'shopper', actor_id: shopper.shopperId }]);
    const { rows: outbox } = await testApp.database.pool.query('select type, jobs from outbox where aggregate_id = $1', [order.id]);
    // No job per order: the timeout reads unpaid orders from the database (order.expire_overdue).
    expect(outbox).toEqual([{ type: 'order.placed', jobs: [] }]);
  });

  it('checks out the whole cart, ignoring any price a client might send, and empties the cart', async () => {
    const cartShopper = await createGuestShopper(testApp.app);
    for (const [variantId, quantity] of [[first(), 1], [second(), 2]] as const) {
      const line = await testApp.app.inject({ method: 'PUT', url: `/api/store/shops/${shop.slug}/cart/lines/${variantId}`, headers: cartShopper.headers, payload: { quantity } });
      expect(line.statusCode).toBe(200);
    }
    const response = await checkout(testApp.app, cartShopper, shop.slug, { source: 'cart', totalMinor: 1, unitPriceMinor: 1 });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ source: 'cart', itemCount: 3, totalMinor: 1299 + 900 });
    expect(response.json().lines.map((line: { variantId: string; quantity: number }) => [line.variantId, line.quantity])).toEqual([[first(), 1], [second(), 2]]);
    const cart = await testApp.app.inject({ method: 'GET', url: `/api/store/shops/${shop.slug}/cart`, headers: cartShopper.headers });
    expect(cart.json()).toMatchObject({ lines: [], itemCount: 0 });
  });

  it('orders a cart once when two checkouts of it (different keys) race: the second finds it emptied', async () => {
    for (let round = 0; round < 5; round += 1) {
      const cartShopper = await createGuestShopper(testApp.app);
      for (const [variantId, quantity] of [[first(), 2], [second(), 1]] as const) {
        const line = await testApp.app.inject({ method: 'PUT', url: `/api/store/shops/${shop.slug}/cart/lines/${variantId}`, headers: cartShopper.headers, payload: { quantity } });
        expect(line.statusCode).toBe(200);
      }
      const before = { first: await stockOf(testApp.app, first()), second: await stockOf(testApp.app, second()) };
      const responses = await Promise.all([newId(), newId()].map((key) => checkout(testApp.app, cartShopper, shop.slug, { source: 'cart' }, key)));
      expect(responses.map((response) => response.statusCode).sort()).toEqual([201, 422]);
      expect(responses.find((response) => response.statusCode === 422)?.json().code).toBe('cart_empty');
      expect(await stockOf(testApp.app, first())).toEqual({ onHand: before.first.onHand, reserved: before.first.reserved + 2 });
      expect(await stockOf(testApp.app, second())).toEqual({ onHand: before.second.onHand, reserved: before.second.reserved + 1 });
      const placed = responses.find((response) => response.statusCode === 201)?.json();
      const cancelled = await testApp.app.inject({ method: 'POST', url: `/api/store/orders/${placed.id}/cancel`, headers: cartShopper.headers });
      expect(cancelled.statusCode).toBe(200);
    }
  });

  it('refuses an empty cart with 422 cart_empty', async () => {
    const emptyShopper = await createGuestShopper(testApp.app);
    const response = await checkout(testApp.app, emptyShopper, shop.slug, { source: 'cart' });
    expect(response.statusCode).toBe(422);
    expect(response.json().code).toBe('cart_empty');
  });

  it('refuses more than the available stock with 422 naming the field, and changes nothing', async () => {
    const before = await snapshot();
    const response = await checkout(testApp.app, shopper, shop.slug, { source: 'buy_now', variantId: second(), quantity: 4 });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'insufficient_stock', errors: { quantity: expect.stringMatching(/available/) } });
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a cart whose line exceeds the stock, naming that line, and keeps the cart', async () => {
    const cartShopper = await createGuestShopper(testApp.app);
    await testApp.app.inject({ method: 'PUT', url: `/api/store/shops/${shop.slug}/cart/lines/${first()}`, headers: cartShopper.headers, payload: { quantity: 1 } });
    await testApp.app.inject({ method: 'PUT', url: `/api/store/shops/${shop.slug}/cart/lines/${second()}`, headers: cartShopper.headers, payload: { quantity: 1 } });
    // Someone else buys what is left of the second variant.
    const available = (await stockOf(testApp.app, second())).onHand - (await stockOf(testApp.app, second())).reserved;
    const rival = await createGuestShopper(testApp.app);
    expect((await checkout(testApp.app, rival, shop.slug, { source: 'buy_now', variantId: second(), quantity: available })).statusCode).toBe(201);

    const before = await snapshot();
    const response = await checkout(testApp.app, cartShopper, shop.slug, { source: 'cart' });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'insufficient_stock', errors: { [`lines.${second()}`]: 'is sold out' } });
    expect(await snapshot()).toEqual(before);
    const cart = await testApp.app.inject({ method: 'GET', url: `/api/store/shops/${shop.slug}/cart`, headers: cartShopper.headers });
    expect(cart.json().lines).toHaveLength(2);
  });

  it('refuses a variant of another shop or an unknown one with 400 naming variantId, and a product no longer on sale with 422', async () => {
    const otherShop = await createStoreFixture(testApp.app, owner.merchantId);
    for (const variantId of [otherShop.variantIds[0], newId()]) {
      const response = await checkout(testApp.app, shopper, shop.slug, { source: 'buy_now', variantId });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'variant_not_found', errors: { variantId: 'is not sold in this shop' } });
    }
    const archivedProduct = await addProduct(testApp.app, owner.merchantId, shop.shopId, { productStatus: 'archived', variants: [{ priceMinor: 100, stockOnHand: 5 }] });
    const { rows } = await testApp.database.pool.query<{ id: string }>('select id from variant where product_id = $1', [archivedProduct]);
    const before = await snapshot();
    const response = await checkout(testApp.app, shopper, shop.slug, { source: 'buy_now', variantId: rows[0]?.id });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'product_unavailable', errors: { variantId: 'is no longer on sale' } });
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a cart whose product was taken off sale after it was added, with 422 naming the line', async () => {
    const productId = await addProduct(testApp.app, owner.merchantId, shop.shopId, { variants: [{ priceMinor: 300, stockOnHand: 5 }] });
    const { rows } = await testApp.database.pool.query<{ id: string }>('select id from variant where product_id = $1', [productId]);
    const variantId = rows[0]?.id as string;
    const cartShopper = await createGuestShopper(testApp.app);
    await testApp.app.inject({ method: 'PUT', url: `/api/store/shops/${shop.slug}/cart/lines/${variantId}`, headers: cartShopper.headers, payload: { quantity: 1 } });
    const archived = await testApp.app.inject({ method: 'PUT', url: `/api/admin/products/${productId}`, headers: owner.headers, payload: { status: 'archived' } });
    expect(archived.statusCode).toBe(200);
    const before = await snapshot();
    const response = await checkout(testApp.app, cartShopper, shop.slug, { source: 'cart' });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'product_unavailable', errors: { [`lines.${variantId}`]: 'is no longer on sale' } });
    expect(await snapshot()).toEqual(before);
    expect(await stockOf(testApp.app, variantId)).toEqual({ onHand: 5, reserved: 0 });
  });

  it('answers 400 for a malformed body and for buy now without a variant, 404 for a closed or unknown shop', async () => {
    const malformed = await checkout(testApp.app, shopper, shop.slug, { source: 'buy_now', variantId: first(), quantity: 0 });
    expect(malformed.statusCode).toBe(400);
    expect(Object.keys(malformed.json().errors)).toContain('quantity');
    const noVariant = await checkout(testApp.app, shopper, shop.slug, { source: 'buy_now' });
    expect(noVariant.statusCode).toBe(400);
    expect(noVariant.json().errors).toEqual({ variantId: 'is required to buy now' });
    const closed = await createStoreFixture(testApp.app, owner.merchantId, { shopStatus: 'closed' });
    expect((await checkout(testApp.app, shopper, closed.slug, { source: 'buy_now', variantId: closed.variantIds[0] })).statusCode).toBe(404);
    expect((await checkout(testApp.app, shopper, 'no-such-shop', { source: 'buy_now', variantId: first() })).statusCode).toBe(404);
  });

  it('requires a shopper session: none is 401, a staff token is 401', async () => {
    const anonymous = await testApp.app.inject({ method: 'POST', url: `/api/store/shops/${shop.slug}/orders`, payload: { source: 'cart' } });
    expect(anonymous.statusCode).toBe(401);
    const staff = await testApp.app.inject({ method: 'POST', url: `/api/store/shops/${shop.slug}/orders`, headers: owner.headers, payload: { source: 'cart' } });
    expect(staff.statusCode).toBe(401);
  });
});

describe('checkout with an Idempotency-Key', () => {
  it('answers a retry with the first answer (201, Idempotent-Replayed) and reserves nothing more', async () => {
    const key = `checkout-${newId()}`;
    const firstResponse = await checkout(testApp.app, shopper, shop.slug, { source: 'buy_now', variantId: first() }, key);
    expect(firstResponse.statusCode).toBe(201);
    const before = await snapshot();
    const retry = await checkout(testApp.app, shopper, shop.slug, { source: 'buy_now', variantId: first(), quantity: 1 }, key);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(firstResponse.json());
    expect(await snapshot()).toEqual(before);
  });

  it('answers a retried cart checkout with its order even after the cart was emptied and the shop closed', async () => {
    const ownShop = await createStoreFixture(testApp.app, owner.merchantId, { variants: [{ priceMinor: 500, stockOnHand: 5 }] });
    const cartShopper = await createGuestShopper(testApp.app);
    await testApp.app.inject({ method: 'PUT', url: `/api/store/shops/${ownShop.slug}/cart/lines/${ownShop.variantIds[0]}`, headers: cartShopper.headers, payload: { quantity: 2 } });
    const key = `checkout-${newId()}`;
    const placed = await checkout(testApp.app, cartShopper, ownShop.slug, { source: 'cart' }, key);
    expect(placed.statusCode).toBe(201);
    expect((await checkout(testApp.app, cartShopper, ownShop.slug, { source: 'cart' }, key)).json()).toEqual(placed.json());
    const closed = await testApp.app.inject({ method: 'PUT', url: `/api/admin/shops/${ownShop.shopId}`, headers: owner.headers, payload: { status: 'closed' } });
    expect(closed.statusCode).toBe(200);
    const retry = await checkout(testApp.app, cartShopper, ownShop.slug, { source: 'cart' }, key);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json().id).toBe(placed.json().id);
    expect(await stockOf(testApp.app, ownShop.variantIds[0] as string)).toEqual({ onHand: 5, reserved: 2 });
    // Without the key, the closed shop is what the shopper hears about.
    expect((await checkout(testApp.app, cartShopper, ownShop.slug, { source: 'cart' })).statusCode).toBe(404);
  });

  it('refuses the same key with a different body with 409 naming the field', async () => {
    const key = `checkout-${newId()}`;
    expect((await checkout(testApp.app, shopper, shop.slug, { source: 'buy_now', variantId: first() }, key)).statusCode).toBe(201);
    const before = await snapshot();
    const changed = await checkout(testApp.app, shopper, shop.slug, { source: 'buy_now', variantId: first(), quantity: 2 }, key);
    expect(changed.statusCode).toBe(409);
    expect(changed.json()).toMatchObject({ code: 'idempotency_key_reused', errors: { quantity: expect.any(String) } });
    const otherVariant = await checkout(testApp.app, shopper, shop.slug, { source: 'buy_now', variantId: second() }, key);
    expect(otherVariant.json()).toMatchObject({ code: 'idempotency_key_reused', errors: { variantId: expect.any(String) } });
    expect(await snapshot()).toEqual(before);
  });

  it('keys are per shopper: another shopper may use the same key', async () => {
    const key = `checkout-${newId()}`;
    const other = await createGuestShopper(testApp.app);
    const mine = await checkout(testApp.app, shopper, shop.slug, { source: 'buy_now', variantId: first() }, key);
    const theirs = await checkout(testApp.app, other, shop.slug, { source: 'buy_now', variantId: first() }, key);
    expect([mine.statusCode, theirs.statusCode]).toEqual([201, 201]);
    expect(mine.json().id).not.toBe(theirs.json().id);
  });

  it('creates one order for ten concurrent requests with one key', async () => {
    const key = `checkout-${newId()}`;
    const before = await stockOf(testApp.app, first());
    const responses = await Promise.all(Array.from({ length: 10 }, () => checkout(testApp.app, shopper, shop.slug, { source: 'buy_now', variantId: first() }, key)));
    expect(responses.map((response) => response.statusCode)).toEqual(Array(10).fill(201));
    expect(responses.filter((response) => response.headers['idempotent-replayed'] === 'true')).toHaveLength(9);
    expect(new Set(responses.map((response) => response.json().id)).size).toBe(1);
    expect(await stockOf(testApp.app, first())).toEqual({ onHand: before.onHand, reserved: before.reserved + 1 });
  });

  it('refuses a malformed key with 400', async () => {
    const response = await checkout(testApp.app, shopper, shop.slug, { source: 'buy_now', variantId: first() }, 'has spaces in it');
    expect(response.statusCode).toBe(400);
    expect(Object.keys(response.json().errors)[0]).toMatch(/idempotency-key/);
  });
});

describe('payment by wallet (POST /api/store/orders/:id/pay)', () => {
  it('moves the total from the wallet to escrow, commits the stock as a sale and marks the order paid, in one go', async () => {
    const buyer = await createGuestShopper(testApp.app);
    const order = (await checkout(testApp.app, buyer, shop.slug, { source: 'buy_now', variantId: first(), quantity: 2 })).json();
    await fundWallet(testApp.app, buyer.shopperId, 5000);
    const stockBefore = await stockOf(testApp.app, first());
    const escrowBefore = await escrowBalanceMinor(testApp.app);

    const response = await pay(testApp.app, buyer, order.id);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: order.id, status: 'paid', paymentMethod: 'wallet', paidAt: expect.any(String) });
    expect(await walletBalanceMinor(testApp.app, buyer.shopperId)).toBe(5000 - 2598);
    expect(await escrowBalanceMinor(testApp.app)).toBe(escrowBefore + 2598);
    expect(await stockOf(testApp.app, first())).toEqual({ onHand: stockBefore.onHand - 2, reserved: stockBefore.reserved - 2 });
    const { rows: movements } = await testApp.database.pool.query(
      `select quantity_delta, stock_on_hand_after, reason, actor_type, actor_id from stock_movement where variant_id = $1 and reason = 'sale'`,
      [first()],
    );
    expect(movements).toEqual([{ quantity_delta: -2, stock_on_hand_after: stockBefore.onHand - 2, reason: 'sale', actor_type: 'shopper', actor_id: buyer.shopperId }]);
    const { rows: transfers } = await testApp.database.pool.query(`select amount_minor, reason, reference_type, reference_id from ledger_transfer where reference_id = $1`, [order.id]);
    expect(transfers).toEqual([{ amount_minor: 2598, reason: 'order_payment', reference_type: 'order', reference_id: order.id }]);
    const { rows: outbox } = await testApp.database.pool.query(`select type from outbox where aggregate_id = $1 order by sequence`, [order.id]);
    expect(outbox.map((row) => row.type)).toEqual(['order.placed', 'order.paid']);
  });

  it('answers a second payment of the same order with the paid order, moving no money twice', async () => {
    const buyer = await createGuestShopper(testApp.app);
    const order = (await checkout(testApp.app, buyer, shop.slug, { source: 'buy_now', variantId: first() })).json();
    await fundWallet(testApp.app, buyer.shopperId, 5000);
    const [one, two] = await Promise.all([pay(testApp.app, buyer, order.id), pay(testApp.app, buyer, order.id)]);
    expect([one.statusCode, two.statusCode]).toEqual([200, 200]);
    const again = await pay(testApp.app, buyer, order.id);
    expect(again.json().status).toBe('paid');
    expect(await walletBalanceMinor(testApp.app, buyer.shopperId)).toBe(5000 - 1299);
  });

  it('pays on the first call in a process that has not opened the wallet or the escrow yet (one just started)', async () => {
    const buyer = await createGuestShopper(testApp.app);
    const order = (await checkout(testApp.app, buyer, shop.slug, { source: 'buy_now', variantId: first() })).json();
    await fundWallet(testApp.app, buyer.shopperId, 5000);
    // A second API process: its own ledger service, with no account known yet.
    const justStarted = new OrderPaymentService(testApp.database, new LedgerService(testApp.database));
    const paid = await justStarted.payByWallet({ type: 'shopper', shopperId: buyer.shopperId, provider: 'guest' }, order.id);
    expect(paid).toMatchObject({ id: order.id, status: 'paid', paymentMethod: 'wallet' });
    expect(await walletBalanceMinor(testApp.app, buyer.shopperId)).toBe(5000 - 1299);
    const { rows } = await testApp.database.pool.query(`select count(*)::int as transfers from ledger_transfer where reference_id = $1`, [order.id]);
    expect(rows).toEqual([{ transfers: 1 }]);
  });

  it('refuses insufficient funds with 422 and changes nothing', async () => {
    const buyer = await createGuestShopper(testApp.app);
    const order = (await checkout(testApp.app, buyer, shop.slug, { source: 'buy_now', variantId: first(), quantity: 2 })).json();
    await fundWallet(testApp.app, buyer.shopperId, 2597);
    const before = await snapshot();
    const response = await pay(testApp.app, buyer, order.id);
    expect(response.statusCode).toBe(422);
    expect(response.json().code).toBe('insufficient_funds');
    expect(await snapshot()).toEqual(before);
    expect(await walletBalanceMinor(testApp.app, buyer.shopperId)).toBe(2597);
    expect((await testApp.app.inject({ method: 'GET', url: `/api/store/orders/${order.id}`, headers: buyer.headers })).json().status).toBe('pending_payment');
  });

  it("answers 404 for another shopper's order and changes nothing", async () => {
    const buyer = await createGuestShopper(testApp.app);
    const order = (await checkout(testApp.app, buyer, shop.slug, { source: 'buy_now', variantId: first() })).json();
    const stranger = await createGuestShopper(testApp.app);
    await fundWallet(testApp.app, stranger.shopperId, 5000);
    for (const request of [
      { method: 'GET' as const, url: `/api/store/orders/${order.id}` },
      { method: 'POST' as const, url: `/api/store/orders/${order.id}/pay`, payload: { method: 'wallet' } },
      { method: 'POST' as const, url: `/api/store/orders/${order.id}/cancel` },
    ]) {
      const response = await testApp.app.inject({ ...request, headers: stranger.headers });
      expect(response.statusCode, request.url).toBe(404);
      expect(response.json().code).toBe('order_not_found');
    }
    expect(await walletBalanceMinor(testApp.app, stranger.shopperId)).toBe(5000);
  });

  // An order whose payment window closed is refused with 422 (workers/test/order-jobs.test.ts: a 3-second window).
  it('refuses to pay a cancelled order (409)', async () => {
    const buyer = await createGuestShopper(testApp.app);
    await fundWallet(testApp.app, buyer.shopperId, 10_000);
    const cancelled = (await checkout(testApp.app, buyer, shop.slug, { source: 'buy_now', variantId: first() })).json();
    expect((await testApp.app.inject({ method: 'POST', url: `/api/store/orders/${cancelled.id}/cancel`, headers: buyer.headers })).statusCode).toBe(200);
    const refused = await pay(testApp.app, buyer, cancelled.id);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('invalid_order_transition');
    expect(await walletBalanceMinor(testApp.app, buyer.shopperId)).toBe(10_000);
  });

  it('refuses a payment method other than the wallet with 400', async () => {
    const buyer = await createGuestShopper(testApp.app);
    const order = (await checkout(testApp.app, buyer, shop.slug, { source: 'buy_now', variantId: first() })).json();
    const response = await testApp.app.inject({ method: 'POST', url: `/api/store/orders/${order.id}/pay`, headers: buyer.headers, payload: { method: 'iou' } });
    expect(response.statusCode).toBe(400);
  });
});

describe("the shopper's own orders", () => {
  it('cancels an unpaid order, releasing its stock, with an event naming the shopper', async () => {
    const buyer = await createGuestShopper(testApp.app);
    const order = (await checkout(testApp.app, buyer, shop.slug, { source: 'buy_now', variantId: first(), quantity: 3 })).json();
    const before = await stockOf(testApp.app, first());
    const response = await testApp.app.inject({ method: 'POST', url: `/api/store/orders/${order.id}/cancel`, headers: buyer.headers });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'cancelled', cancellationReason: 'shopper', cancelledAt: expect.any(String) });
    expect(await stockOf(testApp.app, first())).toEqual({ onHand: before.onHand, reserved: before.reserved - 3 });
    const { rows } = await testApp.database.pool.query(`select from_status, to_status, actor_type, actor_id from order_event where order_id = $1 order by created_at, id`, [order.id]);
    expect(rows.at(-1)).toEqual({ from_status: 'pending_payment', to_status: 'cancelled', actor_type: 'shopper', actor_id: buyer.shopperId });
    const twice = await testApp.app.inject({ method: 'POST', url: `/api/store/orders/${order.id}/cancel`, headers: buyer.headers });
    expect(twice.statusCode).toBe(409);
    expect(await stockOf(testApp.app, first())).toEqual({ onHand: before.onHand, reserved: before.reserved - 3 });
  });

  it('cancels a paid order that is not packed yet: the money goes back to the wallet and the goods to the shelf', async () => {
    const buyer = await createGuestShopper(testApp.app);
    const order = (await checkout(testApp.app, buyer, shop.slug, { source: 'buy_now', variantId: first(), quantity: 2 })).json();
    await fundWallet(testApp.app, buyer.shopperId, 3000);
    expect((await pay(testApp.app, buyer, order.id)).statusCode).toBe(200);
    const stockAfterSale = await stockOf(testApp.app, first());
    const response = await testApp.app.inject({ method: 'POST', url: `/api/store/orders/${order.id}/cancel`, headers: buyer.headers });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'cancelled', refundedMinor: 2598 });
    expect(await walletBalanceMinor(testApp.app, buyer.shopperId)).toBe(3000);
    expect(await stockOf(testApp.app, first())).toEqual({ onHand: stockAfterSale.onHand + 2, reserved: stockAfterSale.reserved });
  });

  it('lists only the shopper\'s own orders, newest first, a page at a time', async () => {
    const buyer = await createGuestShopper(testApp.app);
    const ids: string[] = [];
    for (let index = 0; index < 3; index += 1) ids.push((await checkout(testApp.app, buyer, shop.slug, { source: 'buy_now', variantId: first() })).json().id);
    const page = await testApp.app.inject({ method: 'GET', url: '/api/store/orders?page=1&pageSize=2', headers: buyer.headers });
    expect(page.statusCode).toBe(200);
    expect(page.json()).toMatchObject({ page: 1, pageSize: 2, total: 3 });
    expect(page.json().items.map((order: { id: string }) => order.id)).toEqual([ids[2], ids[1]]);
    const one = await testApp.app.inject({ method: 'GET', url: `/api/store/orders/${ids[0]}`, headers: buyer.headers });
    expect(one.json()).toMatchObject({ id: ids[0], lines: [{ variantId: first() }] });
  });
});
