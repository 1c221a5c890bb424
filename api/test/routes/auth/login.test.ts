import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../../db/src/ids.ts';
import { buildTestApp, type TestApp } from '../../helpers/app.ts';
import { bearer, countRows, createOperatorUser, logIn, signUp, TEST_PASSWORD, type SessionAnswer } from '../../helpers/auth.ts';
import { addMembership, createAccountWithoutMerchant, suspendMerchant } from '../../helpers/staff.ts';

let testApp: TestApp;
let first: SessionAnswer;

beforeAll(async () => {
  testApp = await buildTestApp();
  first = await signUp(testApp.app, { merchantName: 'First Merchant', email: 'multi@example.test' });
});
afterAll(() => testApp.close());

describe('POST /api/auth/login', () => {
  it('signs in with the right password, whatever the email letter case', async () => {
    const response = await logIn(testApp.app, 'Multi@Example.test');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ user: { id: first.user.id }, merchant: { id: first.merchant?.id }, role: 'owner', isOperator: false });
    expect(await countRows(testApp.app, 'refresh_token', 'user_id = $1', [first.user.id])).toBe(2);
  });

  it('answers a wrong password and an unknown email alike: 401 invalid_credentials, and no token is issued', async () => {
    const tokensBefore = await countRows(testApp.app, 'refresh_token');
    const wrongPassword = await logIn(testApp.app, 'multi@example.test', 'not the password');
    const unknownEmail = await logIn(testApp.app, 'nobody@example.test');
    for (const response of [wrongPassword, unknownEmail]) {
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ type: 'unauthorized', code: 'invalid_credentials', message: 'The email or password is wrong.' });
    }
    expect(await countRows(testApp.app, 'refresh_token')).toBe(tokensBefore);
  });

  it('answers bad input with 400 naming the fields', async () => {
    const response = await testApp.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'x', password: '', merchantId: 'nope' } });
    expect(response.statusCode).toBe(400);
    expect(Object.keys(response.json().errors).sort()).toEqual(['email', 'merchantId', 'password']);
  });

  it('gives a user with several memberships the oldest, or the one named by merchantId', async () => {
    const second = await signUp(testApp.app, { merchantName: 'Second Merchant' });
    await addMembership(testApp.app, second.merchant!.id, first.user.id, 'clerk');

    const oldest = (await logIn(testApp.app, 'multi@example.test')).json();
    expect(oldest).toMatchObject({ merchant: { id: first.merchant!.id }, role: 'owner' });
    expect(oldest.memberships).toEqual([
      { merchantId: first.merchant!.id, merchantName: 'First Merchant', role: 'owner' },
      { merchantId: second.merchant!.id, merchantName: 'Second Merchant', role: 'clerk' },
    ]);

    const named = await logIn(testApp.app, 'multi@example.test', TEST_PASSWORD, second.merchant!.id);
    expect(named.statusCode).toBe(200);
    expect(named.json()).toMatchObject({ merchant: { id: second.merchant!.id, name: 'Second Merchant' }, role: 'clerk' });
    expect(decodeJwt(named.json().accessToken)).toMatchObject({ merchantId: second.merchant!.id, role: 'clerk' });
  });

  it('refuses a merchantId the user is not a member of with 403', async () => {
    const response = await logIn(testApp.app, 'multi@example.test', TEST_PASSWORD, newId());
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('not_a_member');
  });

  it('refuses a user with no membership who is not an operator with 403', async () => {
    const loner = await createAccountWithoutMerchant(testApp.app);
    const tokensBefore = await countRows(testApp.app, 'refresh_token', 'user_id = $1', [loner.id]);
    const response = await logIn(testApp.app, loner.email);
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('no_membership');
    expect(await countRows(testApp.app, 'refresh_token', 'user_id = $1', [loner.id])).toBe(tokensBefore);
  });

  it('signs a platform operator in with isOperator and no merchant', async () => {
    const operator = await createOperatorUser(testApp.app);
    const response = await logIn(testApp.app, operator.email);
    expect(response.statusCode).toBe(200);
    const session = response.json();
    expect(session).toMatchObject({ user: { id: operator.id }, merchant: null, role: null, isOperator: true, memberships: [] });
    const claims = decodeJwt(session.accessToken);
    expect(claims).toMatchObject({ sub: operator.id, isOperator: true });
    expect(claims).not.toHaveProperty('merchantId');

    const me = await testApp.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(session.accessToken) });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual({ user: session.user, merchant: null, role: null, isOperator: true, memberships: [] });
  });

  it('signs an operator who is also staff in to their merchant, still as operator', async () => {
    const operator = await createOperatorUser(testApp.app);
    await addMembership(testApp.app, first.merchant!.id, operator.id, 'manager');
    const session = (await logIn(testApp.app, operator.email)).json();
    expect(session).toMatchObject({ merchant: { id: first.merchant!.id }, role: 'manager', isOperator: true });
  });

  it('refuses to sign in to a suspended merchant with 403 merchant_suspended', async () => {
    const suspended = await signUp(testApp.app, { merchantName: 'Suspended Merchant' });
    await suspendMerchant(testApp.app, suspended.merchant!.id);
    const tokensBefore = await countRows(testApp.app, 'refresh_token');

    const response = await logIn(testApp.app, suspended.user.email);
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('merchant_suspended');
    const named = await logIn(testApp.app, suspended.user.email, TEST_PASSWORD, suspended.merchant!.id);
    expect(named.statusCode).toBe(403);
    expect(named.json().code).toBe('merchant_suspended');
    expect(await countRows(testApp.app, 'refresh_token')).toBe(tokensBefore);
  });

  it('skips a suspended merchant when choosing the default and picks the next active one', async () => {
    const user = await createAccountWithoutMerchant(testApp.app);
    const suspended = await signUp(testApp.app, { merchantName: 'Old And Suspended' });
    await addMembership(testApp.app, suspended.merchant!.id, user.id, 'manager');
    await new Promise((resolve) => setTimeout(resolve, 5));
    await addMembership(testApp.app, first.merchant!.id, user.id, 'finance');
    await suspendMerchant(testApp.app, suspended.merchant!.id);
    const session = (await logIn(testApp.app, user.email)).json();
    expect(session).toMatchObject({ merchant: { id: first.merchant!.id }, role: 'finance' });
  });
});

describe('GET /api/auth/me', () => {
  it('answers 401 without a token', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/api/auth/me' });
    expect(response.statusCode).toBe(401);
  });

  it('shows the current role from the database and every membership', async () => {
    const session = (await logIn(testApp.app, 'multi@example.test')).json();
    const response = await testApp.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(session.accessToken) });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ user: { email: 'multi@example.test' }, merchant: { id: first.merchant!.id }, role: 'owner', isOperator: false });
    expect(body.memberships).toHaveLength(2);
    expect(body).not.toHaveProperty('accessToken');
  });

  it('refuses an API key with 403, as keys have no staff profile', async () => {
    const owner = (await logIn(testApp.app, 'multi@example.test')).json();
    const key = await testApp.app.inject({ method: 'POST', url: '/api/admin/api-keys', headers: bearer(owner.accessToken), payload: { name: 'me', role: 'owner' } });
    const response = await testApp.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(key.json().secret) });
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('staff_token_required');
  });
});
