import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../../../db/src/secrets.ts';
import { buildTestApp, type TestApp } from '../../helpers/app.ts';
import { bearer, countRows, signUp, type SessionAnswer } from '../../helpers/auth.ts';
import { createMerchantWithStaff, suspendMerchant } from '../../helpers/staff.ts';

let testApp: TestApp;
let owner: SessionAnswer;
let ownerHeaders: { authorization: string };

beforeAll(async () => {
  testApp = await buildTestApp();
  owner = await signUp(testApp.app, { merchantName: 'Keyed Merchant' });
  ownerHeaders = bearer(owner.accessToken);
});
afterAll(() => testApp.close());

const createKey = (payload: Record<string, unknown>, headers = ownerHeaders) =>
  testApp.app.inject({ method: 'POST', url: '/api/admin/api-keys', headers, payload });

describe('/api/admin/api-keys', () => {
  it('creates a key, shows its secret once and stores only its SHA-256 and a 12-character prefix', async () => {
    const response = await createKey({ name: ' Warehouse sync ', role: 'manager' });
    expect(response.statusCode).toBe(201);
    const key = response.json();
    expect(key).toMatchObject({ merchantId: owner.merchant!.id, name: 'Warehouse sync', role: 'manager', createdByUserId: owner.user.id, lastUsedAt: null, revokedAt: null });
    expect(key.secret).toMatch(/^msk_[A-Za-z0-9_-]{43}$/);
    expect(key.prefix).toBe(key.secret.slice(0, 12));

    const { rows } = await testApp.database.pool.query(`select * from api_key where id = $1`, [key.id]);
    expect(rows[0].secret_hash).toBe(hashSecret(key.secret));
    expect(JSON.stringify(rows[0])).not.toContain(key.secret);

    const shown = await testApp.app.inject({ method: 'GET', url: `/api/admin/api-keys/${key.id}`, headers: ownerHeaders });
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toEqual({ ...key, secret: undefined, createdAt: key.createdAt });
    expect(shown.json()).not.toHaveProperty('secret');
    expect(shown.json()).not.toHaveProperty('secretHash');
    const list = await testApp.app.inject({ method: 'GET', url: '/api/admin/api-keys', headers: ownerHeaders });
    expect(list.headers['content-range']).toBe('api-keys 0-0/1');
    expect(list.json()[0]).not.toHaveProperty('secret');
  });

  it('authenticates admin routes end to end with the role of the key, and records its last use', async () => {
    const key = (await createKey({ name: 'clerk bot', role: 'clerk' })).json();
    const read = await testApp.app.inject({ method: 'GET', url: '/api/admin/shops', headers: bearer(key.secret) });
    expect(read.statusCode).toBe(200);
    const write = await testApp.app.inject({ method: 'POST', url: '/api/admin/shops', headers: bearer(key.secret), payload: { slug: 'from-a-key', name: 'K', currency: 'EUR' } });
    expect(write.statusCode).toBe(403);
    expect(write.json().code).toBe('role_forbidden');
    expect(await countRows(testApp.app, 'shop', 'slug = $1', ['from-a-key'])).toBe(0);

    const managerKey = (await createKey({ name: 'manager bot', role: 'manager' })).json();
    const created = await testApp.app.inject({ method: 'POST', url: '/api/admin/shops', headers: bearer(managerKey.secret), payload: { slug: 'from-a-key', name: 'K', currency: 'EUR' } });
    expect(created.statusCode).toBe(201);
    expect(created.json().merchantId).toBe(owner.merchant!.id);

    const { rows } = await testApp.database.pool.query(`select last_used_at from api_key where id = $1`, [key.id]);
    expect(rows[0].last_used_at).toBeInstanceOf(Date);
  });

  it('revokes a key, after which it answers 401; revoking again changes nothing', async () => {
    const key = (await createKey({ name: 'short lived', role: 'owner' })).json();
    expect((await testApp.app.inject({ method: 'GET', url: '/api/admin/shops', headers: bearer(key.secret) })).statusCode).toBe(200);
    const revoked = await testApp.app.inject({ method: 'DELETE', url: `/api/admin/api-keys/${key.id}`, headers: ownerHeaders });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toMatchObject({ id: key.id, revokedAt: expect.any(String) });
    const refused = await testApp.app.inject({ method: 'GET', url: '/api/admin/shops', headers: bearer(key.secret) });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().code).toBe('invalid_api_key');
    const again = await testApp.app.inject({ method: 'DELETE', url: `/api/admin/api-keys/${key.id}`, headers: ownerHeaders });
    expect(again.json().revokedAt).toBe(revoked.json().revokedAt);
    const listed = await testApp.app.inject({ method: 'GET', url: '/api/admin/api-keys?filter={"revoked":true}', headers: ownerHeaders });
    expect(listed.json().map((item: { id: string }) => item.id)).toEqual([key.id]);
  });

  it('answers an unknown key with 401', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/api/admin/shops', headers: bearer('msk_this-key-was-never-issued') });
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('invalid_api_key');
  });

  it("refuses a suspended merchant's keys with 403 merchant_suspended", async () => {
    const paused = await signUp(testApp.app, { merchantName: 'Paused Keys' });
    const key = (await createKey({ name: 'paused', role: 'owner' }, bearer(paused.accessToken))).json();
    await suspendMerchant(testApp.app, paused.merchant!.id);
    const response = await testApp.app.inject({ method: 'GET', url: '/api/admin/shops', headers: bearer(key.secret) });
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('merchant_suspended');
    expect(await countRows(testApp.app, 'api_key', 'id = $1 and last_used_at is null', [key.id])).toBe(1);
  });

  it('answers bad input with 400 naming the fields, and creates nothing', async () => {
    const before = await countRows(testApp.app, 'api_key');
    const response = await createKey({ name: '  ', role: 'admin' });
    expect(response.statusCode).toBe(400);
    expect(Object.keys(response.json().errors).sort()).toEqual(['name', 'role']);
    expect((await createKey({})).json().errors).toHaveProperty('name');
    expect(await countRows(testApp.app, 'api_key')).toBe(before);
  });

  it('is for owners only: managers, clerks and finance get 403, without a token 401', async () => {
    const before = await countRows(testApp.app, 'api_key');
    const [someKey] = (await testApp.app.inject({ method: 'GET', url: '/api/admin/api-keys', headers: ownerHeaders })).json();
    for (const role of ['manager', 'clerk', 'finance'] as const) {
      const staff = await createMerchantWithStaff(testApp.app, role, owner.merchant!.id);
      expect((await testApp.app.inject({ method: 'GET', url: '/api/admin/api-keys', headers: staff.headers })).statusCode, role).toBe(403);
      expect((await testApp.app.inject({ method: 'GET', url: `/api/admin/api-keys/${someKey.id}`, headers: staff.headers })).statusCode, role).toBe(403);
      expect((await createKey({ name: 'x', role: 'owner' }, staff.headers)).statusCode, role).toBe(403);
      expect((await testApp.app.inject({ method: 'DELETE', url: `/api/admin/api-keys/${someKey.id}`, headers: staff.headers })).statusCode, role).toBe(403);
    }
    expect((await testApp.app.inject({ method: 'GET', url: '/api/admin/api-keys' })).statusCode).toBe(401);
    expect(await countRows(testApp.app, 'api_key')).toBe(before);
    expect(await countRows(testApp.app, 'api_key', 'id = $1 and revoked_at is null', [someKey.id])).toBe(someKey.revokedAt ? 0 : 1);
  });

  it('does not let a key mint keys, even an owner key', async () => {
    const key = (await createKey({ name: 'owner bot', role: 'owner' })).json();
    const before = await countRows(testApp.app, 'api_key');
    const response = await createKey({ name: 'child', role: 'owner' }, bearer(key.secret));
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('staff_user_required');
    expect(await countRows(testApp.app, 'api_key')).toBe(before);
  });

  it("hides another merchant's key behind 404 for every verb, and lists none of them", async () => {
    const key = (await createKey({ name: 'private', role: 'owner' })).json();
    const stranger = await createMerchantWithStaff(testApp.app, 'owner');
    for (const method of ['GET', 'DELETE'] as const) {
      const response = await testApp.app.inject({ method, url: `/api/admin/api-keys/${key.id}`, headers: stranger.headers });
      expect(response.statusCode, method).toBe(404);
      expect(response.json().code).toBe('api_key_not_found');
    }
    expect(await countRows(testApp.app, 'api_key', 'id = $1 and revoked_at is null', [key.id])).toBe(1);
    const list = await testApp.app.inject({ method: 'GET', url: '/api/admin/api-keys', headers: stranger.headers });
    expect(list.json()).toEqual([]);
    // And the key itself only ever sees its own merchant.
    const shops = await testApp.app.inject({ method: 'GET', url: '/api/admin/api-keys', headers: bearer(key.secret) });
    expect(shops.json().every((item: { merchantId: string }) => item.merchantId === owner.merchant!.id)).toBe(true);
  });
});
