import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../helpers/app.ts';
import { bearer, signUp, type SessionAnswer } from '../../helpers/auth.ts';

let testApp: TestApp;
let owner: SessionAnswer;

beforeAll(async () => {
  testApp = await buildTestApp({ AUTH_RATE_LIMIT_MAX_PER_MINUTE: '4' });
  owner = await signUp(testApp.app);
});
afterAll(() => testApp.close());

describe('the auth rate limit', () => {
  it('answers 429 once a client exceeds AUTH_RATE_LIMIT_MAX_PER_MINUTE on an auth route', async () => {
    const login = () => testApp.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '203.0.113.7', payload: { email: owner.user.email, password: 'wrong password' } });
    const statuses = [];
    for (let attempt = 0; attempt < 5; attempt += 1) statuses.push((await login()).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    const limited = await login();
    expect(limited.json()).toMatchObject({ type: 'rate_limited', code: 'rate_limited' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('counts per client address, and leaves other routes on the general limit', async () => {
    const other = await testApp.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '198.51.100.9', payload: { email: owner.user.email, password: 'wrong password' } });
    expect(other.statusCode).toBe(401);
    for (let attempt = 0; attempt < 6; attempt += 1) {
      const me = await testApp.app.inject({ method: 'GET', url: '/api/auth/me', remoteAddress: '203.0.113.7', headers: bearer(owner.accessToken) });
      expect(me.statusCode).toBe(200);
    }
  });
});
