import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../../db/src/ids.ts';
import { buildTestApp, type TestApp } from '../../helpers/app.ts';
import { createCategory, createProduct, createShop, createVariant, moveStock } from '../../helpers/catalog.ts';
import { reserveByAnotherShopper } from '../../helpers/orders.ts';
import { createMerchantWithStaff, type StaffSession } from '../../helpers/staff.ts';

let testApp: TestApp;
let owner: StaffSession;
let shopId: string;
let shopSlug: string;

beforeAll(async () => {
  testApp = await buildTestApp();
  owner = await createMerchantWithStaff(testApp.app, 'owner');
  ({ id: shopId, slug: shopSlug } = await createShop(testApp.app, owner));
});
afterAll(() => testApp.close());

async function count(table: string, where = 'true', parameters: unknown[] = []): Promise<number> {
  const { rows } = await testApp.database.pool.query(`select count(*)::int as count from ${table} where ${where}`, parameters);
  return rows[0].count;
}

function listProducts(filter: object, extra = '') {
  return testApp.app.inject({ method: 'GET', url: `/api/admin/products?filter=${encodeURIComponent(JSON.stringify(filter))}${extra}`, headers: owner.headers });
}

describe('/api/admin/products', () => {
  it('creates a draft product by default, with images and no variants yet', async () => {
    const response = await testApp.app.inject({
      method: 'POST',
      url: '/api/admin/products',
      headers: owner.headers,
      payload: { shopId, title: 'Gyokuro', description: 'Shade-grown', images: [{ url: 'https://images.example/gyokuro.jpg' }] },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      shopId,
      categoryId: null,
      title: 'Gyokuro',
      status: 'draft',
      images: [{ url: 'https://images.example/gyokuro.jpg', alt: '' }],
      variantCount: 0,
      priceFromMinor: null,
      stockAvailable: 0,
    });
  });

  it('shows variant count, lowest price and available stock in list and get', async () => {
    const product = await createProduct(testApp.app, owner, shopId, { title: 'Matcha' });
    await createVariant(testApp.app, owner, product.id, { priceMinor: 2500, stockOnHand: 3 });
    await createVariant(testApp.app, owner, product.id, { priceMinor: 900, stockOnHand: 4 });
    const shown = (await testApp.app.inject({ method: 'GET', url: `/api/admin/products/${product.id}`, headers: owner.headers })).json();
    expect(shown).toMatchObject({ variantCount: 2, priceFromMinor: 900, stockAvailable: 7 });
    const [listed] = (await listProducts({ id: [product.id] })).json();
    expect(listed).toMatchObject({ id: product.id, variantCount: 2, priceFromMinor: 900, stockAvailable: 7 });
  });

  it('searches title and description with q, and filters by shop, category and status', async () => {
    const otherShop = await createShop(testApp.app, owner);
    const category = await createCategory(testApp.app, owner, shopId, { name: 'Herbal' });
    const chamomile = await createProduct(testApp.app, owner, shopId, { title: 'Chamomile', categoryId: category.id, description: 'Calming flowers' });
    const mint = await createProduct(testApp.app, owner, otherShop.id, { title: 'Peppermint', status: 'archived', description: 'Cooling leaves, 100% leaf' });

    expect((await listProducts({ q: 'chamo' })).json().map((product: { id: string }) => product.id)).toEqual([chamomile.id]);
    expect((await listProducts({ q: 'COOLING' })).json().map((product: { id: string }) => product.id)).toEqual([mint.id]);
    // A user's % is a literal percent sign, not a wildcard.
    expect((await listProducts({ q: '100%' })).json().map((product: { id: string }) => product.id)).toEqual([mint.id]);
    expect((await listProducts({ q: '%' })).json().map((product: { id: string }) => product.id)).toEqual([mint.id]);
    expect((await listProducts({ categoryId: category.id })).json().map((product: { id: string }) => product.id)).toEqual([chamomile.id]);
    expect((await listProducts({ shopId: otherShop.id })).json().map((product: { id: string }) => product.id)).toEqual([mint.id]);
    expect((await listProducts({ status: 'archived' })).json().map((product: { id: string }) => product.id)).toEqual([mint.id]);
  });

  it('sorts and pages with Content-Range', async () => {
    const all = (await listProducts({}, '&sort=["title","ASC"]&range=[0,499]')).json();
    const titles = all.map((product: { title: string }) => product.title);
    expect(titles).toEqual([...titles].sort((left: string, right: string) => left.localeCompare(right, 'en', { sensitivity: 'base' })));
    const page = await listProducts({}, '&sort=["title","ASC"]&range=[1,2]');
    expect(page.headers['content-range']).toBe(`products 1-2/${all.length}`);
    expect(page.json().map((product: { id: string }) => product.id)).toEqual(all.slice(1, 3).map((product: { id: string }) => product.id));
  });

  it('refuses a category of another shop with 400 naming categoryId, on create and on update', async () => {
    const otherShop = await createShop(testApp.app, owner);
    const foreignCategory = await createCategory(testApp.app, owner, otherShop.id);
    const before = await count('product');
    const created = await testApp.app.inject({ method: 'POST', url: '/api/admin/products', headers: owner.headers, payload: { shopId, title: 'Wrong', categoryId: foreignCategory.id } });
    expect(created.statusCode).toBe(400);
    expect(created.json().errors).toEqual({ categoryId: 'must be a category of the same shop' });
    expect(await count('product')).toBe(before);

    const product = await createProduct(testApp.app, owner, shopId, { title: 'Unchanged' });
    const updated = await testApp.app.inject({ method: 'PUT', url: `/api/admin/products/${product.id}`, headers: owner.headers, payload: { categoryId: foreignCategory.id, title: 'Changed' } });
    expect(updated.statusCode).toBe(400);
    const { rows } = await testApp.database.pool.query('select title, category_id from product where id = $1', [product.id]);
    expect(rows).toEqual([{ title: 'Unchanged', category_id: null }]);
  });

  it("refuses another merchant's shop with 400 naming shopId", async () => {
    const stranger = await createMerchantWithStaff(testApp.app, 'owner');
    const response = await testApp.app.inject({ method: 'POST', url: '/api/admin/products', headers: stranger.headers, payload: { shopId, title: 'Mine' } });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual({ shopId: 'does not exist' });
  });

  it('refuses a bad status, a bad image URL and an empty title with 400', async () => {
    const response = await testApp.app.inject({
      method: 'POST',
      url: '/api/admin/products',
      headers: owner.headers,
      payload: { shopId, title: '', status: 'sold', images: [{ url: 'javascript:alert(1)' }] },
    });
    expect(response.statusCode).toBe(400);
    expect(Object.keys(response.json().errors)).toEqual(expect.arrayContaining(['title', 'status', 'images.0.url']));
  });

  it('updates a product as react-admin sends it back (whole record), keeping the shop', async () => {
    const product = await createProduct(testApp.app, owner, shopId, { title: 'Hojicha' });
    const shown = (await testApp.app.inject({ method: 'GET', url: `/api/admin/products/${product.id}`, headers: owner.headers })).json();
    const response = await testApp.app.inject({
      method: 'PUT',
      url: `/api/admin/products/${product.id}`,
      headers: owner.headers,
      payload: { ...shown, title: 'Roasted hojicha', status: 'archived', shopId: newId(), variantCount: 99 },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ title: 'Roasted hojicha', status: 'archived', shopId, variantCount: 0 });
  });

  it('deletes a product with its variants and their initial stock lines in one go', async () => {
    const product = await createProduct(testApp.app, owner, shopId, { title: 'Short-lived' });
    const variant = await createVariant(testApp.app, owner, product.id, { stockOnHand: 5 });
    expect(await count('stock_movement', 'variant_id = $1', [variant.id])).toBe(1);
    const response = await testApp.app.inject({ method: 'DELETE', url: `/api/admin/products/${product.id}`, headers: owner.headers });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: product.id, variantCount: 1 });
    expect(await count('product', 'id = $1', [product.id])).toBe(0);
    expect(await count('variant', 'id = $1', [variant.id])).toBe(0);
    expect(await count('stock_movement', 'variant_id = $1', [variant.id])).toBe(0);
  });

  it('refuses to delete a product whose stock has moved (409 product_has_history) and deletes nothing', async () => {
    const product = await createProduct(testApp.app, owner, shopId, { title: 'Sold before' });
    const variant = await createVariant(testApp.app, owner, product.id, { stockOnHand: 5 });
    expect((await moveStock(testApp.app, owner, variant.id, 2)).statusCode).toBe(201);
    const response = await testApp.app.inject({ method: 'DELETE', url: `/api/admin/products/${product.id}`, headers: owner.headers });
    expect(response.statusCode).toBe(409);
    expect(response.json().code).toBe('product_has_history');
    expect(await count('product', 'id = $1', [product.id])).toBe(1);
    expect(await count('variant', 'id = $1', [variant.id])).toBe(1);
    expect(await count('stock_movement', 'variant_id = $1', [variant.id])).toBe(2);
  });

  it('refuses to delete a product while open orders hold its stock (409 stock_reserved)', async () => {
    const product = await createProduct(testApp.app, owner, shopId, { title: 'Reserved' });
    const variant = await createVariant(testApp.app, owner, product.id, { stockOnHand: 5 });
    await reserveByAnotherShopper(testApp.app, shopSlug, variant.id, 1);
    const response = await testApp.app.inject({ method: 'DELETE', url: `/api/admin/products/${product.id}`, headers: owner.headers });
    expect(response.statusCode).toBe(409);
    expect(response.json().code).toBe('stock_reserved');
    expect(await count('variant', 'id = $1', [variant.id])).toBe(1);
  });

  it('lets a manager write, a finance member only read, and nobody in without a token', async () => {
    const manager = await createMerchantWithStaff(testApp.app, 'manager', owner.merchantId);
    const finance = await createMerchantWithStaff(testApp.app, 'finance', owner.merchantId);
    expect((await testApp.app.inject({ method: 'POST', url: '/api/admin/products', headers: manager.headers, payload: { shopId, title: 'By manager' } })).statusCode).toBe(201);
    expect((await testApp.app.inject({ method: 'POST', url: '/api/admin/products', headers: finance.headers, payload: { shopId, title: 'By finance' } })).statusCode).toBe(403);
    expect((await testApp.app.inject({ method: 'GET', url: '/api/admin/products', headers: finance.headers })).statusCode).toBe(200);
    expect((await testApp.app.inject({ method: 'GET', url: '/api/admin/products' })).statusCode).toBe(401);
  });
});
