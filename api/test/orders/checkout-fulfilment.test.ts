import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../db/src/ids.ts';
import { orderDeliveryAddress } from '../../../db/src/modules/fulfilment/order-delivery-address.ts';
import type { TestApp } from '../helpers/app.ts';
import { checkout, closeOrdersFixture, countRows, createOrdersFixture, escrowBalanceMinor, fundWallet, pay, walletBalanceMinor } from '../helpers/orders.ts';
import { createGuestShopper, createStoreFixture, type ShopperSession, type StoreFixture } from '../helpers/shoppers.ts';
import { createMerchantWithStaff, type StaffSession } from '../helpers/staff.ts';

let testApp: TestApp;
let owner: StaffSession;
/** Delivers in Berlin by distance bands from its position, and offers pickup. */
let bandShop: StoreFixture;
let shopper: ShopperSession;

const SHOP_POSITION = { latitude: 52.52, longitude: 13.405 };
/** A point `meters` due north of the shop (one degree of latitude is 111,195 m on the mean sphere). */
const north = (meters: number) => ({ latitude: SHOP_POSITION.latitude + meters / 111_195.08, longitude: SHOP_POSITION.longitude });
const BANDS = [
  { upToMeters: 2_000, feeMinor: 300 },
  { upToMeters: 5_000, feeMinor: 600 },
];

const address = (meters: number | null, overrides: object = {}) => ({
  recipient: 'Ada Lovelace',
  phone: '+49 30 5550199',
  line1: 'Chausseestraße 8',
  city: 'Berlin',
  postalCode: '10115',
  country: 'DE',
  ...(meters === null ? {} : { position: north(meters) }),
  ...overrides,
});

beforeAll(async () => {
  ({ testApp, owner, shop: bandShop, shopper } = await createOrdersFixture([{ priceMinor: 1000, stockOnHand: 1000, title: 'Tin' }]));
  const configured = await configureShop(bandShop, {
    fulfilmentMethods: ['delivery', 'pickup'],
    position: SHOP_POSITION,
    delivery: { fee: { kind: 'distance_bands', bands: BANDS }, area: { maxDistanceMeters: 5_000, countries: ['DE'] } },
  });
  expect(configured.statusCode, configured.body).toBe(200);
});
afterAll(() => closeOrdersFixture(testApp));

const tin = (shop: StoreFixture = bandShop) => shop.variantIds[0] as string;

function configureShop(shop: StoreFixture, payload: object, session: StaffSession = owner) {
  return testApp.app.inject({ method: 'PUT', url: `/api/admin/shops/${shop.shopId}`, headers: session.headers, payload });
}

async function saveAddress(session: ShopperSession, payload: object): Promise<{ id: string }> {
  const response = await testApp.app.inject({ method: 'POST', url: '/api/store/addresses', headers: session.headers, payload });
  expect(response.statusCode).toBe(201);
  return response.json();
}

async function newShop(settings: object, variants = [{ priceMinor: 1000, stockOnHand: 1000 }]): Promise<StoreFixture> {
  const shop = await createStoreFixture(testApp.app, owner.merchantId, { variants });
  const response = await configureShop(shop, settings);
  expect(response.statusCode, response.body).toBe(200);
  return shop;
}

/** Everything a refused checkout must leave as it was. */
async function snapshot() {
  const { rows } = await testApp.database.pool.query<{ reserved: number }>('select coalesce(sum(stock_reserved), 0)::int as reserved from variant');
  return {
    orders: await countRows(testApp.app, 'shop_order'),
    lines: await countRows(testApp.app, 'order_line'),
    outbox: await countRows(testApp.app, 'outbox'),
    reserved: rows[0]?.reserved,
  };
}

/** The token a table's printed QR code carries, read back from the PNG the console serves. */
async function scanTableToken(shop: StoreFixture, table: string): Promise<string> {
  const image = await testApp.app.inject({ method: 'GET', url: `/api/admin/qr-codes/shops/${shop.shopId}/tables/${encodeURIComponent(table)}.png`, headers: owner.headers });
  expect(image.statusCode).toBe(200);
  const png = PNG.sync.read(image.rawPayload);
  const code = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height);
  const token = code?.data.split('/s/')[1];
  if (!token) throw new Error('no table token in the QR code');
  return token;
}

describe("a shop's fulfilment settings (PUT /api/admin/shops/:id)", () => {
  it('stores the methods, position, area and fee rules, and shows them', async () => {
    const shown = await testApp.app.inject({ method: 'GET', url: `/api/admin/shops/${bandShop.shopId}`, headers: owner.headers });
    expect(shown.json()).toMatchObject({
      fulfilmentMethods: ['delivery', 'pickup'],
      position: SHOP_POSITION,
      delivery: { fee: { kind: 'distance_bands', bands: BANDS }, area: { maxDistanceMeters: 5_000, countries: ['DE'] } },
    });
  });

  it("tells the storefront what the shop offers and how delivery is charged, but not the shop's position or area", async () => {
    const response = await testApp.app.inject({ method: 'GET', url: `/api/store/shops/${bandShop.slug}` });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ fulfilmentMethods: ['delivery', 'pickup'], delivery: { fee: { kind: 'distance_bands', bands: BANDS }, freeFromSubtotalMinor: null } });
    expect(response.json()).not.toHaveProperty('position');
    expect(response.json().delivery).not.toHaveProperty('area');
  });

  it('refuses rules that do not hold together with 400 naming the field, and keeps the shop as it was', async () => {
    const shop = await createStoreFixture(testApp.app, owner.merchantId);
    const cases: [object, string][] = [
      [{ fulfilmentMethods: ['delivery'] }, 'delivery'],
      [{ fulfilmentMethods: ['delivery'], delivery: { fee: { kind: 'distance_bands', bands: BANDS } } }, 'position'],
      [{ fulfilmentMethods: ['delivery'], delivery: { fee: { kind: 'flat', feeMinor: 100 }, area: { maxDistanceMeters: 1000 } } }, 'position'],
      [{ fulfilmentMethods: ['delivery'], position: SHOP_POSITION, delivery: { fee: { kind: 'distance_bands', bands: [...BANDS].reverse() } } }, 'delivery.fee.bands'],
      [{ fulfilmentMethods: ['delivery'], delivery: { fee: { kind: 'flat', feeMinor: 100 }, area: { countries: ['DE', 'XX'] } } }, 'delivery.area.countries'],
      [{ fulfilmentMethods: ['delivery'], delivery: { fee: { kind: 'flat', feeMinor: -1 } } }, 'delivery.fee.feeMinor'],
      [{ fulfilmentMethods: [] }, 'fulfilmentMethods'],
      [{ fulfilmentMethods: ['drone'] }, 'fulfilmentMethods.0'],
      [{ position: { latitude: 0, longitude: 181 } }, 'position.longitude'],
    ];
    for (const [payload, field] of cases) {
      const response = await configureShop(shop, payload);
      expect(response.statusCode, field).toBe(400);
      expect(Object.keys(response.json().errors ?? {}).some((name) => name === field || name.startsWith(`${field}`)), `${field}: ${response.body}`).toBe(true);
    }
    const { rows } = await testApp.database.pool.query('select fulfilment_methods, position, delivery from shop where id = $1', [shop.shopId]);
    expect(rows[0]).toEqual({ fulfilment_methods: ['pickup'], position: null, delivery: null });
  });

  it('opens a shop with its fulfilment settings, pickup only by default, and refuses delivery without rules', async () => {
    const open = (payload: object) => testApp.app.inject({ method: 'POST', url: '/api/admin/shops', headers: owner.headers, payload: { name: 'Kiosk', currency: 'EUR', ...payload } });
    expect((await open({ slug: `kiosk-${newId().slice(-8)}` })).json()).toMatchObject({ fulfilmentMethods: ['pickup'], position: null, delivery: null });
    const refused = await open({ slug: `kiosk-${newId().slice(-8)}`, fulfilmentMethods: ['delivery'] });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors).toEqual({ delivery: 'is required when fulfilmentMethods includes delivery' });
    const delivering = await open({
      slug: `kiosk-${newId().slice(-8)}`,
      fulfilmentMethods: ['delivery'],
      position: SHOP_POSITION,
      delivery: { fee: { kind: 'distance_bands', bands: BANDS, feeMinor: 99 }, freeFromSubtotalMinor: 9_000 },
    });
    expect(delivering.statusCode, delivering.body).toBe(201);
    // Properties of the other fee kind are dropped, not stored.
    expect(delivering.json().delivery).toEqual({ fee: { kind: 'distance_bands', bands: BANDS }, freeFromSubtotalMinor: 9_000 });
  });

  it("answers 404 for another merchant's shop", async () => {
    const stranger = await createMerchantWithStaff(testApp.app, 'owner');
    const response = await configureShop(bandShop, { fulfilmentMethods: ['pickup'] }, stranger);
    expect(response.statusCode).toBe(404);
  });
});

describe('delivery at checkout', () => {
  it("charges the distance band's fee for a saved address, and the wallet pays goods and fee to the cent into escrow", async () => {
    const buyer = await createGuestShopper(testApp.app);
    const saved = await saveAddress(buyer, address(3_000));
    const response = await checkout(testApp.app, buyer, bandShop.slug, { source: 'buy_now', variantId: tin(), quantity: 2, fulfilmentMethod: 'delivery', addressId: saved.id });
    expect(response.statusCode, response.body).toBe(201);
    const order = response.json();
    expect(order).toMatchObject({
      fulfilmentMethod: 'delivery',
      subtotalMinor: 2000,
      deliveryFeeMinor: 600,
      totalMinor: 2600,
      deliveryDistanceMeters: 3_000,
      tableLabel: null,
      deliveryAddress: { ...address(3_000), line2: '' },
    });

    await fundWallet(testApp.app, buyer.shopperId, 2600);
    const escrowBefore = await escrowBalanceMinor(testApp.app);
    const paid = await pay(testApp.app, buyer, order.id);
    expect(paid.statusCode).toBe(200);
    expect(paid.json()).toMatchObject({ status: 'paid', totalMinor: 2600, deliveryFeeMinor: 600 });
    expect(await walletBalanceMinor(testApp.app, buyer.shopperId)).toBe(0);
    expect((await escrowBalanceMinor(testApp.app)) - escrowBefore).toBe(2600);
  });

  it('takes the nearer band for a nearer inline address, and the method follows from the address when none is named', async () => {
    const response = await checkout(testApp.app, shopper, bandShop.slug, { source: 'buy_now', variantId: tin(), address: address(1_500) });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({ fulfilmentMethod: 'delivery', subtotalMinor: 1000, deliveryFeeMinor: 300, totalMinor: 1300, deliveryDistanceMeters: 1_500 });
  });

  it('prices a whole cart for delivery and empties the cart', async () => {
    const buyer = await createGuestShopper(testApp.app);
    await testApp.app.inject({ method: 'PUT', url: `/api/store/shops/${bandShop.slug}/cart/lines/${tin()}`, headers: buyer.headers, payload: { quantity: 3 } });
    const saved = await saveAddress(buyer, address(500));
    const response = await checkout(testApp.app, buyer, bandShop.slug, { source: 'cart', addressId: saved.id });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({ source: 'cart', fulfilmentMethod: 'delivery', subtotalMinor: 3000, deliveryFeeMinor: 300, totalMinor: 3300 });
    const cart = await testApp.app.inject({ method: 'GET', url: `/api/store/shops/${bandShop.slug}/cart`, headers: buyer.headers });
    expect(cart.json().lines).toEqual([]);
  });

  it('refuses an address outside the delivery area with 422 naming the field, and changes nothing (no order, no stock reserved)', async () => {
    const buyer = await createGuestShopper(testApp.app);
    const far = await saveAddress(buyer, address(8_000));
    const before = await snapshot();

    const bySavedAddress = await checkout(testApp.app, buyer, bandShop.slug, { source: 'buy_now', variantId: tin(), addressId: far.id });
    expect(bySavedAddress.statusCode).toBe(422);
    expect(bySavedAddress.json()).toMatchObject({ code: 'outside_delivery_area', errors: { addressId: expect.stringMatching(/8000 m from the shop, the limit is 5000 m/) } });

    const abroad = await checkout(testApp.app, buyer, bandShop.slug, { source: 'buy_now', variantId: tin(), address: address(1_000, { country: 'PL' }) });
    expect(abroad.statusCode).toBe(422);
    expect(abroad.json()).toMatchObject({ code: 'outside_delivery_area', errors: { address: expect.stringMatching(/delivers to DE/) } });

    const unplaced = await checkout(testApp.app, buyer, bandShop.slug, { source: 'buy_now', variantId: tin(), address: address(null) });
    expect(unplaced.statusCode).toBe(422);
    expect(unplaced.json().errors).toEqual({ address: expect.stringMatching(/needs a position/) });

    await testApp.app.inject({ method: 'PUT', url: `/api/store/shops/${bandShop.slug}/cart/lines/${tin()}`, headers: buyer.headers, payload: { quantity: 2 } });
    const fromCart = await checkout(testApp.app, buyer, bandShop.slug, { source: 'cart', addressId: far.id });
    expect(fromCart.statusCode).toBe(422);
    expect(fromCart.json().errors).toHaveProperty('addressId');

    expect(await snapshot()).toEqual(before);
    const cart = await testApp.app.inject({ method: 'GET', url: `/api/store/shops/${bandShop.slug}/cart`, headers: buyer.headers });
    expect(cart.json().lines).toHaveLength(1);
  });

  it("refuses another shopper's saved address with 400 naming addressId, as if it did not exist", async () => {
    const other = await createGuestShopper(testApp.app);
    const theirs = await saveAddress(other, address(1_000));
    const before = await snapshot();
    for (const addressId of [theirs.id, newId()]) {
      const response = await checkout(testApp.app, shopper, bandShop.slug, { source: 'buy_now', variantId: tin(), addressId });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'address_not_found', errors: { addressId: 'is not in your address book' } });
    }
    expect(await snapshot()).toEqual(before);
  });

  it('refuses inputs that do not go together with 400 naming the field', async () => {
    const cases: [object, string][] = [
      [{ fulfilmentMethod: 'delivery' }, 'addressId'],
      [{ addressId: newId(), address: address(1_000) }, 'address'],
      [{ fulfilmentMethod: 'pickup', address: address(1_000) }, 'address'],
      [{ address: address(1_000, { phone: 'none' }) }, 'address.phone'],
      [{ address: address(1_000, { country: 'QQ' }) }, 'address.country'],
      [{ fulfilmentMethod: 'pickup', tableToken: 'abc' }, 'tableToken'],
      [{ fulfilmentMethod: 'table' }, 'tableToken'],
      [{ fulfilmentMethod: 'teleport' }, 'fulfilmentMethod'],
    ];
    const before = await snapshot();
    for (const [fields, field] of cases) {
      const response = await checkout(testApp.app, shopper, bandShop.slug, { source: 'buy_now', variantId: tin(), ...fields });
      expect(response.statusCode, `${field}: ${response.body}`).toBe(400);
      expect(response.json().errors, field).toHaveProperty([field]);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('keeps the address as it was at checkout when the book changes later; the merchant sees it, lists do not carry it', async () => {
    const buyer = await createGuestShopper(testApp.app);
    const saved = await saveAddress(buyer, address(1_000, { line2: 'Hinterhaus' }));
    const order = (await checkout(testApp.app, buyer, bandShop.slug, { source: 'buy_now', variantId: tin(), addressId: saved.id })).json();
    const changed = await testApp.app.inject({ method: 'PUT', url: `/api/store/addresses/${saved.id}`, headers: buyer.headers, payload: { line1: 'Somewhere Else 1', phone: '+49 30 1111111' } });
    expect(changed.statusCode).toBe(200);
    await testApp.app.inject({ method: 'DELETE', url: `/api/store/addresses/${saved.id}`, headers: buyer.headers });

    const asShopperSees = await testApp.app.inject({ method: 'GET', url: `/api/store/orders/${order.id}`, headers: buyer.headers });
    expect(asShopperSees.json().deliveryAddress).toEqual({ ...address(1_000, { line2: 'Hinterhaus' }) });
    const asMerchantSees = await testApp.app.inject({ method: 'GET', url: `/api/admin/orders/${order.id}`, headers: owner.headers });
    expect(asMerchantSees.json()).toMatchObject({ fulfilmentMethod: 'delivery', deliveryFeeMinor: 300, subtotalMinor: 1000, deliveryAddress: { line1: 'Chausseestraße 8', line2: 'Hinterhaus', phone: '+49 30 5550199' } });
    const list = await testApp.app.inject({ method: 'GET', url: `/api/admin/orders?filter=${encodeURIComponent(JSON.stringify({ id: [order.id] }))}`, headers: owner.headers });
    expect(list.json()).toHaveLength(1);
    expect(list.json()[0]).toMatchObject({ fulfilmentMethod: 'delivery', subtotalMinor: 1000, deliveryFeeMinor: 300, totalMinor: 1300 });
    expect(list.json()[0]).not.toHaveProperty('deliveryAddress');
    const deliveries = await testApp.app.inject({ method: 'GET', url: `/api/admin/orders?filter=${encodeURIComponent(JSON.stringify({ fulfilmentMethod: 'delivery' }))}&range=[0,499]`, headers: owner.headers });
    expect(deliveries.json().map((row: { id: string }) => row.id)).toContain(order.id);
    expect(new Set(deliveries.json().map((row: { fulfilmentMethod: string }) => row.fulfilmentMethod))).toEqual(new Set(['delivery']));
    const pickups = await testApp.app.inject({ method: 'GET', url: `/api/admin/orders?filter=${encodeURIComponent(JSON.stringify({ fulfilmentMethod: 'pickup' }))}&range=[0,499]`, headers: owner.headers });
    expect(pickups.json().map((row: { id: string }) => row.id)).not.toContain(order.id);

    const stranger = await createMerchantWithStaff(testApp.app, 'owner');
    expect(await orderDeliveryAddress(testApp.database.pool, order.id, owner.merchantId)).toEqual({
      orderId: order.id,
      fulfilmentMethod: 'delivery',
      address: address(1_000, { line2: 'Hinterhaus' }),
      distanceMeters: 1_000,
    });
    expect(await orderDeliveryAddress(testApp.database.pool, order.id, stranger.merchantId)).toBeNull();
  });

  it('answers a retry with the same Idempotency-Key with the same order, and another address under that key with 409', async () => {
    const buyer = await createGuestShopper(testApp.app);
    const saved = await saveAddress(buyer, address(1_000));
    const other = await saveAddress(buyer, address(4_000));
    const body = { source: 'buy_now', variantId: tin(), addressId: saved.id };
    const first = await checkout(testApp.app, buyer, bandShop.slug, body, 'delivery-retry');
    expect(first.statusCode).toBe(201);
    const retry = await checkout(testApp.app, buyer, bandShop.slug, body, 'delivery-retry');
    // A replay answers as the first time did, marked as a replay (docs/orders.md §8).
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toMatchObject({ id: first.json().id, deliveryFeeMinor: 300 });
    const reused = await checkout(testApp.app, buyer, bandShop.slug, { ...body, addressId: other.id }, 'delivery-retry');
    expect(reused.statusCode).toBe(409);
    expect(reused.json().errors).toHaveProperty('addressId');
  });

  it('recognises a retry with the same inline address, refuses another address under that key, and keeps no second copy of it', async () => {
    const buyer = await createGuestShopper(testApp.app);
    const body = { source: 'buy_now', variantId: tin(), address: address(1_000) };
    const first = await checkout(testApp.app, buyer, bandShop.slug, body, 'inline-retry');
    expect(first.statusCode).toBe(201);
    expect((await checkout(testApp.app, buyer, bandShop.slug, body, 'inline-retry')).json().id).toBe(first.json().id);
    const reused = await checkout(testApp.app, buyer, bandShop.slug, { ...body, address: address(1_000, { phone: '+49 30 0000000' }) }, 'inline-retry');
    expect(reused.statusCode).toBe(409);
    expect(reused.json().errors).toHaveProperty('address');
    const { rows } = await testApp.database.pool.query<{ request: string }>('select idempotency_request::text as request from shop_order where id = $1', [first.json().id]);
    expect(rows[0]?.request).not.toContain('5550199');
    expect(rows[0]?.request).toMatch(/"address": "sha256:[0-9a-f]{64}"/);
  });
});

describe('delivery quotes (POST /api/store/shops/:slug/delivery-quote)', () => {
  const quote = (session: ShopperSession, slug: string, payload: object) =>
    testApp.app.inject({ method: 'POST', url: `/api/store/shops/${slug}/delivery-quote`, headers: session.headers, payload });

  it('quotes what checkout would charge, by the same rules, and changes nothing', async () => {
    const buyer = await createGuestShopper(testApp.app);
    const saved = await saveAddress(buyer, address(3_000));
    const before = await snapshot();
    const byBook = await quote(buyer, bandShop.slug, { addressId: saved.id });
    expect(byBook.statusCode, byBook.body).toBe(200);
    expect(byBook.json()).toEqual({ deliveryFeeMinor: 600, baseFeeMinor: 600, freeFromSubtotalMinor: null, distanceMeters: 3_000 });
    expect((await quote(buyer, bandShop.slug, { address: address(1_999) })).json()).toMatchObject({ deliveryFeeMinor: 300, distanceMeters: 1_999 });
    expect(await snapshot()).toEqual(before);
    const placed = await checkout(testApp.app, buyer, bandShop.slug, { source: 'buy_now', variantId: tin(), addressId: saved.id });
    expect(placed.json().deliveryFeeMinor).toBe(byBook.json().deliveryFeeMinor);
  });

  it('refuses an address outside the area, another shopper\'s address and a shop without delivery, naming the field', async () => {
    const buyer = await createGuestShopper(testApp.app);
    const far = await saveAddress(buyer, address(9_000));
    const outside = await quote(buyer, bandShop.slug, { addressId: far.id });
    expect(outside.statusCode).toBe(422);
    expect(outside.json()).toMatchObject({ code: 'outside_delivery_area', errors: { addressId: expect.any(String) } });
    const theirs = await quote(shopper, bandShop.slug, { addressId: far.id });
    expect(theirs.statusCode).toBe(400);
    expect(theirs.json().errors).toEqual({ addressId: 'is not in your address book' });
    const pickupShop = await createStoreFixture(testApp.app, owner.merchantId);
    const noDelivery = await quote(buyer, pickupShop.slug, { address: address(100) });
    expect(noDelivery.statusCode).toBe(422);
    expect(noDelivery.json().code).toBe('fulfilment_method_not_offered');
    expect((await quote(buyer, bandShop.slug, {})).json().errors).toHaveProperty('addressId');
  });
});

describe('flat fee and free delivery above an amount', () => {
  let flatShop: StoreFixture;

  beforeAll(async () => {
    flatShop = await newShop({
      fulfilmentMethods: ['delivery'],
      delivery: { fee: { kind: 'flat', feeMinor: 450 }, freeFromSubtotalMinor: 5_000, area: { countries: ['DE'], postalCodePrefixes: ['10', '12'] } },
    });
  });

  it('charges the flat fee below the threshold and the wallet pays it to the cent', async () => {
    const buyer = await createGuestShopper(testApp.app);
    const order = (await checkout(testApp.app, buyer, flatShop.slug, { source: 'buy_now', variantId: tin(flatShop), quantity: 4, address: address(null) })).json();
    expect(order).toMatchObject({ fulfilmentMethod: 'delivery', subtotalMinor: 4000, deliveryFeeMinor: 450, totalMinor: 4450, deliveryDistanceMeters: null });
    await fundWallet(testApp.app, buyer.shopperId, 4449);
    const short = await pay(testApp.app, buyer, order.id);
    expect(short.statusCode).toBe(422);
    expect(short.json().code).toBe('insufficient_funds');
    await fundWallet(testApp.app, buyer.shopperId, 1);
    expect((await pay(testApp.app, buyer, order.id)).statusCode).toBe(200);
    expect(await walletBalanceMinor(testApp.app, buyer.shopperId)).toBe(0);
  });

  it('delivers for free when the goods reach the threshold', async () => {
    const response = await checkout(testApp.app, shopper, flatShop.slug, { source: 'buy_now', variantId: tin(flatShop), quantity: 5, address: address(null) });
    expect(response.json()).toMatchObject({ subtotalMinor: 5000, deliveryFeeMinor: 0, totalMinor: 5000 });
  });

  it('quotes free delivery once the goods reach the threshold', async () => {
    const quote = (subtotalMinor: number) =>
      testApp.app.inject({ method: 'POST', url: `/api/store/shops/${flatShop.slug}/delivery-quote`, headers: shopper.headers, payload: { address: address(null), subtotalMinor } });
    expect((await quote(4_999)).json()).toEqual({ deliveryFeeMinor: 450, baseFeeMinor: 450, freeFromSubtotalMinor: 5_000, distanceMeters: null });
    expect((await quote(5_000)).json()).toMatchObject({ deliveryFeeMinor: 0, baseFeeMinor: 450 });
  });

  it('refuses a postal code outside the allowed prefixes, naming address', async () => {
    const before = await snapshot();
    const response = await checkout(testApp.app, shopper, flatShop.slug, { source: 'buy_now', variantId: tin(flatShop), address: address(null, { postalCode: '20095', city: 'Hamburg' }) });
    expect(response.statusCode).toBe(422);
    expect(response.json().errors).toEqual({ address: expect.stringMatching(/postal code/) });
    expect(await snapshot()).toEqual(before);
  });

  it('asks for a method when the shop does not offer pickup and none was named', async () => {
    const response = await checkout(testApp.app, shopper, flatShop.slug, { source: 'buy_now', variantId: tin(flatShop) });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual({ fulfilmentMethod: 'is required: this shop offers delivery' });
  });

  it('refuses pickup at a shop that only delivers with 422 naming fulfilmentMethod', async () => {
    const response = await checkout(testApp.app, shopper, flatShop.slug, { source: 'buy_now', variantId: tin(flatShop), fulfilmentMethod: 'pickup' });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'fulfilment_method_not_offered', errors: { fulfilmentMethod: expect.stringMatching(/offers delivery/) } });
  });
});

describe('pickup', () => {
  it('is what older clients get when they name no method at a shop that offers it, and costs nothing', async () => {
    const response = await checkout(testApp.app, shopper, bandShop.slug, { source: 'buy_now', variantId: tin(), quantity: 2 });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ fulfilmentMethod: 'pickup', subtotalMinor: 2000, deliveryFeeMinor: 0, totalMinor: 2000, deliveryAddress: null, tableLabel: null });
    const explicit = await checkout(testApp.app, shopper, bandShop.slug, { source: 'buy_now', variantId: tin(), fulfilmentMethod: 'pickup' });
    expect(explicit.json()).toMatchObject({ fulfilmentMethod: 'pickup', deliveryFeeMinor: 0, totalMinor: 1000 });
    expect(await orderDeliveryAddress(testApp.database.pool, explicit.json().id, owner.merchantId)).toBeNull();
  });

  it('refuses delivery at a shop that offers only pickup, naming fulfilmentMethod', async () => {
    const pickupShop = await createStoreFixture(testApp.app, owner.merchantId);
    const response = await checkout(testApp.app, shopper, pickupShop.slug, { source: 'buy_now', variantId: tin(pickupShop), address: address(100) });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'fulfilment_method_not_offered', errors: { fulfilmentMethod: expect.stringMatching(/offers pickup/) } });
  });
});

describe('table service', () => {
  let cafe: StoreFixture;

  beforeAll(async () => {
    cafe = await newShop({ fulfilmentMethods: ['table', 'pickup'] });
  });

  it("takes the table from the signed token of the table's QR code, with no fee", async () => {
    const token = await scanTableToken(cafe, 'Terrace 4');
    const response = await checkout(testApp.app, shopper, cafe.slug, { source: 'buy_now', variantId: tin(cafe), tableToken: token });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({ fulfilmentMethod: 'table', tableLabel: 'Terrace 4', deliveryFeeMinor: 0, totalMinor: 1000, deliveryAddress: null });
  });

  it("refuses a tampered token, another shop's table and a code that is not a table's with 400 naming tableToken, and changes nothing", async () => {
    const token = await scanTableToken(cafe, 'Terrace 4');
    const position = 30;
    const tampered = token.slice(0, position) + (token[position] === 'A' ? 'B' : 'A') + token.slice(position + 1);
    const otherCafe = await newShop({ fulfilmentMethods: ['table'] });
    const foreign = await scanTableToken(otherCafe, 'Terrace 4');
    const shopCode = testApp.app.services.qr.sign({ type: 'shop', merchantId: owner.merchantId, shopId: cafe.shopId });
    const before = await snapshot();
    for (const [tableToken, code] of [
      [tampered, 'qr_tampered'],
      [foreign, 'invalid_table_token'],
      [shopCode, 'qr_wrong_type'],
    ] as const) {
      const response = await checkout(testApp.app, shopper, cafe.slug, { source: 'buy_now', variantId: tin(cafe), fulfilmentMethod: 'table', tableToken });
      expect(response.statusCode, code).toBe(400);
      expect(response.json(), code).toMatchObject({ code, errors: { tableToken: expect.any(String) } });
    }
    expect(await snapshot()).toEqual(before);
  });

  it('refuses table service at a shop that does not offer it, even with a valid token of its own', async () => {
    const token = await scanTableToken(bandShop, 'Window');
    const response = await checkout(testApp.app, shopper, bandShop.slug, { source: 'buy_now', variantId: tin(), tableToken: token });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'fulfilment_method_not_offered', errors: { fulfilmentMethod: expect.any(String) } });
  });
});

describe('refunds of a delivered-to-the-door order', () => {
  async function paidDeliveryOrder(): Promise<{ id: string; buyer: ShopperSession; lineId: string }> {
    const buyer = await createGuestShopper(testApp.app);
    const order = (await checkout(testApp.app, buyer, bandShop.slug, { source: 'buy_now', variantId: tin(), quantity: 2, address: address(4_000) })).json();
    expect(order.totalMinor).toBe(2600);
    await fundWallet(testApp.app, buyer.shopperId, 2600);
    expect((await pay(testApp.app, buyer, order.id)).statusCode).toBe(200);
    return { id: order.id, buyer, lineId: order.lines[0].id };
  }

  function refund(orderId: string, payload: object) {
    return testApp.app.inject({ method: 'POST', url: `/api/admin/orders/${orderId}/refunds`, headers: { ...owner.headers, 'idempotency-key': newId() }, payload });
  }

  it('gives back goods and fee when everything is refunded', async () => {
    const { id, buyer } = await paidDeliveryOrder();
    const response = await refund(id, {});
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({ status: 'refunded', refundedMinor: 2600 });
    expect(await walletBalanceMinor(testApp.app, buyer.shopperId)).toBe(2600);
  });

  it('keeps the fee when only the lines are refunded; an amount refund can give it back after', async () => {
    const { id, buyer, lineId } = await paidDeliveryOrder();
    const lines = await refund(id, { lines: [{ lineId, quantity: 2 }] });
    expect(lines.json()).toMatchObject({ status: 'partially_refunded', refundedMinor: 2000 });
    expect(await walletBalanceMinor(testApp.app, buyer.shopperId)).toBe(2000);
    const tooMuch = await refund(id, { amountMinor: 601 });
    expect(tooMuch.statusCode).toBe(422);
    const fee = await refund(id, { amountMinor: 600 });
    expect(fee.json()).toMatchObject({ status: 'refunded', refundedMinor: 2600 });
    expect(await walletBalanceMinor(testApp.app, buyer.shopperId)).toBe(2600);
  });
});
