import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../db/src/ids.ts';
import { assertLedgerInvariants } from '../../../db/src/testing/ledger-invariants.ts';
import { processors } from '../../../workers/src/processors/index.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { ledgerLegs, outboxTypes } from '../helpers/card-payments.ts';
import { untilPast } from '../helpers/expiry.ts';
import { countRows, fundWallet, walletBalanceMinor } from '../helpers/orders.ts';
import { createGuestShopper, createStoreFixture, type ShopperSession, type StoreFixture } from '../helpers/shoppers.ts';
import { createMerchantWithStaff, type StaffSession } from '../helpers/staff.ts';
import { chargePaymentCode } from '../helpers/tenant-records.ts';

const THRESHOLD_MINOR = 5000;
const TIMEOUT_SECONDS = 60;

let testApp: TestApp;
let owner: StaffSession;
let clerk: StaffSession;
let shop: StoreFixture;
let otherShop: StoreFixture;
let otherMerchant: StaffSession;
let otherMerchantShop: StoreFixture;

const app = () => testApp.app;

beforeAll(async () => {
  testApp = await buildTestApp({
    PAYMENT_CODE_CONFIRMATION_THRESHOLD_MINOR: String(THRESHOLD_MINOR),
    PAYMENT_CODE_CONFIRMATION_TIMEOUT_SECONDS: String(TIMEOUT_SECONDS),
  });
  owner = await createMerchantWithStaff(app(), 'owner');
  clerk = await createMerchantWithStaff(app(), 'clerk', owner.merchantId);
  shop = await createStoreFixture(app(), owner.merchantId, { slug: 'corner-cafe' });
  otherShop = await createStoreFixture(app(), owner.merchantId);
  otherMerchant = await createMerchantWithStaff(app(), 'owner');
  otherMerchantShop = await createStoreFixture(app(), otherMerchant.merchantId);
});
afterEach(() => assertLedgerInvariants(testApp.database));
afterAll(() => testApp.close());

function decodePng(body: Buffer): string {
  const image = PNG.sync.read(body);
  const code = jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height);
  if (!code) throw new Error('no QR code found in the image');
  return code.data;
}

async function fundedShopper(amountMinor = 10_000, on = app()): Promise<ShopperSession> {
  const shopper = await createGuestShopper(on);
  await fundWallet(on, shopper.shopperId, amountMinor);
  return shopper;
}

async function issueCode(shopper: ShopperSession, slug = shop.slug): Promise<string> {
  const response = await app().inject({ method: 'POST', url: `/api/store/shops/${slug}/payment-codes`, headers: shopper.headers });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().token;
}

function charge(session: StaffSession, payload: Record<string, unknown>, idempotencyKey: string | null = newId()) {
  return app().inject({
    method: 'POST',
    url: '/api/admin/payment-code-charges',
    headers: { ...session.headers, ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
    payload,
  });
}

async function charged(session: StaffSession, payload: Record<string, unknown>) {
  const response = await charge(session, payload);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

async function wallet(shopper: ShopperSession) {
  return (await app().inject({ method: 'GET', url: '/api/store/wallet?currency=EUR', headers: shopper.headers })).json();
}

async function moneySnapshot() {
  return { transfers: await countRows(app(), 'ledger_transfer'), orders: await countRows(app(), 'shop_order'), charges: (await app().database.pool.query('select count(*)::int as count from payment_code_charge')).rows[0].count };
}

function shopperCall(shopper: ShopperSession, method: 'GET' | 'POST', url: string) {
  return app().inject({ method, url, headers: shopper.headers });
}

describe('the payment code (POST /api/store/shops/:slug/payment-codes)', () => {
  it('is signed for the shopper and the shop, valid once for 60 s, and drawn as SVG and PNG holding the bare token', async () => {
    const shopper = await createGuestShopper(app());
    const response = await app().inject({ method: 'POST', url: `/api/store/shops/${shop.slug}/payment-codes`, headers: shopper.headers });
    expect(response.statusCode).toBe(201);
    const code = response.json();
    expect(code).toMatchObject({ shopSlug: shop.slug, refreshAfterSeconds: 50 });
    expect(Date.parse(code.expiresAt) - Date.parse(code.issuedAt)).toBe(60_000);
    expect(app().services.qr.verify(code.token, { expectedType: 'payment_code' })).toMatchObject({
      shopperId: shopper.shopperId,
      merchantId: owner.merchantId,
      shopId: shop.shopId,
      nonce: expect.any(String),
    });
    expect(await issueCode(shopper)).not.toBe(code.token);

    const png = await shopperCall(shopper, 'GET', `/api/store/payment-codes/${code.token}.png`);
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.headers['cache-control']).toBe('private, no-store');
    expect(decodePng(png.rawPayload)).toBe(code.token);
    const svg = await shopperCall(shopper, 'GET', `/api/store/payment-codes/${code.token}.svg`);
    expect(svg.body).toMatch(/^<svg [\s\S]*<\/svg>\s*$/);
  });

  it("refuses to draw another shopper's code (400), and to issue one for an unknown shop (404) or without a session (401)", async () => {
    const shopper = await createGuestShopper(app());
    const stranger = await createGuestShopper(app());
    const token = await issueCode(shopper);
    const foreign = await shopperCall(stranger, 'GET', `/api/store/payment-codes/${token}.png`);
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json()).toMatchObject({ code: 'qr_other_shopper' });
    expect((await shopperCall(shopper, 'POST', '/api/store/shops/no-such-shop/payment-codes')).json()).toMatchObject({ code: 'shop_not_found' });
    expect((await app().inject({ method: 'POST', url: `/api/store/shops/${shop.slug}/payment-codes` })).statusCode).toBe(401);
  });
});

describe('charging a payment code at the counter (POST /api/admin/payment-code-charges)', () => {
  it('charges a scanned PNG at once up to the threshold: the wallet pays and the charge becomes a delivered counter order', async () => {
    const shopper = await fundedShopper();
    const token = await issueCode(shopper);
    const scanned = decodePng((await shopperCall(shopper, 'GET', `/api/store/payment-codes/${token}.png`)).rawPayload);

    const created = await charged(clerk, { shopId: shop.shopId, token: scanned, amountMinor: THRESHOLD_MINOR, note: 'two flat whites' });
    expect(created).toMatchObject({
      shopId: shop.shopId,
      shopperId: shopper.shopperId,
      merchantId: owner.merchantId,
      amountMinor: THRESHOLD_MINOR,
      currency: 'EUR',
      status: 'succeeded',
      orderId: expect.any(String),
      note: 'two flat whites',
      confirmBy: null,
      resolvedAt: expect.any(String),
    });
    expect(await walletBalanceMinor(app(), shopper.shopperId)).toBe(10_000 - THRESHOLD_MINOR);
    expect((await ledgerLegs(app(), created.orderId)).map((leg) => `${leg.reason} ${leg.amountMinor}: ${leg.direction}`)).toEqual([`order_payment ${THRESHOLD_MINOR}: shopper_wallet -> escrow`]);

    const order = (await app().inject({ method: 'GET', url: `/api/admin/orders/${created.orderId}`, headers: owner.headers })).json();
    expect(order).toMatchObject({ status: 'delivered', source: 'counter', itemCount: 0, totalMinor: THRESHOLD_MINOR, paymentMethod: 'wallet', lines: [], shopperId: shopper.shopperId });
    expect(order.events.map((event: { fromStatus: string | null; toStatus: string; actorType: string }) => [event.fromStatus, event.toStatus, event.actorType])).toEqual([
      [null, 'paid', 'staff'],
      ['paid', 'delivered', 'staff'],
    ]);
    expect(await outboxTypes(app(), created.orderId)).toEqual(['order.paid', 'order.delivered']);
    expect(await outboxTypes(app(), created.id)).toEqual(['payment_code_charge.succeeded']);
    const mine = (await shopperCall(shopper, 'GET', '/api/store/orders')).json();
    expect(mine.items).toEqual([expect.objectContaining({ id: created.orderId, source: 'counter', status: 'delivered' })]);
  });

  it('answers a retry with the same Idempotency-Key with the first charge, and refuses the key with another body', async () => {
    const shopper = await fundedShopper();
    const token = await issueCode(shopper);
    const key = newId();
    const first = await charge(clerk, { shopId: shop.shopId, token, amountMinor: 1200 }, key);
    expect(first.statusCode).toBe(201);
    const retry = await charge(clerk, { shopId: shop.shopId, token, amountMinor: 1200 }, key);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    expect(await walletBalanceMinor(app(), shopper.shopperId)).toBe(10_000 - 1200);

    const other = await charge(clerk, { shopId: shop.shopId, token, amountMinor: 1300 }, key);
    expect(other.statusCode).toBe(409);
    expect(other.json()).toMatchObject({ code: 'idempotency_key_reused', errors: { amountMinor: expect.any(String) } });
  });

  it('refuses a replayed code with 409 qr_already_used under a new key, and also when Redis has forgotten it', async () => {
    const shopper = await fundedShopper();
    const token = await issueCode(shopper);
    await charged(clerk, { shopId: shop.shopId, token, amountMinor: 800 });
    const before = await moneySnapshot();

    const replay = await charge(clerk, { shopId: shop.shopId, token, amountMinor: 800 });
    expect(replay.statusCode).toBe(409);
    expect(replay.json()).toMatchObject({ code: 'qr_already_used', errors: { token: 'has already been used' } });

    const { nonce } = app().services.qr.verify(token, { expectedType: 'payment_code' });
    expect(await app().redis.del(`qr:used:payment_code:${nonce}`)).toBe(1);
    const afterFlush = await charge(clerk, { shopId: shop.shopId, token, amountMinor: 800 });
    expect(afterFlush.statusCode).toBe(409);
    expect(afterFlush.json()).toMatchObject({ code: 'qr_already_used' });
    expect(await moneySnapshot()).toEqual(before);
    expect(await walletBalanceMinor(app(), shopper.shopperId)).toBe(10_000 - 800);
  });

  it('lets exactly one of five counters charging one code at once win', async () => {
    const shopper = await fundedShopper();
    const token = await issueCode(shopper);
    const responses = await Promise.all(Array.from({ length: 5 }, () => charge(clerk, { shopId: shop.shopId, token, amountMinor: 700 })));
    expect(responses.map((response) => response.statusCode).sort()).toEqual([201, 409, 409, 409, 409]);
    expect(await walletBalanceMinor(app(), shopper.shopperId)).toBe(10_000 - 700);
  });

  it("refuses expired, tampered, wrong-type and other shops' codes with 400, moving nothing and leaving the code usable", async () => {
    const shopper = await fundedShopper();
    const token = await issueCode(shopper);
    const { qr } = app().services;
    const nowSeconds = Math.floor(Date.now() / 1000);
    const expired = qr.sign({ type: 'payment_code', shopperId: shopper.shopperId, merchantId: owner.merchantId, shopId: shop.shopId, expiresAtSeconds: nowSeconds - 1 });
    const unbound = qr.sign({ type: 'payment_code', shopperId: shopper.shopperId, expiresAtSeconds: nowSeconds + 60 });
    const orderCode = qr.sign({ type: 'order', merchantId: owner.merchantId, shopId: shop.shopId, orderId: newId(), expiresAtSeconds: nowSeconds + 60 });
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    const before = await moneySnapshot();

    const cases = [
      { name: 'expired', session: clerk, payload: { shopId: shop.shopId, token: expired }, code: 'qr_expired' },
      { name: 'tampered', session: clerk, payload: { shopId: shop.shopId, token: `${token.slice(0, -1)}${last}` }, code: 'qr_tampered' },
      { name: 'garbage', session: clerk, payload: { shopId: shop.shopId, token: 'not a code at all' }, code: 'qr_tampered' },
      { name: 'an order code', session: clerk, payload: { shopId: shop.shopId, token: orderCode }, code: 'qr_wrong_type' },
      { name: "another of the merchant's shops", session: clerk, payload: { shopId: otherShop.shopId, token }, code: 'qr_other_shop' },
      { name: 'another merchant', session: otherMerchant, payload: { shopId: otherMerchantShop.shopId, token }, code: 'qr_other_shop' },
      { name: 'a code bound to no shop', session: clerk, payload: { shopId: shop.shopId, token: unbound }, code: 'qr_other_shop' },
    ];
    for (const attempt of cases) {
      const response = await charge(attempt.session, { ...attempt.payload, amountMinor: 500 });
      expect(response.statusCode, attempt.name).toBe(400);
      expect(response.json(), attempt.name).toMatchObject({ type: 'validation', code: attempt.code, errors: { token: expect.any(String) } });
    }
    expect(await moneySnapshot()).toEqual(before);
    expect(await walletBalanceMinor(app(), shopper.shopperId)).toBe(10_000);
    // None of the refusals used the code up.
    expect((await charge(clerk, { shopId: shop.shopId, token, amountMinor: 500 })).statusCode).toBe(201);
  });

  it("refuses another merchant's shop (404), a closed shop (422), a missing Idempotency-Key (400), bad amounts (400) and the finance role (403)", async () => {
    const shopper = await fundedShopper();
    const token = await issueCode(shopper);
    const closed = await createStoreFixture(app(), owner.merchantId, { shopStatus: 'closed' });
    const financeStaff = await createMerchantWithStaff(app(), 'finance', owner.merchantId);
    const before = await moneySnapshot();

    expect((await charge(clerk, { shopId: otherMerchantShop.shopId, token, amountMinor: 500 })).json()).toMatchObject({ code: 'shop_not_found' });
    expect((await charge(clerk, { shopId: closed.shopId, token, amountMinor: 500 })).json()).toMatchObject({ code: 'shop_closed' });
    const noKey = await charge(clerk, { shopId: shop.shopId, token, amountMinor: 500 }, null);
    expect(noKey.statusCode).toBe(400);
    expect(noKey.json().errors).toHaveProperty('idempotency-key');
    for (const amountMinor of [0, -5, 1.5, Number.MAX_SAFE_INTEGER + 2]) {
      const response = await charge(clerk, { shopId: shop.shopId, token, amountMinor });
      expect(response.statusCode, String(amountMinor)).toBe(400);
      expect(response.json().errors, String(amountMinor)).toHaveProperty('amountMinor');
    }
    expect((await charge(financeStaff, { shopId: shop.shopId, token, amountMinor: 500 })).statusCode).toBe(403);
    expect(await moneySnapshot()).toEqual(before);
    // The code survived every refusal.
    expect((await charge(clerk, { shopId: shop.shopId, token, amountMinor: 500 })).statusCode).toBe(201);
  });

  it('refuses a charge the wallet cannot cover with 422 insufficient_funds, moving nothing', async () => {
    const shopper = await fundedShopper(300);
    const token = await issueCode(shopper);
    const before = await moneySnapshot();
    const response = await charge(clerk, { shopId: shop.shopId, token, amountMinor: 301 });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'insufficient_funds', errors: { amountMinor: expect.any(String) } });
    expect(await moneySnapshot()).toEqual(before);
    expect(await walletBalanceMinor(app(), shopper.shopperId)).toBe(300);
  });

  it('lists and shows charges to their merchant only, react-admin style', async () => {
    const shopper = await fundedShopper();
    const created = await charged(clerk, { shopId: shop.shopId, token: await issueCode(shopper), amountMinor: 450 });
    const list = await app().inject({ method: 'GET', url: `/api/admin/payment-code-charges?filter=${encodeURIComponent(JSON.stringify({ shopperId: shopper.shopperId }))}`, headers: owner.headers });
    expect(list.statusCode).toBe(200);
    expect(list.headers['content-range']).toBe('payment-code-charges 0-0/1');
    expect(list.json()).toEqual([expect.objectContaining({ id: created.id, status: 'succeeded' })]);
    expect((await app().inject({ method: 'GET', url: `/api/admin/payment-code-charges/${created.id}`, headers: clerk.headers })).json()).toMatchObject({ id: created.id });
    expect((await app().inject({ method: 'GET', url: `/api/admin/payment-code-charges/${created.id}`, headers: otherMerchant.headers })).statusCode).toBe(404);
    const foreignList = await app().inject({ method: 'GET', url: '/api/admin/payment-code-charges', headers: otherMerchant.headers });
    expect(foreignList.json()).toEqual([]);
  });

  it('makes a counter order that the merchant refunds like any other, back to the wallet', async () => {
    const shopper = await fundedShopper();
    const created = await charged(clerk, { shopId: shop.shopId, token: await issueCode(shopper), amountMinor: 2000 });
    const refund = await app().inject({ method: 'POST', url: `/api/admin/orders/${created.orderId}/refunds`, headers: { ...owner.headers, 'idempotency-key': newId() }, payload: { amountMinor: 500 } });
    expect(refund.statusCode, refund.body).toBe(201);
    expect(refund.json()).toMatchObject({ status: 'partially_refunded', refundedMinor: 500, refunds: [{ method: 'wallet', status: 'succeeded' }] });
    expect(await walletBalanceMinor(app(), shopper.shopperId)).toBe(10_000 - 2000 + 500);
  });
});

describe('charges above the threshold wait for the shopper', () => {
  async function heldCharge(shopper: ShopperSession, amountMinor = 6000) {
    const created = await charged(clerk, { shopId: shop.shopId, token: await issueCode(shopper), amountMinor });
    expect(created).toMatchObject({ status: 'awaiting_confirmation', orderId: null, resolvedAt: null });
    return created;
  }

  it('holds the amount as a pending transfer, and pays it as a counter order when the shopper confirms', async () => {
    const shopper = await fundedShopper();
    const startedMs = Date.now();
    const created = await heldCharge(shopper);
    expect(Date.parse(created.confirmBy) - startedMs).toBeGreaterThanOrEqual(TIMEOUT_SECONDS * 1000 - 1000);
    expect(await wallet(shopper)).toEqual({ currency: 'EUR', balanceMinor: 10_000, availableMinor: 4000, heldMinor: 6000 });
    expect(await ledgerLegs(app(), created.id)).toEqual([expect.objectContaining({ kind: 'pending', reason: 'payment_hold', amountMinor: 6000, direction: 'shopper_wallet -> escrow' })]);
    expect(await outboxTypes(app(), created.id)).toEqual(['payment_code_charge.awaiting_confirmation']);

    const asked = (await shopperCall(shopper, 'GET', '/api/store/payment-code-charges?status=awaiting_confirmation')).json();
    expect(asked).toEqual([expect.objectContaining({ id: created.id, amountMinor: 6000, currency: 'EUR', shopName: `Shop ${shop.slug}`, shopSlug: shop.slug })]);

    const confirmed = await shopperCall(shopper, 'POST', `/api/store/payment-code-charges/${created.id}/confirm`);
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    const { orderId } = confirmed.json();
    expect(confirmed.json()).toMatchObject({ status: 'succeeded', orderId: expect.any(String), resolvedAt: expect.any(String) });
    expect(await wallet(shopper)).toEqual({ currency: 'EUR', balanceMinor: 4000, availableMinor: 4000, heldMinor: 0 });
    const [hold] = await ledgerLegs(app(), created.id);
    expect(await ledgerLegs(app(), orderId)).toEqual([expect.objectContaining({ kind: 'post_pending', reason: 'order_payment', amountMinor: 6000, pendingId: hold?.id })]);
    const order = (await app().inject({ method: 'GET', url: `/api/admin/orders/${orderId}`, headers: clerk.headers })).json();
    expect(order).toMatchObject({ status: 'delivered', source: 'counter', totalMinor: 6000 });
    expect(order.events[0]).toMatchObject({ toStatus: 'paid', actorType: 'shopper', actorId: shopper.shopperId });
    expect((await app().inject({ method: 'GET', url: `/api/admin/payment-code-charges/${created.id}`, headers: clerk.headers })).json()).toMatchObject({ status: 'succeeded', orderId });

    // Confirming again answers the same; declining now is too late.
    expect((await shopperCall(shopper, 'POST', `/api/store/payment-code-charges/${created.id}/confirm`)).json()).toMatchObject({ status: 'succeeded', orderId });
    const decline = await shopperCall(shopper, 'POST', `/api/store/payment-code-charges/${created.id}/decline`);
    expect(decline.statusCode).toBe(409);
    expect(decline.json()).toMatchObject({ code: 'payment_code_charge_closed' });
    expect(await countRows(app(), 'shop_order')).toBeGreaterThan(0);
    expect((await app().database.pool.query('select count(*)::int as count from shop_order where id = $1', [orderId])).rows[0].count).toBe(1);
  });

  it("voids the hold when the shopper declines; confirming afterwards, or another shopper's answer, is refused", async () => {
    const shopper = await fundedShopper();
    const stranger = await fundedShopper();
    const created = await heldCharge(shopper);
    expect((await shopperCall(stranger, 'POST', `/api/store/payment-code-charges/${created.id}/confirm`)).statusCode).toBe(404);
    expect((await shopperCall(stranger, 'POST', `/api/store/payment-code-charges/${created.id}/decline`)).statusCode).toBe(404);

    const declined = await shopperCall(shopper, 'POST', `/api/store/payment-code-charges/${created.id}/decline`);
    expect(declined.json()).toMatchObject({ status: 'declined', orderId: null });
    expect(await wallet(shopper)).toEqual({ currency: 'EUR', balanceMinor: 10_000, availableMinor: 10_000, heldMinor: 0 });
    expect((await ledgerLegs(app(), created.id)).map((leg) => leg.kind)).toEqual(['pending', 'void_pending']);
    expect((await shopperCall(shopper, 'POST', `/api/store/payment-code-charges/${created.id}/decline`)).json()).toMatchObject({ status: 'declined' });
    const late = await shopperCall(shopper, 'POST', `/api/store/payment-code-charges/${created.id}/confirm`);
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ code: 'payment_code_charge_closed', errors: { status: 'is declined' } });
    expect(await outboxTypes(app(), created.id)).toEqual(['payment_code_charge.awaiting_confirmation', 'payment_code_charge.declined']);
  });

  it('counts earlier holds against the wallet: a second hold it cannot cover is refused with 422', async () => {
    const shopper = await fundedShopper();
    await heldCharge(shopper, 6000);
    const before = await moneySnapshot();
    const response = await charge(clerk, { shopId: shop.shopId, token: await issueCode(shopper), amountMinor: 6000 });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'insufficient_funds' });
    expect(await moneySnapshot()).toEqual(before);
  });
});

describe('charges above the threshold whose window closes (a 3-second window, a 2-second grace for the ledger hold)', () => {
  const WINDOW_SECONDS = 3;
  const GRACE_SECONDS = 2;
  let hurried: TestApp;
  let merchant: StaffSession;
  let counter: StoreFixture;
  beforeAll(async () => {
    hurried = await buildTestApp({
      PAYMENT_CODE_CONFIRMATION_THRESHOLD_MINOR: String(THRESHOLD_MINOR),
      PAYMENT_CODE_CONFIRMATION_TIMEOUT_SECONDS: String(WINDOW_SECONDS),
      PAYMENT_CODE_HOLD_GRACE_SECONDS: String(GRACE_SECONDS),
    });
    merchant = await createMerchantWithStaff(hurried.app, 'owner');
    counter = await createStoreFixture(hurried.app, merchant.merchantId);
  });
  afterEach(() => assertLedgerInvariants(hurried.database));
  afterAll(() => hurried.close());

  async function held(shopper: ShopperSession, amountMinor: number): Promise<{ id: string; confirmBy: string }> {
    const created = await chargePaymentCode(hurried.app, merchant, shopper, { id: counter.shopId, slug: counter.slug }, amountMinor);
    expect(created).toMatchObject({ status: 'awaiting_confirmation', confirmBy: expect.any(String) });
    return { id: created.id, confirmBy: created.confirmBy! };
  }
  const walletOf = async (shopper: ShopperSession) => (await hurried.app.inject({ method: 'GET', url: '/api/store/wallet?currency=EUR', headers: shopper.headers })).json();
  const runExpiryJob = () => processors['payment_code.expire_overdue']({}, { services: hurried.app.services, job: {} as never, queues: {} as never });

  it('releases the hold when the window closes: the job expires it, and a confirmation after the window is refused', async () => {
    const shopper = await fundedShopper(20_000, hurried.app);
    const first = await held(shopper, 6000);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const second = await held(shopper, 7000);
    expect((await walletOf(shopper)).heldMinor).toBe(13_000);

    // The worker's job, once the first window has closed and while the second is still open.
    await untilPast(first.confirmBy);
    expect(await runExpiryJob()).toEqual({ expired: 1 });
    expect((await hurried.app.inject({ method: 'GET', url: `/api/admin/payment-code-charges/${first.id}`, headers: merchant.headers })).json()).toMatchObject({ status: 'expired' });
    expect((await walletOf(shopper)).heldMinor).toBe(7000);

    // A shopper answering after the window, before any job ran: refused, and the money released all the same.
    await untilPast(second.confirmBy);
    const late = await hurried.app.inject({ method: 'POST', url: `/api/store/payment-code-charges/${second.id}/confirm`, headers: shopper.headers });
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ code: 'payment_code_charge_expired' });
    expect(await walletOf(shopper)).toEqual({ currency: 'EUR', balanceMinor: 20_000, availableMinor: 20_000, heldMinor: 0 });
    expect((await ledgerLegs(hurried.app, second.id)).map((leg) => leg.kind)).toEqual(['pending', 'void_pending']);
    expect((await hurried.app.inject({ method: 'GET', url: `/api/store/payment-code-charges/${second.id}`, headers: shopper.headers })).json()).toMatchObject({ status: 'expired', orderId: null });
    expect((await hurried.app.inject({ method: 'GET', url: '/api/store/orders', headers: shopper.headers })).json().items).toEqual([]);

    // The registered job runs the same verb; nothing is left to expire.
    expect(await runExpiryJob()).toEqual({ expired: 0 });
  });

  it("expires the hold instead of voiding it when even the ledger's own timeout has passed", async () => {
    const shopper = await fundedShopper(10_000, hurried.app);
    const created = await held(shopper, 6000);
    // The expiry job down for longer than the grace: the ledger's own timeout has passed when it runs.
    await untilPast(new Date(Date.parse(created.confirmBy) + GRACE_SECONDS * 1000).toISOString());
    expect(await runExpiryJob()).toEqual({ expired: 1 });
    expect((await ledgerLegs(hurried.app, created.id)).map((leg) => leg.kind)).toEqual(['pending', 'expire_pending']);
    expect(await walletOf(shopper)).toEqual({ currency: 'EUR', balanceMinor: 10_000, availableMinor: 10_000, heldMinor: 0 });
  });
});
