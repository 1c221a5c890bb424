import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../helpers/app.ts';
import { createMerchantWithStaff, type StaffSession } from '../../helpers/staff.ts';

let testApp: TestApp;
let owner: StaffSession;

beforeAll(async () => {
  testApp = await buildTestApp();
  owner = await createMerchantWithStaff(testApp.app, 'owner');
});
afterAll(() => testApp.close());

const validShop = { slug: 'tea-house', name: 'Tea House', currency: 'EUR' };

describe('/api/admin/shops', () => {
  it('opens a shop and lists it with a Content-Range header', async () => {
    const created = await testApp.app.inject({ method: 'POST', url: '/api/admin/shops', headers: owner.headers, payload: validShop });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ slug: 'tea-house', currency: 'EUR', status: 'open', merchantId: owner.merchantId, allowedEmbedOrigins: [] });

    const list = await testApp.app.inject({ method: 'GET', url: '/api/admin/shops?range=[0,9]&sort=["name","ASC"]', headers: owner.headers });
    expect(list.statusCode).toBe(200);
    expect(list.headers['content-range']).toBe('shops 0-0/1');
    expect(list.json().map((shop: { slug: string }) => shop.slug)).toEqual(['tea-house']);
  });

  it('refuses a taken slug with 409 naming the field, and creates nothing', async () => {
    const response = await testApp.app.inject({ method: 'POST', url: '/api/admin/shops', headers: owner.headers, payload: validShop });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ type: 'conflict', code: 'shop_slug_taken', errors: { slug: 'is already taken' } });
    const { rows } = await testApp.database.pool.query('select count(*)::int as count from shop');
    expect(rows[0].count).toBe(1);
  });

  it('answers bad input with 400 and the fields named', async () => {
    const response = await testApp.app.inject({
      method: 'POST',
      url: '/api/admin/shops',
      headers: owner.headers,
      payload: { slug: 'Not A Slug', name: '', currency: 'XXX' },
    });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.type).toBe('validation');
    expect(Object.keys(body.errors)).toEqual(expect.arrayContaining(['slug', 'name', 'currency']));
  });

  it('does not coerce JSON bodies: null is refused, not read as an empty value', async () => {
    const [shop] = (await testApp.app.inject({ method: 'GET', url: '/api/admin/shops', headers: owner.headers })).json();
    const response = await testApp.app.inject({ method: 'PUT', url: `/api/admin/shops/${shop.id}`, headers: owner.headers, payload: { name: null } });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toHaveProperty('name');
    const after = (await testApp.app.inject({ method: 'GET', url: `/api/admin/shops/${shop.id}`, headers: owner.headers })).json();
    expect(after.name).toBe(shop.name);
  });

  it('refuses a malformed sort, range or filter with 400 naming the parameter', async () => {
    for (const [query, field] of [
      ['sort=["password","ASC"]', 'sort'],
      ['range=[5,1]', 'range'],
      ['filter={"colour":"red"}', 'filter'],
      ['filter=not-json', 'filter'],
    ] as const) {
      const response = await testApp.app.inject({ method: 'GET', url: `/api/admin/shops?${query}`, headers: owner.headers });
      expect(response.statusCode, query).toBe(400);
      expect(Object.keys(response.json().errors)[0], query).toMatch(new RegExp(`^${field}`));
    }
  });

  it('lets a manager change a shop but not its currency', async () => {
    const manager = await createMerchantWithStaff(testApp.app, 'manager', owner.merchantId);
    const [shop] = (await testApp.app.inject({ method: 'GET', url: '/api/admin/shops', headers: owner.headers })).json();
    const response = await testApp.app.inject({
      method: 'PUT',
      url: `/api/admin/shops/${shop.id}`,
      headers: manager.headers,
      payload: { ...shop, name: 'Tea House Central', status: 'closed', currency: 'USD', allowedEmbedOrigins: ['https://chat.example'] },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ name: 'Tea House Central', status: 'closed', currency: 'EUR', allowedEmbedOrigins: ['https://chat.example'] });
  });

  it('forbids a clerk from opening shops but lets them read', async () => {
    const clerk = await createMerchantWithStaff(testApp.app, 'clerk', owner.merchantId);
    const write = await testApp.app.inject({ method: 'POST', url: '/api/admin/shops', headers: clerk.headers, payload: { ...validShop, slug: 'clerk-shop' } });
    expect(write.statusCode).toBe(403);
    expect(write.json().code).toBe('role_forbidden');
    const read = await testApp.app.inject({ method: 'GET', url: '/api/admin/shops', headers: clerk.headers });
    expect(read.statusCode).toBe(200);
  });

  it('answers 401 without a token and with a forged one', async () => {
    expect((await testApp.app.inject({ method: 'GET', url: '/api/admin/shops' })).statusCode).toBe(401);
    const forged = await testApp.app.inject({ method: 'GET', url: '/api/admin/shops', headers: { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.bad' } });
    expect(forged.statusCode).toBe(401);
  });

  it("hides another merchant's shop behind 404 for every verb", async () => {
    const [shop] = (await testApp.app.inject({ method: 'GET', url: '/api/admin/shops', headers: owner.headers })).json();
    const stranger = await createMerchantWithStaff(testApp.app, 'owner');
    for (const method of ['GET', 'PUT', 'DELETE'] as const) {
      const response = await testApp.app.inject({ method, url: `/api/admin/shops/${shop.id}`, headers: stranger.headers, ...(method === 'PUT' ? { payload: { name: 'Mine now' } } : {}) });
      expect(response.statusCode, method).toBe(404);
    }
    const list = await testApp.app.inject({ method: 'GET', url: '/api/admin/shops', headers: stranger.headers });
    expect(list.json()).toEqual([]);
  });

  it('deletes an empty shop', async () => {
    const created = (await testApp.app.inject({ method: 'POST', url: '/api/admin/shops', headers: owner.headers, payload: { ...validShop, slug: 'short-lived' } })).json();
    const removed = await testApp.app.inject({ method: 'DELETE', url: `/api/admin/shops/${created.id}`, headers: owner.headers });
    expect(removed.statusCode).toBe(200);
    expect((await testApp.app.inject({ method: 'GET', url: `/api/admin/shops/${created.id}`, headers: owner.headers })).statusCode).toBe(404);
  });
});
