import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../helpers/app.ts';
import { bearer, countRows, signUp, TEST_PASSWORD, type SessionAnswer } from '../../helpers/auth.ts';
import { untilPast } from '../../helpers/expiry.ts';
import { suspendMerchant } from '../../helpers/staff.ts';

let testApp: TestApp;
let owner: SessionAnswer;

beforeAll(async () => {
  testApp = await buildTestApp();
  owner = await signUp(testApp.app, { merchantName: 'Welcoming Merchant' });
});
afterAll(() => testApp.close());

async function invite(email: string, role = 'clerk', by: SessionAnswer = owner): Promise<{ id: string; token: string }> {
  const response = await testApp.app.inject({ method: 'POST', url: '/api/admin/invitations', headers: bearer(by.accessToken), payload: { email, role } });
  if (response.statusCode !== 201) throw new Error(response.body);
  return response.json();
}

const accept = (payload: Record<string, unknown>) => testApp.app.inject({ method: 'POST', url: '/api/auth/invitations/accept', payload });

describe('POST /api/auth/invitations/accept', () => {
  it('creates the account and the membership for a new email, and signs them in', async () => {
    const invitation = await invite('fresh@example.test', 'manager');
    const response = await accept({ token: invitation.token, name: ' Fresh Person ', password: 'a brand new password' });
    expect(response.statusCode).toBe(200);
    const session = response.json();
    expect(session).toMatchObject({
      user: { email: 'fresh@example.test', name: 'Fresh Person' },
      merchant: { id: owner.merchant!.id, name: 'Welcoming Merchant' },
      role: 'manager',
      memberships: [{ merchantId: owner.merchant!.id, role: 'manager' }],
    });
    expect(await countRows(testApp.app, 'invitation', 'id = $1 and accepted_at is not null', [invitation.id])).toBe(1);
    const login = await testApp.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'fresh@example.test', password: 'a brand new password' } });
    expect(login.statusCode).toBe(200);
    const staff = await testApp.app.inject({ method: 'GET', url: '/api/admin/staff', headers: bearer(session.accessToken) });
    expect(staff.json().map((member: { email: string }) => member.email)).toContain('fresh@example.test');
  });

  it('adds an existing account to a second merchant once it proves its password', async () => {
    const otherOwner = await signUp(testApp.app, { merchantName: 'Second Home' });
    const invitation = await invite(otherOwner.user.email, 'finance');

    const wrong = await accept({ token: invitation.token, password: 'not the password' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().code).toBe('invalid_credentials');
    expect(await countRows(testApp.app, 'membership', 'user_id = $1', [otherOwner.user.id])).toBe(1);
    expect(await countRows(testApp.app, 'invitation', 'id = $1 and accepted_at is null', [invitation.id])).toBe(1);

    const right = await accept({ token: invitation.token, password: TEST_PASSWORD });
    expect(right.statusCode).toBe(200);
    expect(right.json()).toMatchObject({ user: { id: otherOwner.user.id, name: otherOwner.user.name }, merchant: { id: owner.merchant!.id }, role: 'finance' });
    expect(right.json().memberships).toHaveLength(2);
  });

  it('requires a name and a 10+ character password for a new account, answering 400 and changing nothing', async () => {
    const invitation = await invite('needs.name@example.test');
    const response = await accept({ token: invitation.token, password: 'short' });
    expect(response.statusCode).toBe(400);
    expect(Object.keys(response.json().errors).sort()).toEqual(['name', 'password']);
    const missing = await accept({});
    expect(missing.statusCode).toBe(400);
    expect(Object.keys(missing.json().errors).sort()).toEqual(['password', 'token']);
    expect(await countRows(testApp.app, 'staff_user', 'email = $1', ['needs.name@example.test'])).toBe(0);
    expect(await countRows(testApp.app, 'invitation', 'id = $1 and accepted_at is null', [invitation.id])).toBe(1);
  });

  it('answers 404 for a token that was never issued', async () => {
    const response = await accept({ token: 'made-up-token', name: 'X', password: 'long enough password' });
    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe('invitation_not_found');
  });

  it('refuses an accepted invitation the second time with 422 invitation_already_accepted', async () => {
    const invitation = await invite('twice@example.test');
    expect((await accept({ token: invitation.token, name: 'Twice', password: 'first password!' })).statusCode).toBe(200);
    const again = await accept({ token: invitation.token, name: 'Twice', password: 'first password!' });
    expect(again.statusCode).toBe(422);
    expect(again.json().code).toBe('invitation_already_accepted');
    expect(await countRows(testApp.app, 'membership', 'merchant_id = $1 and user_id = (select id from staff_user where email = $2)', [owner.merchant!.id, 'twice@example.test'])).toBe(1);
  });

  it('accepts one invitation only once even when accepted in parallel', async () => {
    const invitation = await invite('parallel@example.test');
    const answers = await Promise.all(Array.from({ length: 4 }, () => accept({ token: invitation.token, name: 'Parallel', password: 'parallel password' })));
    const statuses = answers.map((answer) => answer.statusCode).sort();
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.every((status) => status === 200 || status === 409 || status === 422)).toBe(true);
    expect(await countRows(testApp.app, 'staff_user', 'email = $1', ['parallel@example.test'])).toBe(1);
    expect(await countRows(testApp.app, 'membership', 'user_id = (select id from staff_user where email = $1)', ['parallel@example.test'])).toBe(1);
  });

  it('refuses a revoked invitation with 422 invitation_revoked', async () => {
    const invitation = await invite('withdrawn@example.test');
    await testApp.app.inject({ method: 'DELETE', url: `/api/admin/invitations/${invitation.id}`, headers: bearer(owner.accessToken) });
    const response = await accept({ token: invitation.token, name: 'W', password: 'long enough password' });
    expect(response.statusCode).toBe(422);
    expect(response.json().code).toBe('invitation_revoked');
    expect(await countRows(testApp.app, 'staff_user', 'email = $1', ['withdrawn@example.test'])).toBe(0);
  });

  it('refuses someone who became a member meanwhile with 409 already_member', async () => {
    const invitation = await invite('sneaky@example.test');
    const joined = await signUp(testApp.app, { email: 'sneaky@example.test', merchantName: 'Sneaky Co' });
    // No single product path leads here (one pending invitation per email, and invitations are the way in):
    // the membership stands for whatever raced this acceptance, so it is written directly.
    await testApp.database.pool.query(`insert into membership (id, merchant_id, user_id, role) values (gen_random_uuid(), $1, $2, 'clerk')`, [
      owner.merchant!.id,
      joined.user.id,
    ]);
    const response = await accept({ token: invitation.token, password: TEST_PASSWORD });
    expect(response.statusCode).toBe(409);
    expect(response.json().code).toBe('already_member');
    expect(await countRows(testApp.app, 'invitation', 'id = $1 and accepted_at is null', [invitation.id])).toBe(1);
  });

  it('refuses to join a suspended merchant with 403 merchant_suspended', async () => {
    const suspendedOwner = await signUp(testApp.app, { merchantName: 'Paused' });
    const invitation = await invite('to.paused@example.test', 'clerk', suspendedOwner);
    await suspendMerchant(testApp.app, suspendedOwner.merchant!.id);
    const response = await accept({ token: invitation.token, name: 'P', password: 'long enough password' });
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('merchant_suspended');
    expect(await countRows(testApp.app, 'staff_user', 'email = $1', ['to.paused@example.test'])).toBe(0);
  });
});

describe('POST /api/auth/invitations/accept after the invitation lived its lifetime (INVITATION_TTL_SECONDS=1)', () => {
  let hurried: TestApp;
  let inviter: SessionAnswer;
  beforeAll(async () => {
    hurried = await buildTestApp({ INVITATION_TTL_SECONDS: '1' });
    inviter = await signUp(hurried.app, { merchantName: 'Hurried Merchant' });
  });
  afterAll(() => hurried.close());

  it('refuses an expired invitation with 422 invitation_expired', async () => {
    const created = await hurried.app.inject({ method: 'POST', url: '/api/admin/invitations', headers: bearer(inviter.accessToken), payload: { email: 'late@example.test', role: 'clerk' } });
    expect(created.statusCode).toBe(201);
    await untilPast(created.json().expiresAt);
    const response = await hurried.app.inject({ method: 'POST', url: '/api/auth/invitations/accept', payload: { token: created.json().token, name: 'Late', password: 'long enough password' } });
    expect(response.statusCode).toBe(422);
    expect(response.json().code).toBe('invitation_expired');
    expect(await countRows(hurried.app, 'staff_user', 'email = $1', ['late@example.test'])).toBe(0);
  });
});
