import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../../../db/src/secrets.ts';
import { buildTestApp, type TestApp } from '../../helpers/app.ts';
import { bearer, countRows, signUp, type SessionAnswer } from '../../helpers/auth.ts';
import { untilPast } from '../../helpers/expiry.ts';
import { createMerchantWithStaff } from '../../helpers/staff.ts';

let testApp: TestApp;
let owner: SessionAnswer;
let ownerHeaders: { authorization: string };

beforeAll(async () => {
  testApp = await buildTestApp({ PUBLIC_URL: 'https://shop.example' });
  owner = await signUp(testApp.app, { merchantName: 'Inviting Merchant' });
  ownerHeaders = bearer(owner.accessToken);
});
afterAll(() => testApp.close());

const invite = (headers: { authorization: string }, payload: Record<string, unknown>) =>
  testApp.app.inject({ method: 'POST', url: '/api/admin/invitations', headers, payload });

describe('/api/admin/invitations', () => {
  it('creates an invitation and shows its token and accept link once; only the hash is stored', async () => {
    const response = await invite(ownerHeaders, { email: 'New.Clerk@Example.test', role: 'clerk' });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toMatchObject({
      merchantId: owner.merchant!.id,
      email: 'new.clerk@example.test',
      role: 'clerk',
      status: 'pending',
      invitedByUserId: owner.user.id,
      acceptedAt: null,
      revokedAt: null,
    });
    expect(body.acceptUrl).toBe(`https://shop.example/admin/#/accept-invitation?token=${body.token}`);
    const expiresInSeconds = (Date.parse(body.expiresAt) - Date.now()) / 1000;
    expect(expiresInSeconds).toBeGreaterThan(testApp.config.auth.invitationTtlSeconds - 360);
    expect(expiresInSeconds).toBeLessThanOrEqual(testApp.config.auth.invitationTtlSeconds);

    const { rows } = await testApp.database.pool.query(`select token_hash from invitation where id = $1`, [body.id]);
    expect(rows[0].token_hash).toBe(hashSecret(body.token));

    const shown = await testApp.app.inject({ method: 'GET', url: `/api/admin/invitations/${body.id}`, headers: ownerHeaders });
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).not.toHaveProperty('token');
    expect(shown.json()).not.toHaveProperty('tokenHash');

    const list = await testApp.app.inject({ method: 'GET', url: '/api/admin/invitations?filter={"status":"pending"}', headers: ownerHeaders });
    expect(list.statusCode).toBe(200);
    expect(list.headers['content-range']).toBe('invitations 0-0/1');
    expect(list.json()[0]).toMatchObject({ id: body.id, status: 'pending' });
    expect(list.json()[0]).not.toHaveProperty('token');
  });

  it('refuses a second pending invitation for the same email with 409, and creates nothing', async () => {
    const before = await countRows(testApp.app, 'invitation');
    const response = await invite(ownerHeaders, { email: 'new.clerk@example.test', role: 'manager' });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: 'invitation_pending', errors: { email: expect.any(String) } });
    expect(await countRows(testApp.app, 'invitation')).toBe(before);
  });

  it('refuses to invite someone who is already a member with 409', async () => {
    const response = await invite(ownerHeaders, { email: owner.user.email, role: 'clerk' });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: 'already_member', errors: { email: 'is already a member' } });
  });

  it('answers bad input with 400 naming the fields', async () => {
    const response = await invite(ownerHeaders, { email: 'not-an-email', role: 'king' });
    expect(response.statusCode).toBe(400);
    expect(Object.keys(response.json().errors).sort()).toEqual(['email', 'role']);
    const filter = await testApp.app.inject({ method: 'GET', url: '/api/admin/invitations?filter={"status":"lost"}', headers: ownerHeaders });
    expect(filter.statusCode).toBe(400);
    expect(Object.keys(filter.json().errors)[0]).toMatch(/^filter/);
  });

  it('lets managers read invitations but only owners create or revoke them; clerks and finance see nothing', async () => {
    // Joined through invitations of their own, before the count below.
    const manager = await createMerchantWithStaff(testApp.app, 'manager', owner.merchant!.id);
    const readers = [await createMerchantWithStaff(testApp.app, 'clerk', owner.merchant!.id), await createMerchantWithStaff(testApp.app, 'finance', owner.merchant!.id)];
    expect((await testApp.app.inject({ method: 'GET', url: '/api/admin/invitations', headers: manager.headers })).statusCode).toBe(200);
    const before = await countRows(testApp.app, 'invitation');
    const created = await invite(manager.headers, { email: 'by.manager@example.test', role: 'clerk' });
    expect(created.statusCode).toBe(403);
    expect(created.json().code).toBe('role_forbidden');
    const [pending] = (await testApp.app.inject({ method: 'GET', url: '/api/admin/invitations', headers: ownerHeaders })).json();
    expect((await testApp.app.inject({ method: 'DELETE', url: `/api/admin/invitations/${pending.id}`, headers: manager.headers })).statusCode).toBe(403);
    for (const staff of readers) {
      expect((await testApp.app.inject({ method: 'GET', url: '/api/admin/invitations', headers: staff.headers })).statusCode, staff.role).toBe(403);
    }
    expect(await countRows(testApp.app, 'invitation')).toBe(before);
    expect(await countRows(testApp.app, 'invitation', 'revoked_at is not null')).toBe(0);
    expect((await testApp.app.inject({ method: 'GET', url: '/api/admin/invitations' })).statusCode).toBe(401);
  });

  it('refuses creation through an API key (an invitation records the person who sent it)', async () => {
    const key = (await testApp.app.inject({ method: 'POST', url: '/api/admin/api-keys', headers: ownerHeaders, payload: { name: 'bot', role: 'owner' } })).json();
    const response = await invite(bearer(key.secret), { email: 'from.key@example.test', role: 'clerk' });
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('staff_user_required');
    expect(await countRows(testApp.app, 'invitation', 'email = $1', ['from.key@example.test'])).toBe(0);
  });

  it('revokes an invitation, idempotently, and then allows a new one for that email', async () => {
    const created = (await invite(ownerHeaders, { email: 'revoke.me@example.test', role: 'finance' })).json();
    const revoked = await testApp.app.inject({ method: 'DELETE', url: `/api/admin/invitations/${created.id}`, headers: ownerHeaders });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toMatchObject({ id: created.id, status: 'revoked', revokedAt: expect.any(String) });
    const again = await testApp.app.inject({ method: 'DELETE', url: `/api/admin/invitations/${created.id}`, headers: ownerHeaders });
    expect(again.statusCode).toBe(200);
    expect(again.json().revokedAt).toBe(revoked.json().revokedAt);
    expect((await invite(ownerHeaders, { email: 'revoke.me@example.test', role: 'finance' })).statusCode).toBe(201);
    const revokedList = await testApp.app.inject({ method: 'GET', url: '/api/admin/invitations?filter={"status":"revoked"}', headers: ownerHeaders });
    expect(revokedList.json().map((invitation: { id: string }) => invitation.id)).toEqual([created.id]);
  });

  it('refuses to revoke an accepted invitation with 422', async () => {
    const created = (await invite(ownerHeaders, { email: 'joiner@example.test', role: 'clerk' })).json();
    const accepted = await testApp.app.inject({
      method: 'POST',
      url: '/api/auth/invitations/accept',
      payload: { token: created.token, name: 'Joiner', password: 'a good long password' },
    });
    expect(accepted.statusCode).toBe(200);
    const response = await testApp.app.inject({ method: 'DELETE', url: `/api/admin/invitations/${created.id}`, headers: ownerHeaders });
    expect(response.statusCode).toBe(422);
    expect(response.json().code).toBe('invitation_already_accepted');
    expect(await countRows(testApp.app, 'invitation', 'id = $1 and revoked_at is null', [created.id])).toBe(1);
  });

  it("hides another merchant's invitation behind 404 for every verb, and lists none of them", async () => {
    const created = (await invite(ownerHeaders, { email: 'private@example.test', role: 'clerk' })).json();
    const stranger = await createMerchantWithStaff(testApp.app, 'owner');
    for (const method of ['GET', 'DELETE'] as const) {
      const response = await testApp.app.inject({ method, url: `/api/admin/invitations/${created.id}`, headers: stranger.headers });
      expect(response.statusCode, method).toBe(404);
      expect(response.json().code).toBe('invitation_not_found');
    }
    expect(await countRows(testApp.app, 'invitation', 'id = $1 and revoked_at is null', [created.id])).toBe(1);
    const list = await testApp.app.inject({ method: 'GET', url: `/api/admin/invitations?filter={"id":["${created.id}"]}`, headers: stranger.headers });
    expect(list.json()).toEqual([]);
    expect(list.headers['content-range']).toBe('invitations */0');
  });
});

describe('/api/admin/invitations once an invitation lived its lifetime (INVITATION_TTL_SECONDS=2)', () => {
  let hurried: TestApp;
  let headers: { authorization: string };
  beforeAll(async () => {
    hurried = await buildTestApp({ INVITATION_TTL_SECONDS: '2' });
    headers = bearer((await signUp(hurried.app, { merchantName: 'Hurried Merchant' })).accessToken);
  });
  afterAll(() => hurried.close());

  const inviteSlowly = () => hurried.app.inject({ method: 'POST', url: '/api/admin/invitations', headers, payload: { email: 'slow@example.test', role: 'clerk' } });

  it('allows a new invitation once the old one has expired, and lists it as expired', async () => {
    const created = await inviteSlowly();
    expect(created.statusCode).toBe(201);
    // Still pending: a second invitation for the same email is refused until the first one expires.
    expect((await inviteSlowly()).statusCode).toBe(409);
    await untilPast(created.json().expiresAt);
    const shown = (await hurried.app.inject({ method: 'GET', url: `/api/admin/invitations/${created.json().id}`, headers })).json();
    expect(shown.status).toBe('expired');
    const expired = await hurried.app.inject({ method: 'GET', url: '/api/admin/invitations?filter={"status":"expired"}', headers });
    expect(expired.json().map((invitation: { id: string }) => invitation.id)).toEqual([created.json().id]);
    expect((await inviteSlowly()).statusCode).toBe(201);
  });
});
