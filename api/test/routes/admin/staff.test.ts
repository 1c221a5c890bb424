import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../helpers/app.ts';
import { bearer, countRows, signUp, type SessionAnswer } from '../../helpers/auth.ts';
import { addMembership, createMerchantWithStaff, type StaffSession } from '../../helpers/staff.ts';

let testApp: TestApp;
let owner: SessionAnswer;
let ownerHeaders: { authorization: string };
let ownerMembershipId: string;

beforeAll(async () => {
  testApp = await buildTestApp();
  owner = await signUp(testApp.app, { merchantName: 'Staffed Merchant', name: 'Olivia Owner', email: 'olivia@example.test' });
  ownerHeaders = bearer(owner.accessToken);
  const { rows } = await testApp.database.pool.query(`select id from membership where user_id = $1`, [owner.user.id]);
  ownerMembershipId = rows[0].id;
});
afterAll(() => testApp.close());

const staffUrl = (id = '') => `/api/admin/staff${id ? `/${id}` : ''}`;

async function membershipIdOf(session: StaffSession): Promise<string> {
  const { rows } = await testApp.database.pool.query(`select id from membership where user_id = $1 and merchant_id = $2`, [session.userId, session.merchantId]);
  return rows[0].id;
}

async function roleOf(membershipId: string): Promise<string | undefined> {
  const { rows } = await testApp.database.pool.query(`select role from membership where id = $1`, [membershipId]);
  return rows[0]?.role;
}

describe('/api/admin/staff', () => {
  it('lists staff as memberships joined with their users, with Content-Range', async () => {
    const clerk = await createMerchantWithStaff(testApp.app, 'clerk', owner.merchant!.id);
    const response = await testApp.app.inject({ method: 'GET', url: `${staffUrl()}?sort=["role","ASC"]&range=[0,9]`, headers: ownerHeaders });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-range']).toBe('staff 0-1/2');
    const [first, second] = response.json();
    expect(first).toEqual({
      id: await membershipIdOf(clerk),
      merchantId: owner.merchant!.id,
      userId: clerk.userId,
      email: clerk.email,
      name: 'Test clerk',
      role: 'clerk',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(second).toMatchObject({ id: ownerMembershipId, userId: owner.user.id, email: 'olivia@example.test', name: 'Olivia Owner', role: 'owner' });
    expect(second).not.toHaveProperty('passwordHash');
  });

  it('filters by q, role and id', async () => {
    const byName = await testApp.app.inject({ method: 'GET', url: `${staffUrl()}?filter={"q":"olivia"}`, headers: ownerHeaders });
    expect(byName.json().map((member: { userId: string }) => member.userId)).toEqual([owner.user.id]);
    const byRole = await testApp.app.inject({ method: 'GET', url: `${staffUrl()}?filter={"role":"clerk"}`, headers: ownerHeaders });
    expect(byRole.json().every((member: { role: string }) => member.role === 'clerk')).toBe(true);
    const byId = await testApp.app.inject({ method: 'GET', url: `${staffUrl()}?filter={"id":"${ownerMembershipId}"}`, headers: ownerHeaders });
    expect(byId.json()).toHaveLength(1);
    const wildcard = await testApp.app.inject({ method: 'GET', url: `${staffUrl()}?filter=${encodeURIComponent('{"q":"%"}')}`, headers: ownerHeaders });
    expect(wildcard.json()).toEqual([]);
  });

  it('answers bad list parameters and bad bodies with 400 naming the field', async () => {
    const sort = await testApp.app.inject({ method: 'GET', url: `${staffUrl()}?sort=["passwordHash","ASC"]`, headers: ownerHeaders });
    expect(sort.statusCode).toBe(400);
    expect(Object.keys(sort.json().errors)).toEqual(['sort']);
    const body = await testApp.app.inject({ method: 'PUT', url: staffUrl(ownerMembershipId), headers: ownerHeaders, payload: { role: 'emperor' } });
    expect(body.statusCode).toBe(400);
    expect(Object.keys(body.json().errors)).toEqual(['role']);
    const id = await testApp.app.inject({ method: 'GET', url: staffUrl('not-a-uuid'), headers: ownerHeaders });
    expect(id.statusCode).toBe(400);
    expect(Object.keys(id.json().errors)).toEqual(['id']);
    expect(await roleOf(ownerMembershipId)).toBe('owner');
  });

  it('shows one staff member', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: staffUrl(ownerMembershipId), headers: ownerHeaders });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: ownerMembershipId, role: 'owner', email: 'olivia@example.test' });
  });

  it("changes a member's role, which the next refresh of their session carries", async () => {
    const member = await signUp(testApp.app, { merchantName: 'Elsewhere' });
    await addMembership(testApp.app, owner.merchant!.id, member.user.id, 'clerk');
    const login = (await testApp.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: member.user.email, password: 'correct horse battery', merchantId: owner.merchant!.id } })).json();
    const { rows } = await testApp.database.pool.query(`select id from membership where user_id = $1 and merchant_id = $2`, [member.user.id, owner.merchant!.id]);
    const response = await testApp.app.inject({ method: 'PUT', url: staffUrl(rows[0].id), headers: ownerHeaders, payload: { role: 'manager' } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: rows[0].id, role: 'manager', userId: member.user.id });
    expect(await roleOf(rows[0].id)).toBe('manager');
    const refreshed = (await testApp.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: login.refreshToken } })).json();
    expect(refreshed).toMatchObject({ merchant: { id: owner.merchant!.id }, role: 'manager' });
  });

  it('refuses to demote or remove the last owner with 422 last_owner, changing nothing', async () => {
    const demote = await testApp.app.inject({ method: 'PUT', url: staffUrl(ownerMembershipId), headers: ownerHeaders, payload: { role: 'manager' } });
    expect(demote.statusCode).toBe(422);
    expect(demote.json()).toMatchObject({ type: 'business_rule', code: 'last_owner' });
    const remove = await testApp.app.inject({ method: 'DELETE', url: staffUrl(ownerMembershipId), headers: ownerHeaders });
    expect(remove.statusCode).toBe(422);
    expect(remove.json().code).toBe('last_owner');
    expect(await roleOf(ownerMembershipId)).toBe('owner');
    // Keeping the owner an owner is no demotion.
    const same = await testApp.app.inject({ method: 'PUT', url: staffUrl(ownerMembershipId), headers: ownerHeaders, payload: { role: 'owner' } });
    expect(same.statusCode).toBe(200);
  });

  it('lets an owner step down once there is another owner', async () => {
    const merchant = await signUp(testApp.app, { merchantName: 'Two Owners' });
    const second = await createMerchantWithStaff(testApp.app, 'owner', merchant.merchant!.id);
    const { rows } = await testApp.database.pool.query(`select id from membership where user_id = $1`, [merchant.user.id]);
    const stepDown = await testApp.app.inject({ method: 'PUT', url: staffUrl(rows[0].id), headers: bearer(merchant.accessToken), payload: { role: 'finance' } });
    expect(stepDown.statusCode).toBe(200);
    const secondId = await membershipIdOf(second);
    const removeLast = await testApp.app.inject({ method: 'DELETE', url: staffUrl(secondId), headers: second.headers });
    expect(removeLast.statusCode).toBe(422);
    expect(await roleOf(secondId)).toBe('owner');
  });

  it("removes a member and ends their sessions at that merchant (their refresh tokens are revoked)", async () => {
    const leaver = await signUp(testApp.app, { merchantName: 'Leaver Home' });
    await addMembership(testApp.app, owner.merchant!.id, leaver.user.id, 'finance');
    const atOwner = (await testApp.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: leaver.user.email, password: 'correct horse battery', merchantId: owner.merchant!.id } })).json();
    const { rows } = await testApp.database.pool.query(`select id from membership where user_id = $1 and merchant_id = $2`, [leaver.user.id, owner.merchant!.id]);
    const response = await testApp.app.inject({ method: 'DELETE', url: staffUrl(rows[0].id), headers: ownerHeaders });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: rows[0].id, userId: leaver.user.id, role: 'finance' });
    expect(await roleOf(rows[0].id)).toBeUndefined();
    expect((await testApp.app.inject({ method: 'GET', url: staffUrl(rows[0].id), headers: ownerHeaders })).statusCode).toBe(404);

    const refreshed = await testApp.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: atOwner.refreshToken } });
    expect(refreshed.statusCode).toBe(401);
    expect(refreshed.json().code).toBe('refresh_token_revoked');
    // Their own merchant's session is untouched.
    expect((await testApp.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: leaver.refreshToken } })).statusCode).toBe(200);
  });

  it('lets managers read staff but not change them; clerks and finance cannot even read', async () => {
    const manager = await createMerchantWithStaff(testApp.app, 'manager', owner.merchant!.id);
    expect((await testApp.app.inject({ method: 'GET', url: staffUrl(), headers: manager.headers })).statusCode).toBe(200);
    expect((await testApp.app.inject({ method: 'GET', url: staffUrl(ownerMembershipId), headers: manager.headers })).statusCode).toBe(200);
    const managerId = await membershipIdOf(manager);
    const promote = await testApp.app.inject({ method: 'PUT', url: staffUrl(managerId), headers: manager.headers, payload: { role: 'owner' } });
    expect(promote.statusCode).toBe(403);
    expect(promote.json().code).toBe('role_forbidden');
    expect((await testApp.app.inject({ method: 'DELETE', url: staffUrl(ownerMembershipId), headers: manager.headers })).statusCode).toBe(403);
    expect(await roleOf(managerId)).toBe('manager');
    expect(await roleOf(ownerMembershipId)).toBe('owner');
    for (const role of ['clerk', 'finance'] as const) {
      const staff = await createMerchantWithStaff(testApp.app, role, owner.merchant!.id);
      expect((await testApp.app.inject({ method: 'GET', url: staffUrl(), headers: staff.headers })).statusCode, role).toBe(403);
    }
    expect((await testApp.app.inject({ method: 'GET', url: staffUrl() })).statusCode).toBe(401);
  });

  it("hides another merchant's staff behind 404 for every verb, and lists none of them", async () => {
    const stranger = await createMerchantWithStaff(testApp.app, 'owner');
    for (const method of ['GET', 'PUT', 'DELETE'] as const) {
      const response = await testApp.app.inject({
        method,
        url: staffUrl(ownerMembershipId),
        headers: stranger.headers,
        ...(method === 'PUT' ? { payload: { role: 'clerk' } } : {}),
      });
      expect(response.statusCode, method).toBe(404);
      expect(response.json().code).toBe('staff_member_not_found');
    }
    expect(await roleOf(ownerMembershipId)).toBe('owner');
    const list = await testApp.app.inject({ method: 'GET', url: `${staffUrl()}?filter={"id":["${ownerMembershipId}"]}`, headers: stranger.headers });
    expect(list.json()).toEqual([]);
    const all = await testApp.app.inject({ method: 'GET', url: staffUrl(), headers: stranger.headers });
    expect(all.json().map((member: { userId: string }) => member.userId)).toEqual([stranger.userId]);
  });
});
