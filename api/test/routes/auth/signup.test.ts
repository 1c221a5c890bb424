import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../helpers/app.ts';
import { bearer, countRows, TEST_PASSWORD } from '../../helpers/auth.ts';

let testApp: TestApp;

beforeAll(async () => {
  testApp = await buildTestApp();
});
afterAll(() => testApp.close());

const signup = (payload: Record<string, unknown>) => testApp.app.inject({ method: 'POST', url: '/api/auth/signup', payload });

describe('POST /api/auth/signup', () => {
  it('creates a merchant, its owner and the membership, and answers 201 with a session', async () => {
    const response = await signup({ merchantName: 'Tea House', name: 'Ada Owner', email: 'Ada@Example.TEST', password: TEST_PASSWORD });
    expect(response.statusCode).toBe(201);
    const session = response.json();
    expect(session).toMatchObject({
      accessTokenExpiresInSeconds: testApp.config.auth.accessTokenTtlSeconds,
      user: { email: 'ada@example.test', name: 'Ada Owner' },
      merchant: { name: 'Tea House' },
      role: 'owner',
      isOperator: false,
      memberships: [{ merchantName: 'Tea House', role: 'owner' }],
    });
    expect(session.refreshToken).toEqual(expect.any(String));
    expect(session.memberships[0].merchantId).toBe(session.merchant.id);

    const claims = decodeJwt(session.accessToken);
    expect(claims).toMatchObject({ sub: session.user.id, merchantId: session.merchant.id, role: 'owner', isOperator: false });

    const { rows } = await testApp.database.pool.query(
      `select u.email, u.password_hash, m.role, mer.status from staff_user u join membership m on m.user_id = u.id join merchant mer on mer.id = m.merchant_id where u.id = $1`,
      [session.user.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ email: 'ada@example.test', role: 'owner', status: 'active' });
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$/);
    expect(rows[0].password_hash).not.toContain(TEST_PASSWORD);

    const me = await testApp.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(session.accessToken) });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ user: { id: session.user.id }, merchant: { id: session.merchant.id }, role: 'owner' });
  });

  it('refuses an email that is taken, in any letter case, with 409 naming email, and creates nothing', async () => {
    const before = { merchants: await countRows(testApp.app, 'merchant'), users: await countRows(testApp.app, 'staff_user') };
    const response = await signup({ merchantName: 'Copycat', name: 'Eve', email: 'ADA@example.test', password: TEST_PASSWORD });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ type: 'conflict', code: 'email_taken', errors: { email: 'is already taken' } });
    expect(await countRows(testApp.app, 'merchant')).toBe(before.merchants);
    expect(await countRows(testApp.app, 'staff_user')).toBe(before.users);
  });

  it('lets only one of two simultaneous sign-ups with one email through', async () => {
    const payload = { merchantName: 'Race', name: 'Racer', email: 'race@example.test', password: TEST_PASSWORD };
    const answers = await Promise.all([signup(payload), signup(payload), signup(payload)]);
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([201, 409, 409]);
    expect(await countRows(testApp.app, 'staff_user', 'email = $1', ['race@example.test'])).toBe(1);
    expect(await countRows(testApp.app, 'merchant', 'name = $1', ['Race'])).toBe(1);
  });

  it('answers bad input with 400 naming each field, and creates nothing', async () => {
    const before = await countRows(testApp.app, 'merchant');
    for (const [payload, fields] of [
      [{ merchantName: '', name: 'A', email: 'not-an-email', password: 'short' }, ['merchantName', 'email', 'password']],
      [{ merchantName: '   ', name: '   ', email: 'b@example.test', password: TEST_PASSWORD }, ['merchantName', 'name']],
      [{ merchantName: 'X', name: 'Y', email: 'c@example.test', password: 'x'.repeat(201) }, ['password']],
      [{}, ['merchantName', 'name', 'email', 'password']],
    ] as const) {
      const response = await signup(payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().type).toBe('validation');
      expect(Object.keys(response.json().errors).sort()).toEqual([...fields].sort());
    }
    expect(await countRows(testApp.app, 'merchant')).toBe(before);
  });

  it('accepts a password of exactly 10 and of exactly 200 characters', async () => {
    expect((await signup({ merchantName: 'Ten', name: 'T', email: 'ten@example.test', password: '0123456789' })).statusCode).toBe(201);
    expect((await signup({ merchantName: 'Long', name: 'L', email: 'long@example.test', password: 'y'.repeat(200) })).statusCode).toBe(201);
  });
});
