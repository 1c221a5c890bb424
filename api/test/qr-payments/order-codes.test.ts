import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../db/src/ids.ts';
import { assertLedgerInvariants } from '../../../db/src/testing/ledger-invariants.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { ledgerLegs } from '../helpers/card-payments.ts';
import { checkout, countRows, fundWallet, pay, walletBalanceMinor } from '../helpers/orders.ts';
import { createGuestShopper, createStoreFixture, type ShopperSession, type StoreFixture } from '../helpers/shoppers.ts';
import { createMerchantWithStaff, type StaffSession } from '../helpers/staff.ts';

const PUBLIC_URL = 'https://shop.example.test';

let testApp: TestApp;
let owner: StaffSession;
let clerk: StaffSession;
let shop: StoreFixture;
let otherShop: StoreFixture;
let otherMerchant: StaffSession;

const app = () => testApp.app;

beforeAll(async () => {
  testApp = await buildTestApp({ PUBLIC_URL });
  owner = await createMerchantWithStaff(app(), 'owner');
  clerk = await createMerchantWithStaff(app(), 'clerk', owner.merchantId);
  shop = await createStoreFixture(app(), owner.merchantId, { variants: [{ priceMinor: 1800, stockOnHand: 100 }] });
  otherShop = await createStoreFixture(app(), owner.merchantId, { variants: [{ priceMinor: 700, stockOnHand: 100 }] });
  otherMerchant = await createMerchantWithStaff(app(), 'owner');
});
afterEach(() => assertLedgerInvariants(testApp.database));
afterAll(() => testApp.close());

/** Reads a served PNG the way the widget's camera scanner would, and returns the text it encodes. */
function decodePng(body: Buffer): string {
  const image = PNG.sync.read(body);
  const code = jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height);
  if (!code) throw new Error('no QR code found in the image');
  return code.data;
}

async function placeOrder(shopper: ShopperSession, fixture: StoreFixture = shop): Promise<{ id: string; number: number; totalMinor: number }> {
  const response = await checkout(app(), shopper, fixture.slug, { source: 'buy_now', variantId: fixture.variantIds[0], quantity: 1 });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

function payByCode(shopper: ShopperSession, token: string, slug = shop.slug) {
  return app().inject({ method: 'POST', url: `/api/store/shops/${slug}/order-codes/pay`, headers: shopper.headers, payload: { token } });
}

async function moneySnapshot(shopperId: string) {
  return { wallet: await walletBalanceMinor(app(), shopperId), transfers: await countRows(app(), 'ledger_transfer'), events: await countRows(app(), 'order_event') };
}

describe('an order payment code (QR flow 2)', () => {
  it('is served by the admin API as a PNG that the shopper scans and pays from the wallet', async () => {
    const shopper = await createGuestShopper(app());
    const order = await placeOrder(shopper);
    await fundWallet(app(), shopper.shopperId, 5000);

    const image = await app().inject({ method: 'GET', url: `/api/admin/orders/${order.id}/payment-qr.png?size=300`, headers: clerk.headers });
    expect(image.statusCode, image.body.slice(0, 200)).toBe(200);
    expect(image.headers['content-type']).toBe('image/png');
    expect(image.headers['cache-control']).toBe('private, no-store');
    expect(image.headers['content-disposition']).toBe(`inline; filename="order-${order.number}-payment.png"`);
    const scanned = decodePng(image.rawPayload);
    expect(scanned.startsWith(`${PUBLIC_URL}/s/`)).toBe(true);

    // The widget posts what it read, link and all.
    const paid = await payByCode(shopper, scanned);
    expect(paid.statusCode, paid.body).toBe(200);
    expect(paid.json()).toMatchObject({ id: order.id, status: 'paid', paymentMethod: 'wallet' });
    expect(await walletBalanceMinor(app(), shopper.shopperId)).toBe(5000 - 1800);
    expect((await ledgerLegs(app(), order.id)).map((leg) => leg.direction)).toEqual(['shopper_wallet -> escrow']);
  });

  it('is served by the store API as JSON, SVG and PNG, expiring with the payment window', async () => {
    const shopper = await createGuestShopper(app());
    const order = await placeOrder(shopper);
    const code = await app().inject({ method: 'GET', url: `/api/store/orders/${order.id}/payment-qr`, headers: shopper.headers });
    expect(code.statusCode).toBe(200);
    const body = code.json();
    const { rows } = await app().database.pool.query<{ dueAt: Date }>('select payment_due_at as "dueAt" from shop_order where id = $1', [order.id]);
    expect(body).toMatchObject({ orderId: order.id, url: `${PUBLIC_URL}/s/${body.token}` });
    expect(Date.parse(body.expiresAt)).toBe(Math.floor((rows[0]?.dueAt.getTime() ?? 0) / 1000) * 1000);
    expect(app().services.qr.verify(body.token, { expectedType: 'order' })).toMatchObject({ orderId: order.id, shopId: shop.shopId, merchantId: owner.merchantId });

    const svg = await app().inject({ method: 'GET', url: `/api/store/orders/${order.id}/payment-qr.svg`, headers: shopper.headers });
    expect(svg.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(svg.body).toMatch(/^<svg [\s\S]*<\/svg>\s*$/);
    const png = await app().inject({ method: 'GET', url: `/api/store/orders/${order.id}/payment-qr.png`, headers: shopper.headers });
    expect(decodePng(png.rawPayload)).toMatch(new RegExp(`^${PUBLIC_URL}/s/[A-Za-z0-9_-]+$`));

    // The bare token pays as well as the link.
    await fundWallet(app(), shopper.shopperId, 1800);
    expect((await payByCode(shopper, body.token)).json()).toMatchObject({ status: 'paid' });
  });

  it("is not served for another merchant's or shopper's order (404) nor for a paid one (409)", async () => {
    const shopper = await createGuestShopper(app());
    const stranger = await createGuestShopper(app());
    const order = await placeOrder(shopper);
    expect((await app().inject({ method: 'GET', url: `/api/admin/orders/${order.id}/payment-qr`, headers: otherMerchant.headers })).statusCode).toBe(404);
    expect((await app().inject({ method: 'GET', url: `/api/store/orders/${order.id}/payment-qr.png`, headers: stranger.headers })).statusCode).toBe(404);
    expect((await app().inject({ method: 'GET', url: `/api/store/orders/${newId()}/payment-qr`, headers: shopper.headers })).statusCode).toBe(404);
    await fundWallet(app(), shopper.shopperId, 1800);
    expect((await pay(app(), shopper, order.id)).statusCode).toBe(200);
    const paid = await app().inject({ method: 'GET', url: `/api/admin/orders/${order.id}/payment-qr.svg`, headers: owner.headers });
    expect(paid.statusCode).toBe(409);
    expect(paid.json()).toMatchObject({ code: 'order_not_awaiting_payment' });
  });

  it('refuses a replayed code with 409 once the order is paid, moving nothing twice', async () => {
    const shopper = await createGuestShopper(app());
    const order = await placeOrder(shopper);
    await fundWallet(app(), shopper.shopperId, 10_000);
    const { token } = (await app().inject({ method: 'GET', url: `/api/store/orders/${order.id}/payment-qr`, headers: shopper.headers })).json();
    expect((await payByCode(shopper, token)).statusCode).toBe(200);
    const before = await moneySnapshot(shopper.shopperId);

    const replay = await payByCode(shopper, token);
    expect(replay.statusCode).toBe(409);
    expect(replay.json()).toMatchObject({ code: 'order_not_awaiting_payment', errors: { status: 'is paid' } });
    expect(await moneySnapshot(shopper.shopperId)).toEqual(before);
  });

  it('refuses tampered, expired, wrong-type and other shops\' codes with 400, and another shopper\'s order with 404, moving nothing', async () => {
    const shopper = await createGuestShopper(app());
    const stranger = await createGuestShopper(app());
    const order = await placeOrder(shopper);
    const otherShopOrder = await placeOrder(shopper, otherShop);
    await fundWallet(app(), shopper.shopperId, 10_000);
    await fundWallet(app(), stranger.shopperId, 10_000);
    const { token } = (await app().inject({ method: 'GET', url: `/api/store/orders/${order.id}/payment-qr`, headers: shopper.headers })).json();
    const { qr } = app().services;
    const nowSeconds = Math.floor(Date.now() / 1000);
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    const cases = [
      { name: 'tampered', token: `${token.slice(0, -1)}${last}`, code: 'qr_tampered' },
      { name: 'signed elsewhere', token: `${PUBLIC_URL.replace('shop', 'evil')}/s/${token}`, code: 'qr_tampered' },
      { name: 'expired', token: qr.sign({ type: 'order', merchantId: owner.merchantId, shopId: shop.shopId, orderId: order.id, expiresAtSeconds: nowSeconds - 1 }), code: 'qr_expired' },
      { name: 'a payment code', token: qr.sign({ type: 'payment_code', shopperId: shopper.shopperId, expiresAtSeconds: nowSeconds + 60 }), code: 'qr_wrong_type' },
      { name: 'a shop code', token: qr.sign({ type: 'shop', merchantId: owner.merchantId, shopId: shop.shopId }), code: 'qr_wrong_type' },
    ];
    const before = await moneySnapshot(shopper.shopperId);
    for (const attempt of cases) {
      const response = await payByCode(shopper, attempt.token);
      expect(response.statusCode, attempt.name).toBe(400);
      expect(response.json(), attempt.name).toMatchObject({ type: 'validation', code: attempt.code, errors: { token: expect.any(String) } });
    }

    // A code of shop B scanned in shop A's widget.
    const otherShopCode = (await app().inject({ method: 'GET', url: `/api/store/orders/${otherShopOrder.id}/payment-qr`, headers: shopper.headers })).json();
    const foreign = await payByCode(shopper, otherShopCode.token, shop.slug);
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json()).toMatchObject({ code: 'qr_other_shop', errors: { token: 'was issued for another shop' } });

    // Another shopper scanning this shopper's order.
    const strangers = await payByCode(stranger, token);
    expect(strangers.statusCode).toBe(404);
    expect(strangers.json()).toMatchObject({ code: 'order_not_found' });

    expect((await payByCode(shopper, token, 'no-such-shop')).json()).toMatchObject({ code: 'shop_not_found' });
    expect(await moneySnapshot(shopper.shopperId)).toEqual(before);
    expect(await walletBalanceMinor(app(), stranger.shopperId)).toBe(10_000);
    expect((await app().inject({ method: 'GET', url: `/api/store/orders/${order.id}`, headers: shopper.headers })).json()).toMatchObject({ status: 'pending_payment' });
  });

  it('refuses a wallet too small with 422 and leaves the order unpaid', async () => {
    const shopper = await createGuestShopper(app());
    const order = await placeOrder(shopper);
    await fundWallet(app(), shopper.shopperId, 100);
    const { token } = (await app().inject({ method: 'GET', url: `/api/store/orders/${order.id}/payment-qr`, headers: shopper.headers })).json();
    const before = await moneySnapshot(shopper.shopperId);
    const response = await payByCode(shopper, token);
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'insufficient_funds' });
    expect(await moneySnapshot(shopper.shopperId)).toEqual(before);
  });
});
