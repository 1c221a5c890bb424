import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../../db/src/ids.ts';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import helmet from 'helmet';
import { API_HELMET_OPTIONS, HELMET_HEADER_NAMES, HELMET_OPTIONS } from '../../../src/http/security-headers.ts';
import { buildTestApp, type TestApp } from '../../helpers/app.ts';
import { createCategory, createProduct, createShop, createVariant, moveStock } from '../../helpers/catalog.ts';
import { reserveByAnotherShopper } from '../../helpers/orders.ts';
import { createMerchantWithStaff, type StaffSession } from '../../helpers/staff.ts';

let testApp: TestApp;
let owner: StaffSession;
let shop: { id: string; slug: string };
let teaCategoryId: string;
let sencha: { id: string };
let senchaVariant: { id: string };

function store(url: string, headers: Record<string, string> = {}) {
  return testApp.app.inject({ method: 'GET', url: `/api/store/shops/${url}`, headers });
}

beforeAll(async () => {
  testApp = await buildTestApp();
  owner = await createMerchantWithStaff(testApp.app, 'owner');
  shop = await createShop(testApp.app, owner, { name: 'Lotus Tea House', description: 'Loose leaf', currency: 'EUR' });
  teaCategoryId = (await createCategory(testApp.app, owner, shop.id, { name: 'Tea', position: 1 })).id;
  await createCategory(testApp.app, owner, shop.id, { name: 'Teaware', position: 2 });
  sencha = await createProduct(testApp.app, owner, shop.id, { title: 'Sencha', categoryId: teaCategoryId, images: [{ url: 'https://images.example/sencha.jpg', alt: 'Sencha' }] });
  senchaVariant = await createVariant(testApp.app, owner, sencha.id, { sku: 'SEN-50', title: '50 g', priceMinor: 750, stockOnHand: 4 });
  await createVariant(testApp.app, owner, sencha.id, { sku: 'SEN-100', title: '100 g', priceMinor: 1300, stockOnHand: 0, position: 1 });
  await createProduct(testApp.app, owner, shop.id, { title: 'Secret draft', status: 'draft', categoryId: teaCategoryId });
  await createProduct(testApp.app, owner, shop.id, { title: 'Old archived', status: 'archived' });
});
afterAll(() => testApp.close());

describe('GET /api/store/shops/:slug', () => {
  it('shows an open shop without authentication, with a strong ETag and revalidation headers', async () => {
    const response = await store(shop.slug);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ slug: shop.slug, name: 'Lotus Tea House', description: 'Loose leaf', currency: 'EUR', status: 'open', fulfilmentMethods: ['pickup'], delivery: null });
    expect(response.headers['etag']).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(response.headers['cache-control']).toBe('public, max-age=0, must-revalidate');
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it("sends exactly the headers helmet's own middleware writes on a real response: the API's short set under /api/, the documents' set elsewhere", async () => {
    const pick = (headers: Record<string, unknown>) => Object.fromEntries(HELMET_HEADER_NAMES.filter((name) => name in headers).map((name) => [name, String(headers[name])]));
    const fromHelmet = (options: typeof HELMET_OPTIONS) => {
      const response = new ServerResponse(new IncomingMessage(new Socket()));
      helmet(options)(response.req, response, () => undefined);
      return pick(response.getHeaders());
    };
    const forApi = fromHelmet(API_HELMET_OPTIONS);
    const forDocuments = fromHelmet(HELMET_OPTIONS);
    expect(forApi).toMatchObject({ 'content-security-policy': "default-src 'none';frame-ancestors 'none'", 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY' });
    expect(Object.keys(forDocuments).length).toBeGreaterThan(Object.keys(forApi).length);
    expect(pick((await store(shop.slug)).headers)).toEqual(forApi);
    expect(pick((await testApp.app.inject({ method: 'GET', url: '/api/admin/shops' })).headers)).toEqual(forApi);
    expect(pick((await testApp.app.inject({ method: 'GET', url: '/healthz' })).headers)).toEqual(forDocuments);
  });

  it('answers 304 with no body when If-None-Match names the current ETag (strong or weak form)', async () => {
    const { headers } = await store(shop.slug);
    const etag = headers['etag'] as string;
    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const response = await store(shop.slug, { 'if-none-match': ifNoneMatch });
      expect(response.statusCode, ifNoneMatch).toBe(304);
      expect(response.body, ifNoneMatch).toBe('');
      expect(response.headers['etag']).toBe(etag);
    }
    expect((await store(shop.slug, { 'if-none-match': '"stale"' })).statusCode).toBe(200);
  });

  it('answers 404 for an unknown slug and for a closed shop, the same way', async () => {
    const closed = await createShop(testApp.app, owner, { status: 'closed' });
    const unknown = await store('no-such-shop');
    const closedResponse = await store(closed.slug);
    expect(unknown.statusCode).toBe(404);
    expect(closedResponse.statusCode).toBe(404);
    expect(closedResponse.json()).toEqual(unknown.json());
    expect((await store(`${closed.slug}/products`)).statusCode).toBe(404);
    expect((await store(`${closed.slug}/categories`)).statusCode).toBe(404);
  });
});

describe('GET /api/store/shops/:slug/categories', () => {
  it('lists categories in menu order with their count of active products', async () => {
    const response = await store(`${shop.slug}/categories`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual([
      { id: teaCategoryId, name: 'Tea', position: 1, productCount: 1 },
      { id: expect.any(String), name: 'Teaware', position: 2, productCount: 0 },
    ]);
  });
});

describe('GET /api/store/shops/:slug/products', () => {
  it('lists only active products, with the lowest price, currency and availability', async () => {
    const response = await store(`${shop.slug}/products`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      items: [
        {
          id: sencha.id,
          title: 'Sencha',
          images: [{ url: 'https://images.example/sencha.jpg', alt: 'Sencha' }],
          // No uploaded photos (api/test/routes/admin/product-photos.test.ts uploads some).
          photos: [],
          priceFromMinor: 750,
          currency: 'EUR',
          categoryId: teaCategoryId,
          available: true,
        },
      ],
      page: 1,
      pageSize: 24,
      total: 1,
    });
  });

  it('pages newest first, counts the total, and filters by category and q', async () => {
    const pagingShop = await createShop(testApp.app, owner);
    const category = await createCategory(testApp.app, owner, pagingShop.id);
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1) {
      ids.push((await createProduct(testApp.app, owner, pagingShop.id, { title: `Cup ${index}`, categoryId: index % 2 ? category.id : null, description: index === 3 ? 'hand-thrown' : '' })).id);
    }
    const second = (await store(`${pagingShop.slug}/products?page=2&pageSize=2`)).json();
    expect(second).toMatchObject({ page: 2, pageSize: 2, total: 5 });
    expect(second.items.map((item: { id: string }) => item.id)).toEqual([ids[2], ids[1]]);
    const beyond = (await store(`${pagingShop.slug}/products?page=9&pageSize=2`)).json();
    expect(beyond).toEqual({ items: [], page: 9, pageSize: 2, total: 5 });

    const inCategory = (await store(`${pagingShop.slug}/products?categoryId=${category.id}`)).json();
    expect(inCategory.items.map((item: { id: string }) => item.id)).toEqual([ids[3], ids[1]]);
    const searched = (await store(`${pagingShop.slug}/products?q=THROWN`)).json();
    expect(searched.items.map((item: { id: string }) => item.id)).toEqual([ids[3]]);
    const byTitle = (await store(`${pagingShop.slug}/products?q=cup%204`)).json();
    expect(byTitle.items.map((item: { id: string }) => item.id)).toEqual([ids[4]]);
  });

  it('gzips a page once for clients that accept it, with its own ETag, and keeps identity bytes for the others', async () => {
    const bigShop = await createShop(testApp.app, owner);
    for (let index = 0; index < 8; index += 1) {
      await createProduct(testApp.app, owner, bigShop.id, { title: `Kyusu teapot ${index}`, images: [{ url: `https://images.example/kyusu-${index}.jpg`, alt: `Kyusu ${index}` }] });
    }
    const url = `${bigShop.slug}/products?pageSize=8`;
    const plain = await store(url);
    expect(plain.rawPayload.length).toBeGreaterThanOrEqual(1_024);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['vary']).toBe('Origin, Accept-Encoding');

    const zipped = await store(url, { 'accept-encoding': 'gzip, deflate, br' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers['vary']).toBe('Origin, Accept-Encoding');
    expect(zipped.rawPayload.length).toBeLessThan(plain.rawPayload.length / 2);
    expect(JSON.parse(gunzipSync(zipped.rawPayload).toString('utf8'))).toEqual(plain.json());
    expect(zipped.headers['etag']).not.toBe(plain.headers['etag']);
    expect((await store(url, { 'accept-encoding': 'gzip' })).rawPayload.equals(zipped.rawPayload)).toBe(true);

    // Each representation revalidates against its own validator.
    expect((await store(url, { 'accept-encoding': 'gzip', 'if-none-match': zipped.headers['etag'] as string })).statusCode).toBe(304);
    expect((await store(url, { 'accept-encoding': 'gzip', 'if-none-match': plain.headers['etag'] as string })).statusCode).toBe(200);
    // A client that refuses gzip, or names only codings we do not make, gets the identity bytes.
    for (const refusing of ['gzip;q=0', 'br', 'identity']) {
      const response = await store(url, { 'accept-encoding': refusing });
      expect(response.headers['content-encoding'], refusing).toBeUndefined();
      expect(response.headers['etag'], refusing).toBe(plain.headers['etag']);
    }
  });

  it('shows a product without variants, or with all stock reserved, as unavailable', async () => {
    const quietShop = await createShop(testApp.app, owner);
    const empty = await createProduct(testApp.app, owner, quietShop.id, { title: 'No variants' });
    const reserved = await createProduct(testApp.app, owner, quietShop.id, { title: 'All reserved' });
    const variant = await createVariant(testApp.app, owner, reserved.id, { stockOnHand: 2, priceMinor: 100 });
    await reserveByAnotherShopper(testApp.app, quietShop.slug, variant.id, 2);
    const items = (await store(`${quietShop.slug}/products`)).json().items;
    expect(items).toEqual([
      expect.objectContaining({ id: reserved.id, available: false, priceFromMinor: 100 }),
      expect.objectContaining({ id: empty.id, available: false, priceFromMinor: null }),
    ]);
  });

  it('refuses a page below 1, a page size above 100 and a malformed category with 400', async () => {
    for (const query of ['page=0', 'pageSize=101', 'pageSize=0', 'categoryId=nope', 'page=abc']) {
      const response = await store(`${shop.slug}/products?${query}`);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().type, query).toBe('validation');
    }
  });
});

describe('GET /api/store/shops/:slug/products/:productId', () => {
  it('shows an active product with its variants and their available units', async () => {
    await reserveByAnotherShopper(testApp.app, shop.slug, senchaVariant.id, 1);
    const response = await store(`${shop.slug}/products/${sencha.id}`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      id: sencha.id,
      title: 'Sencha',
      description: '',
      images: [{ url: 'https://images.example/sencha.jpg', alt: 'Sencha' }],
      photos: [],
      categoryId: teaCategoryId,
      currency: 'EUR',
      priceFromMinor: 750,
      available: true,
      variants: [
        { id: senchaVariant.id, sku: 'SEN-50', title: '50 g', priceMinor: 750, available: 3 },
        { id: expect.any(String), sku: 'SEN-100', title: '100 g', priceMinor: 1300, available: 0 },
      ],
    });
  });

  it('answers 404 for draft, archived and unknown products, and for a product of another shop', async () => {
    const products = (await testApp.app.inject({ method: 'GET', url: '/api/admin/products?range=[0,99]', headers: owner.headers })).json() as { id: string; title: string }[];
    const draft = products.find((product) => product.title === 'Secret draft')!;
    const archived = products.find((product) => product.title === 'Old archived')!;
    const otherShop = await createShop(testApp.app, owner);
    for (const url of [`${shop.slug}/products/${draft.id}`, `${shop.slug}/products/${archived.id}`, `${shop.slug}/products/${newId()}`, `${otherShop.slug}/products/${sencha.id}`]) {
      expect((await store(url)).statusCode, url).toBe(404);
    }
  });
});

describe('the store cache and admin writes', () => {
  it('shows an admin write in the store at once, with a new ETag', async () => {
    const liveShop = await createShop(testApp.app, owner);
    const before = await store(`${liveShop.slug}/products`);
    expect(before.json().total).toBe(0);

    const product = await createProduct(testApp.app, owner, liveShop.id, { title: 'Fresh' });
    const variant = await createVariant(testApp.app, owner, product.id, { priceMinor: 999, stockOnHand: 1 });
    const afterCreate = await store(`${liveShop.slug}/products`);
    expect(afterCreate.json().items).toEqual([expect.objectContaining({ id: product.id, priceFromMinor: 999, available: true })]);
    expect(afterCreate.headers['etag']).not.toBe(before.headers['etag']);
    expect((await store(`${liveShop.slug}/products`, { 'if-none-match': before.headers['etag'] as string })).statusCode).toBe(200);

    await testApp.app.inject({ method: 'PUT', url: `/api/admin/variants/${variant.id}`, headers: owner.headers, payload: { priceMinor: 1099 } });
    expect((await store(`${liveShop.slug}/products`)).json().items[0].priceFromMinor).toBe(1099);

    expect((await moveStock(testApp.app, owner, variant.id, -1, 'loss')).statusCode).toBe(201);
    expect((await store(`${liveShop.slug}/products/${product.id}`)).json().variants[0].available).toBe(0);

    await testApp.app.inject({ method: 'PUT', url: `/api/admin/products/${product.id}`, headers: owner.headers, payload: { status: 'archived' } });
    expect((await store(`${liveShop.slug}/products`)).json().total).toBe(0);
    expect((await store(`${liveShop.slug}/products/${product.id}`)).statusCode).toBe(404);

    await testApp.app.inject({ method: 'PUT', url: `/api/admin/shops/${liveShop.id}`, headers: owner.headers, payload: { status: 'closed' } });
    expect((await store(liveShop.slug)).statusCode).toBe(404);
  });

  it('serves repeated reads from memory, not from PostgreSQL', async () => {
    const cachedShop = await createShop(testApp.app, owner);
    await createProduct(testApp.app, owner, cachedShop.id, { title: 'Original' });
    expect((await store(`${cachedShop.slug}/products`)).json().items[0].title).toBe('Original');
    // Behind the service's back: the cache cannot know, so it keeps answering what it has.
    await testApp.database.pool.query(`update product set title = 'Changed behind its back' where shop_id = $1`, [cachedShop.id]);
    expect((await store(`${cachedShop.slug}/products`)).json().items[0].title).toBe('Original');
    await testApp.app.services.catalogInvalidations.shopChanged(cachedShop.id);
    expect((await store(`${cachedShop.slug}/products`)).json().items[0].title).toBe('Changed behind its back');
  });
});

describe('the store rate limit', () => {
  it('refuses a client beyond the per-minute limit with 429 and Retry-After, in the one error shape', async () => {
    const limited = await buildTestApp({ RATE_LIMIT_MAX_PER_MINUTE: '3' });
    try {
      const statuses = [];
      for (let index = 0; index < 4; index += 1) statuses.push((await limited.app.inject({ method: 'GET', url: '/api/store/shops/no-such-shop' })).statusCode);
      expect(statuses).toEqual([404, 404, 404, 429]);
      const refused = await limited.app.inject({ method: 'GET', url: '/api/store/shops/no-such-shop/products' });
      expect(refused.statusCode).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(refused.json()).toMatchObject({ type: 'rate_limited', code: 'rate_limited' });
    } finally {
      await limited.close();
    }
  });
});
