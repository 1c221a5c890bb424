import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../helpers/app.ts';
import { bearer, countRows, createOperatorUser, logIn, signUp, type SessionAnswer } from '../../helpers/auth.ts';
import { addMembership, createMerchantWithStaff } from '../../helpers/staff.ts';

let testApp: TestApp;
let operatorHeaders: { authorization: string };
let merchantA: SessionAnswer;
let merchantB: SessionAnswer;

beforeAll(async () => {
  testApp = await buildTestApp();
  const operator = await createOperatorUser(testApp.app);
  operatorHeaders = bearer((await logIn(testApp.app, operator.email)).json().accessToken);
  merchantA = await signUp(testApp.app, { merchantName: 'Alpha Teas' });
  merchantB = await signUp(testApp.app, { merchantName: 'Beta Books' });
  await createMerchantWithStaff(testApp.app, 'clerk', merchantA.merchant!.id);
  await createMerchantWithStaff(testApp.app, 'finance', merchantA.merchant!.id);
});
afterAll(() => testApp.close());

const url = (id = '') => `/api/admin/operator/merchants${id ? `/${id}` : ''}`;

describe('/api/admin/operator/merchants', () => {
  it('lists every merchant with its staff count, sortable and filterable', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: `${url()}?sort=["staffCount","DESC"]&range=[0,9]`, headers: operatorHeaders });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-range']).toBe('merchants 0-1/2');
    expect(response.json()).toEqual([
      { id: merchantA.merchant!.id, name: 'Alpha Teas', status: 'active', staffCount: 3, createdAt: expect.any(String), updatedAt: expect.any(String) },
      { id: merchantB.merchant!.id, name: 'Beta Books', status: 'active', staffCount: 1, createdAt: expect.any(String), updatedAt: expect.any(String) },
    ]);
    const filtered = await testApp.app.inject({ method: 'GET', url: `${url()}?filter={"q":"beta"}`, headers: operatorHeaders });
    expect(filtered.json().map((merchant: { id: string }) => merchant.id)).toEqual([merchantB.merchant!.id]);
    const paged = await testApp.app.inject({ method: 'GET', url: `${url()}?sort=["name","ASC"]&range=[1,1]`, headers: operatorHeaders });
    expect(paged.headers['content-range']).toBe('merchants 1-1/2');
    expect(paged.json()[0].name).toBe('Beta Books');
  });

  it('shows one merchant, and 404 for an unknown one', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: url(merchantB.merchant!.id), headers: operatorHeaders });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ name: 'Beta Books', staffCount: 1 });
    const unknown = await testApp.app.inject({ method: 'GET', url: url('0190a000-0000-7000-8000-000000000000'), headers: operatorHeaders });
    expect(unknown.statusCode).toBe(404);
    expect((await testApp.app.inject({ method: 'PUT', url: url('0190a000-0000-7000-8000-000000000000'), headers: operatorHeaders, payload: { status: 'suspended' } })).statusCode).toBe(404);
  });

  it('suspends a merchant: its staff cannot sign in or refresh, then reactivates it', async () => {
    const suspended = await testApp.app.inject({ method: 'PUT', url: url(merchantB.merchant!.id), headers: operatorHeaders, payload: { status: 'suspended' } });
    expect(suspended.statusCode).toBe(200);
    expect(suspended.json()).toMatchObject({ id: merchantB.merchant!.id, status: 'suspended' });
    expect(await countRows(testApp.app, 'refresh_token', 'merchant_id = $1 and revoked_at is null', [merchantB.merchant!.id])).toBe(0);

    const login = await logIn(testApp.app, merchantB.user.email);
    expect(login.statusCode).toBe(403);
    expect(login.json().code).toBe('merchant_suspended');
    const refresh = await testApp.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: merchantB.refreshToken } });
    expect(refresh.statusCode).toBe(401);

    const active = await testApp.app.inject({ method: 'PUT', url: url(merchantB.merchant!.id), headers: operatorHeaders, payload: { status: 'active' } });
    expect(active.json().status).toBe('active');
    expect((await logIn(testApp.app, merchantB.user.email)).statusCode).toBe(200);
  });

  it('answers bad input with 400 naming the field, and changes nothing', async () => {
    const response = await testApp.app.inject({ method: 'PUT', url: url(merchantA.merchant!.id), headers: operatorHeaders, payload: { status: 'deleted' } });
    expect(response.statusCode).toBe(400);
    expect(Object.keys(response.json().errors)).toEqual(['status']);
    const sort = await testApp.app.inject({ method: 'GET', url: `${url()}?sort=["secret","ASC"]`, headers: operatorHeaders });
    expect(sort.statusCode).toBe(400);
    expect(await countRows(testApp.app, 'merchant', `status = 'active'`)).toBe(2);
  });

  it('is for platform operators only: every merchant role and API keys get 403, no token 401', async () => {
    const headersOfEveryKind = [bearer(merchantA.accessToken)];
    for (const role of ['manager', 'clerk', 'finance'] as const) headersOfEveryKind.push((await createMerchantWithStaff(testApp.app, role, merchantA.merchant!.id)).headers);
    const key = (await testApp.app.inject({ method: 'POST', url: '/api/admin/api-keys', headers: bearer(merchantA.accessToken), payload: { name: 'k', role: 'owner' } })).json();
    headersOfEveryKind.push(bearer(key.secret));
    for (const headers of headersOfEveryKind) {
      const list = await testApp.app.inject({ method: 'GET', url: url(), headers });
      expect(list.statusCode).toBe(403);
      expect(list.json().code).toBe('operator_only');
      expect((await testApp.app.inject({ method: 'GET', url: url(merchantB.merchant!.id), headers })).statusCode).toBe(403);
      const suspend = await testApp.app.inject({ method: 'PUT', url: url(merchantB.merchant!.id), headers, payload: { status: 'suspended' } });
      expect(suspend.statusCode).toBe(403);
    }
    expect(await countRows(testApp.app, 'merchant', `status = 'active'`)).toBe(2);
    expect((await testApp.app.inject({ method: 'GET', url: url() })).statusCode).toBe(401);
  });

  it('lets an operator who is also merchant staff operate with their merchant session', async () => {
    const operator = await createOperatorUser(testApp.app);
    await addMembership(testApp.app, merchantA.merchant!.id, operator.id, 'clerk');
    const session = (await logIn(testApp.app, operator.email)).json();
    expect(session).toMatchObject({ role: 'clerk', isOperator: true });
    expect((await testApp.app.inject({ method: 'GET', url: url(), headers: bearer(session.accessToken) })).statusCode).toBe(200);
  });

  it('does not let an operator session without a merchant into merchant routes', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/api/admin/shops', headers: operatorHeaders });
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('merchant_required');
  });
});

describe('/api/admin/operator/shops', () => {
  it("lists every merchant's shops, one merchant's with filter merchantId, and only for operators", async () => {
    const create = (session: SessionAnswer, slug: string, name: string) =>
      testApp.app.inject({ method: 'POST', url: '/api/admin/shops', headers: bearer(session.accessToken), payload: { slug, name, currency: 'EUR' } });
    const alpha = await create(merchantA, `alpha-${Date.now()}`, 'Alpha Tea Room');
    const beta = await create(merchantB, `beta-${Date.now()}`, 'Beta Bookshop');
    expect([alpha.statusCode, beta.statusCode], alpha.body + beta.body).toEqual([201, 201]);

    const all = await testApp.app.inject({ method: 'GET', url: '/api/admin/operator/shops?sort=["name","ASC"]', headers: operatorHeaders });
    expect(all.statusCode).toBe(200);
    expect(all.json().map((shop: { id: string }) => shop.id)).toEqual(expect.arrayContaining([alpha.json().id, beta.json().id]));
    const betaOnly = await testApp.app.inject({
      method: 'GET',
      url: `/api/admin/operator/shops?filter=${encodeURIComponent(JSON.stringify({ merchantId: merchantB.merchant!.id }))}`,
      headers: operatorHeaders,
    });
    expect(betaOnly.json()).toEqual([expect.objectContaining({ id: beta.json().id, merchantId: merchantB.merchant!.id, name: 'Beta Bookshop' })]);
    expect(betaOnly.headers['content-range']).toBe('shops 0-0/1');

    const refused = await testApp.app.inject({ method: 'GET', url: '/api/admin/operator/shops', headers: bearer(merchantA.accessToken) });
    expect(refused.statusCode).toBe(403);
    const badFilter = await testApp.app.inject({ method: 'GET', url: `/api/admin/operator/shops?filter=${encodeURIComponent('{"merchantId":"nope"}')}`, headers: operatorHeaders });
    expect(badFilter.statusCode).toBe(400);
    expect(badFilter.body).toContain('merchantId');
  });
});
