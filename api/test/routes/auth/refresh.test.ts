import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../../../db/src/secrets.ts';
import { buildTestApp, type TestApp } from '../../helpers/app.ts';
import { bearer, countRows, logIn, signUp, type SessionAnswer } from '../../helpers/auth.ts';
import { untilPast } from '../../helpers/expiry.ts';
import { addMembership, suspendMerchant } from '../../helpers/staff.ts';

let testApp: TestApp;
let owner: SessionAnswer;

beforeAll(async () => {
  testApp = await buildTestApp();
  owner = await signUp(testApp.app, { merchantName: 'Refreshing Merchant' });
});
afterAll(() => testApp.close());

const refresh = (refreshToken: string, merchantId?: string) =>
  testApp.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken, ...(merchantId ? { merchantId } : {}) } });
const logout = (refreshToken: string) => testApp.app.inject({ method: 'POST', url: '/api/auth/logout', payload: { refreshToken } });

async function freshSession(): Promise<SessionAnswer> {
  return (await logIn(testApp.app, owner.user.email)).json();
}

async function tokenRow(refreshToken: string) {
  const { rows } = await testApp.database.pool.query(`select * from refresh_token where token_hash = $1`, [hashSecret(refreshToken)]);
  return rows[0];
}

describe('POST /api/auth/refresh', () => {
  it('rotates: answers a new session and marks the old token replaced, in the same family', async () => {
    const session = await freshSession();
    const response = await refresh(session.refreshToken);
    expect(response.statusCode).toBe(200);
    const next = response.json();
    expect(next).toMatchObject({ user: { id: owner.user.id }, merchant: { id: owner.merchant!.id }, role: 'owner' });
    expect(next.refreshToken).not.toBe(session.refreshToken);
    expect(await testApp.app.services.auth.authenticate(next.accessToken)).toMatchObject({ type: 'staff', userId: owner.user.id, merchantId: owner.merchant!.id, role: 'owner' });

    const [old, fresh] = [await tokenRow(session.refreshToken), await tokenRow(next.refreshToken)];
    expect(old.replaced_at).toBeInstanceOf(Date);
    expect(old.revoked_at).toBeNull();
    expect(fresh).toMatchObject({ family_id: old.family_id, replaced_at: null, revoked_at: null });
  });

  it('treats a replaced token presented again as theft: 401 refresh_token_reused and the whole family revoked', async () => {
    const session = await freshSession();
    const next = (await refresh(session.refreshToken)).json();
    const reused = await refresh(session.refreshToken);
    expect(reused.statusCode).toBe(401);
    expect(reused.json()).toMatchObject({ type: 'unauthorized', code: 'refresh_token_reused' });

    const { family_id: familyId } = await tokenRow(session.refreshToken);
    expect(await countRows(testApp.app, 'refresh_token', 'family_id = $1 and revoked_at is null', [familyId])).toBe(0);
    // The thief's (or the owner's) newer token is dead too.
    const afterTheft = await refresh(next.refreshToken);
    expect(afterTheft.statusCode).toBe(401);
    expect(afterTheft.json().code).toBe('refresh_token_revoked');
  });

  it('lets exactly one of many parallel refreshes of one token succeed', async () => {
    const session = await freshSession();
    const answers = await Promise.all(Array.from({ length: 8 }, () => refresh(session.refreshToken)));
    const statuses = answers.map((answer) => answer.statusCode);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 401)).toHaveLength(7);
    for (const answer of answers.filter((answer) => answer.statusCode === 401)) expect(answer.json().code).toBe('refresh_token_reused');
    const { family_id: familyId } = await tokenRow(session.refreshToken);
    // One rotation happened (two rows); the reuse then ended the family.
    expect(await countRows(testApp.app, 'refresh_token', 'family_id = $1', [familyId])).toBe(2);
    expect(await countRows(testApp.app, 'refresh_token', 'family_id = $1 and revoked_at is null', [familyId])).toBe(0);
  });

  it('answers 401 for an unknown or a revoked token, and issues nothing', async () => {
    const before = await countRows(testApp.app, 'refresh_token');
    const unknown = await refresh('not-a-token-we-issued');
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().code).toBe('invalid_refresh_token');

    const revoking = await freshSession();
    expect((await logout(revoking.refreshToken)).statusCode).toBe(204);
    const revoked = await refresh(revoking.refreshToken);
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().code).toBe('refresh_token_revoked');
    expect(await countRows(testApp.app, 'refresh_token')).toBe(before + 1);
  });

  it('answers a missing or oversized token with 400 naming refreshToken', async () => {
    for (const payload of [{}, { refreshToken: '' }, { refreshToken: 'x'.repeat(201) }]) {
      const response = await testApp.app.inject({ method: 'POST', url: '/api/auth/refresh', payload });
      expect(response.statusCode).toBe(400);
      expect(Object.keys(response.json().errors)).toEqual(['refreshToken']);
    }
  });

  it('carries a role change into the next access token', async () => {
    const manager = await signUp(testApp.app, { merchantName: 'Role Change' });
    const membership = await testApp.database.pool.query(`select id from membership where user_id = $1`, [manager.user.id]);
    await addMembership(testApp.app, manager.merchant!.id, owner.user.id, 'owner');
    // The other owner makes the first a clerk, in the console.
    const asOtherOwner = (await logIn(testApp.app, owner.user.email, undefined, manager.merchant!.id)).json();
    const demoted = await testApp.app.inject({ method: 'PUT', url: `/api/admin/staff/${membership.rows[0].id}`, headers: bearer(asOtherOwner.accessToken), payload: { role: 'clerk' } });
    expect(demoted.statusCode).toBe(200);
    const next = (await refresh(manager.refreshToken)).json();
    expect(next.role).toBe('clerk');
    expect(decodeJwt(next.accessToken)).toMatchObject({ role: 'clerk' });
  });

  it('switches merchant when given a merchantId the user belongs to, and refuses one they do not', async () => {
    const other = await signUp(testApp.app, { merchantName: 'Other Place' });
    await addMembership(testApp.app, other.merchant!.id, owner.user.id, 'finance');
    const session = await freshSession();
    const refused = await refresh(session.refreshToken, '0190a000-0000-7000-8000-000000000000');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('not_a_member');
    // A refused switch leaves the token usable.
    expect((await tokenRow(session.refreshToken)).replaced_at).toBeNull();
    const switched = await refresh(session.refreshToken, other.merchant!.id);
    expect(switched.statusCode).toBe(200);
    expect(switched.json()).toMatchObject({ merchant: { id: other.merchant!.id, name: 'Other Place' }, role: 'finance' });
    const staysThere = (await refresh(switched.json().refreshToken)).json();
    expect(staysThere.merchant.id).toBe(other.merchant!.id);
  });

  it('refuses to refresh into a merchant suspended since sign-in', async () => {
    const suspended = await signUp(testApp.app, { merchantName: 'Soon Suspended' });
    const elsewhere = await signUp(testApp.app, { merchantName: 'Still Open' });
    await addMembership(testApp.app, suspended.merchant!.id, elsewhere.user.id, 'clerk');
    await suspendMerchant(testApp.app, suspended.merchant!.id);
    // The suspension ended the sessions at that merchant (their refresh tokens were revoked) ...
    expect((await refresh(suspended.refreshToken)).statusCode).toBe(401);
    // ... and a member's session at another merchant cannot switch into it.
    const response = await refresh(elsewhere.refreshToken, suspended.merchant!.id);
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('merchant_suspended');
  });
});

describe('POST /api/auth/logout', () => {
  it('revokes the whole family with 204, and is idempotent', async () => {
    const session = await freshSession();
    const rotated = (await refresh(session.refreshToken)).json();
    expect((await logout(rotated.refreshToken)).statusCode).toBe(204);
    const { family_id: familyId } = await tokenRow(session.refreshToken);
    expect(await countRows(testApp.app, 'refresh_token', 'family_id = $1 and revoked_at is null', [familyId])).toBe(0);
    const revokedAt = (await tokenRow(rotated.refreshToken)).revoked_at;

    const again = await logout(rotated.refreshToken);
    expect(again.statusCode).toBe(204);
    expect(again.body).toBe('');
    expect((await tokenRow(rotated.refreshToken)).revoked_at).toEqual(revokedAt);
    expect((await logout('never-issued')).statusCode).toBe(204);
  });

  it('leaves the other sessions of the same person alone', async () => {
    const [kept, ended] = [await freshSession(), await freshSession()];
    await logout(ended.refreshToken);
    expect((await refresh(kept.refreshToken)).statusCode).toBe(200);
  });

  it('leaves the access token working until it expires (it is stateless), but it cannot be refreshed', async () => {
    const session = await freshSession();
    await logout(session.refreshToken);
    expect((await testApp.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(session.accessToken) })).statusCode).toBe(200);
    expect((await refresh(session.refreshToken)).statusCode).toBe(401);
  });
});

describe('POST /api/auth/refresh after the token lived its lifetime (REFRESH_TOKEN_TTL_SECONDS=1)', () => {
  let hurried: TestApp;
  let email: string;
  beforeAll(async () => {
    hurried = await buildTestApp({ REFRESH_TOKEN_TTL_SECONDS: '1' });
    email = (await signUp(hurried.app, { merchantName: 'Hurried Merchant' })).user.email;
  });
  afterAll(() => hurried.close());

  it('answers 401 refresh_token_expired and issues nothing', async () => {
    const session: SessionAnswer = (await logIn(hurried.app, email)).json();
    const { rows } = await hurried.database.pool.query<{ expires_at: Date }>(`select expires_at from refresh_token where token_hash = $1`, [hashSecret(session.refreshToken)]);
    await untilPast(rows[0]!.expires_at.toISOString());
    const before = await countRows(hurried.app, 'refresh_token');
    const expired = await hurried.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: session.refreshToken } });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().code).toBe('refresh_token_expired');
    expect(await countRows(hurried.app, 'refresh_token')).toBe(before);
    const { rows: after } = await hurried.database.pool.query(`select replaced_at from refresh_token where token_hash = $1`, [hashSecret(session.refreshToken)]);
    expect(after[0].replaced_at).toBeNull();
  });
});
