import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../helpers/app.ts';
import { createCategory, createProduct, createShop } from '../../helpers/catalog.ts';
import { createMerchantWithStaff, type StaffSession } from '../../helpers/staff.ts';

let testApp: TestApp;
let owner: StaffSession;
let shopId: string;

beforeAll(async () => {
  testApp = await buildTestApp();
  owner = await createMerchantWithStaff(testApp.app, 'owner');
  shopId = (await createShop(testApp.app, owner)).id;
});
afterAll(() => testApp.close());

async function countCategories(): Promise<number> {
  const { rows } = await testApp.database.pool.query('select count(*)::int as count from category');
  return rows[0].count;
}

describe('/api/admin/categories', () => {
  it('creates categories and lists them by position with a Content-Range header', async () => {
    const response = await testApp.app.inject({ method: 'POST', url: '/api/admin/categories', headers: owner.headers, payload: { shopId, name: 'Oolong', position: 2 } });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ shopId, name: 'Oolong', position: 2, merchantId: owner.merchantId });
    await createCategory(testApp.app, owner, shopId, { name: 'Green', position: 1 });

    const list = await testApp.app.inject({ method: 'GET', url: `/api/admin/categories?sort=["position","ASC"]&range=[0,9]&filter={"shopId":"${shopId}"}`, headers: owner.headers });
    expect(list.statusCode).toBe(200);
    expect(list.headers['content-range']).toBe('categories 0-1/2');
    expect(list.json().map((category: { name: string }) => category.name)).toEqual(['Green', 'Oolong']);
  });

  it('finds categories by name with q', async () => {
    const list = await testApp.app.inject({ method: 'GET', url: `/api/admin/categories?filter=${encodeURIComponent('{"q":"oolo"}')}`, headers: owner.headers });
    expect(list.json().map((category: { name: string }) => category.name)).toEqual(['Oolong']);
  });

  it("refuses a shop of another merchant with 400 naming shopId, and creates nothing", async () => {
    const stranger = await createMerchantWithStaff(testApp.app, 'owner');
    const strangersShop = await createShop(testApp.app, stranger);
    const before = await countCategories();
    const response = await testApp.app.inject({ method: 'POST', url: '/api/admin/categories', headers: owner.headers, payload: { shopId: strangersShop.id, name: 'Mine' } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ type: 'validation', code: 'unknown_reference', errors: { shopId: 'does not exist' } });
    expect(await countCategories()).toBe(before);
  });

  it('answers bad input with 400 naming the fields', async () => {
    const response = await testApp.app.inject({ method: 'POST', url: '/api/admin/categories', headers: owner.headers, payload: { shopId: 'not-a-uuid', name: '' } });
    expect(response.statusCode).toBe(400);
    expect(Object.keys(response.json().errors)).toEqual(expect.arrayContaining(['shopId', 'name']));
  });

  it('renames a category but never moves it to another shop', async () => {
    const category = await createCategory(testApp.app, owner, shopId, { name: 'Black' });
    const otherShop = await createShop(testApp.app, owner);
    const response = await testApp.app.inject({
      method: 'PUT',
      url: `/api/admin/categories/${category.id}`,
      headers: owner.headers,
      payload: { ...category, name: 'Black tea', shopId: otherShop.id },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ name: 'Black tea', shopId });
  });

  it('deletes a category and leaves its products in the shop, uncategorized', async () => {
    const category = await createCategory(testApp.app, owner, shopId, { name: 'Seasonal' });
    const product = await createProduct(testApp.app, owner, shopId, { categoryId: category.id });
    const response = await testApp.app.inject({ method: 'DELETE', url: `/api/admin/categories/${category.id}`, headers: owner.headers });
    expect(response.statusCode).toBe(200);
    expect(response.json().id).toBe(category.id);
    const { rows } = await testApp.database.pool.query('select category_id from product where id = $1', [product.id]);
    expect(rows).toEqual([{ category_id: null }]);
    expect((await testApp.app.inject({ method: 'GET', url: `/api/admin/categories/${category.id}`, headers: owner.headers })).statusCode).toBe(404);
  });

  it('lets a clerk read but not write categories', async () => {
    const clerk = await createMerchantWithStaff(testApp.app, 'clerk', owner.merchantId);
    expect((await testApp.app.inject({ method: 'GET', url: '/api/admin/categories', headers: clerk.headers })).statusCode).toBe(200);
    const write = await testApp.app.inject({ method: 'POST', url: '/api/admin/categories', headers: clerk.headers, payload: { shopId, name: 'Clerk' } });
    expect(write.statusCode).toBe(403);
  });
});
