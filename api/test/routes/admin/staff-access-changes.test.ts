import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../helpers/app.ts';
import { bearer, signUp, type SessionAnswer } from '../../helpers/auth.ts';
import { operatorHeaders } from '../../helpers/finance.ts';

let testApp: TestApp;
let owner: SessionAnswer;

beforeAll(async () => {
  testApp = await buildTestApp();
  owner = await signUp(testApp.app, { merchantName: 'Access Changes Co.' });
});
afterAll(() => testApp.close());

let invitations = 0;

/** A clerk of the owner's merchant through the product's own path: an invitation, accepted. */
async function invitedClerk(by: SessionAnswer = owner): Promise<{ membershipId: string; session: SessionAnswer }> {
  invitations += 1;
  const email = `clerk${invitations}@example.test`;
  const invitation = await testApp.app.inject({ method: 'POST', url: '/api/admin/invitations', headers: bearer(by.accessToken), payload: { email, role: 'clerk' } });
  expect(invitation.statusCode).toBe(201);
  const accepted = await testApp.app.inject({
    method: 'POST',
    url: '/api/auth/invitations/accept',
    payload: { token: invitation.json().token, name: `Clerk ${invitations}`, password: 'a clerk password' },
  });
  expect(accepted.statusCode).toBe(200);
  const session: SessionAnswer = accepted.json();
  const staff = await testApp.app.inject({ method: 'GET', url: `/api/admin/staff?filter={"userId":"${session.user.id}"}`, headers: bearer(by.accessToken) });
  return { membershipId: staff.json()[0].id, session };
}

/** Finance reads: the finance role may, a clerk may not. */
const readFinance = (headers: { authorization: string }) => testApp.app.inject({ method: 'GET', url: '/api/admin/finance/accounts', headers });
/** A stock adjustment with an empty body: a clerk gets past the permission check to validation (400), finance does not (403). */
const adjustStock = (headers: { authorization: string }) => testApp.app.inject({ method: 'POST', url: '/api/admin/stock-movements', headers, payload: {} });
const me = (headers: { authorization: string }) => testApp.app.inject({ method: 'GET', url: '/api/auth/me', headers });

describe("a staff member's role change", () => {
  it('applies to the very next request made with the token issued before it', async () => {
    const { membershipId, session } = await invitedClerk();
    const clerkToken = bearer(session.accessToken);
    expect(decodeJwt(session.accessToken)).toMatchObject({ role: 'clerk' });
    expect((await readFinance(clerkToken)).statusCode).toBe(403);
    expect((await adjustStock(clerkToken)).statusCode).toBe(400);

    const changed = await testApp.app.inject({ method: 'PUT', url: `/api/admin/staff/${membershipId}`, headers: bearer(owner.accessToken), payload: { role: 'finance' } });
    expect(changed.json()).toMatchObject({ role: 'finance' });

    // The same token, still saying "clerk", now acts as finance.
    expect((await readFinance(clerkToken)).statusCode).toBe(200);
    const refused = await adjustStock(clerkToken);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'role_forbidden', message: expect.stringContaining('finance role') });
    expect((await me(clerkToken)).json()).toMatchObject({ role: 'finance' });
  });

  it('also takes rights away at once when a finance member becomes a clerk', async () => {
    const { membershipId, session } = await invitedClerk();
    await testApp.app.inject({ method: 'PUT', url: `/api/admin/staff/${membershipId}`, headers: bearer(owner.accessToken), payload: { role: 'finance' } });
    const refreshed = await testApp.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: session.refreshToken } });
    const financeToken = bearer(refreshed.json().accessToken);
    expect(decodeJwt(refreshed.json().accessToken)).toMatchObject({ role: 'finance' });
    expect((await readFinance(financeToken)).statusCode).toBe(200);

    await testApp.app.inject({ method: 'PUT', url: `/api/admin/staff/${membershipId}`, headers: bearer(owner.accessToken), payload: { role: 'clerk' } });
    expect((await readFinance(financeToken)).statusCode).toBe(403);
  });

  it('leaves the tokens of staff whose role did not change as they were', async () => {
    const { session } = await invitedClerk();
    const other = await invitedClerk();
    await testApp.app.inject({ method: 'PUT', url: `/api/admin/staff/${other.membershipId}`, headers: bearer(owner.accessToken), payload: { role: 'manager' } });
    expect((await adjustStock(bearer(session.accessToken))).statusCode).toBe(400);
    expect((await readFinance(bearer(session.accessToken))).statusCode).toBe(403);
    expect((await me(bearer(session.accessToken))).json()).toMatchObject({ role: 'clerk' });
  });
});

describe("a staff member's removal", () => {
  it('refuses the very next request made with the old token, with 401 membership_ended', async () => {
    const { membershipId, session } = await invitedClerk();
    const clerkToken = bearer(session.accessToken);
    expect((await adjustStock(clerkToken)).statusCode).toBe(400);

    const removed = await testApp.app.inject({ method: 'DELETE', url: `/api/admin/staff/${membershipId}`, headers: bearer(owner.accessToken) });
    expect(removed.statusCode).toBe(200);

    for (const response of [await adjustStock(clerkToken), await me(clerkToken), await readFinance(clerkToken)]) {
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ type: 'unauthorized', code: 'membership_ended' });
    }
    const refreshed = await testApp.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: session.refreshToken } });
    expect(refreshed.statusCode).toBe(401);
  });

  it('does not let a removed owner act on the next request either', async () => {
    const secondOwner = await invitedClerk();
    await testApp.app.inject({ method: 'PUT', url: `/api/admin/staff/${secondOwner.membershipId}`, headers: bearer(owner.accessToken), payload: { role: 'owner' } });
    const ownerToken = bearer(secondOwner.session.accessToken);
    const invitation = await testApp.app.inject({ method: 'POST', url: '/api/admin/invitations', headers: ownerToken, payload: { email: 'by-second-owner@example.test', role: 'clerk' } });
    expect(invitation.statusCode).toBe(201);

    await testApp.app.inject({ method: 'DELETE', url: `/api/admin/staff/${secondOwner.membershipId}`, headers: bearer(owner.accessToken) });
    const after = await testApp.app.inject({ method: 'POST', url: '/api/admin/invitations', headers: ownerToken, payload: { email: 'too-late@example.test', role: 'clerk' } });
    expect(after.statusCode).toBe(401);
    expect((await testApp.database.pool.query(`select count(*)::int as count from invitation where email = 'too-late@example.test'`)).rows[0].count).toBe(0);
  });
});

describe("a merchant's suspension", () => {
  it('refuses its staff on the next request with 403 merchant_suspended, and lets them back once reactivated', async () => {
    const paused = await signUp(testApp.app, { merchantName: 'Paused Co.' });
    const operator = await operatorHeaders(testApp.app);
    const token = bearer(paused.accessToken);
    expect((await me(token)).statusCode).toBe(200);

    await testApp.app.inject({ method: 'PUT', url: `/api/admin/operator/merchants/${paused.merchant!.id}`, headers: operator, payload: { status: 'suspended' } });
    const refused = await me(token);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('merchant_suspended');

    await testApp.app.inject({ method: 'PUT', url: `/api/admin/operator/merchants/${paused.merchant!.id}`, headers: operator, payload: { status: 'active' } });
    expect((await me(token)).statusCode).toBe(200);
  });
});

describe('operator rights in an access token', () => {
  it('count only while the operator row exists: a token saying operator for someone who is not one any more answers 401', async () => {
    const { session } = await invitedClerk();
    // Signed with the real key, as a token issued while the person was an operator would be.
    const formerOperator = bearer(await testApp.app.services.auth.signAccessToken({ sub: session.user.id, isOperator: true }));
    const response = await testApp.app.inject({ method: 'GET', url: '/api/admin/operator/merchants', headers: formerOperator });
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('operator_access_ended');
  });

  it('are read from the database, not the token, for merchant staff too', async () => {
    const { session } = await invitedClerk();
    const claimsOperator = bearer(
      await testApp.app.services.auth.signAccessToken({ sub: session.user.id, merchantId: owner.merchant!.id, role: 'clerk', isOperator: true }),
    );
    const response = await testApp.app.inject({ method: 'GET', url: '/api/admin/operator/merchants', headers: claimsOperator });
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('operator_only');
  });
});
