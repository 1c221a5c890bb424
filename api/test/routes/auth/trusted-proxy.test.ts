import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../helpers/app.ts';
import { signUp, type SessionAnswer } from '../../helpers/auth.ts';

const AUTH_LIMIT = 20;
const PROXY_ADDRESS = '10.0.0.2';

/** 25 failed logins, each claiming another client address through X-Forwarded-For; the statuses in order. */
async function spoofedLogins(testApp: TestApp, owner: SessionAnswer, remoteAddress: string, firstOctet: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let attempt = 0; attempt < 25; attempt += 1) {
    const response = await testApp.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress,
      headers: { 'x-forwarded-for': `${firstOctet}.0.113.${attempt + 1}` },
      payload: { email: owner.user.email, password: 'wrong password' },
    });
    statuses.push(response.statusCode);
  }
  return statuses;
}

describe('X-Forwarded-For with TRUST_PROXY off (the default)', () => {
  let testApp: TestApp;
  let owner: SessionAnswer;
  beforeAll(async () => {
    testApp = await buildTestApp({ AUTH_RATE_LIMIT_MAX_PER_MINUTE: String(AUTH_LIMIT) });
    owner = await signUp(testApp.app);
  });
  afterAll(() => testApp.close());

  it('is ignored: 25 logins with 25 spoofed addresses count as one client and hit the limit of 20', async () => {
    const statuses = await spoofedLogins(testApp, owner, '198.51.100.7', 203);
    expect(statuses.slice(0, AUTH_LIMIT)).toEqual(Array(AUTH_LIMIT).fill(401));
    expect(statuses.slice(AUTH_LIMIT)).toEqual(Array(25 - AUTH_LIMIT).fill(429));
  });
});

describe('X-Forwarded-For with TRUST_PROXY naming the proxy', () => {
  let testApp: TestApp;
  let owner: SessionAnswer;
  beforeAll(async () => {
    testApp = await buildTestApp({ AUTH_RATE_LIMIT_MAX_PER_MINUTE: String(AUTH_LIMIT), TRUST_PROXY: `${PROXY_ADDRESS},192.168.0.0/16` });
    owner = await signUp(testApp.app);
  });
  afterAll(() => testApp.close());

  it('gives each forwarded client its own limit when the request comes from the trusted proxy', async () => {
    const statuses = await spoofedLogins(testApp, owner, PROXY_ADDRESS, 203);
    expect(statuses).toEqual(Array(25).fill(401));
  });

  it('still limits one forwarded client that exceeds the limit behind the proxy', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < AUTH_LIMIT + 1; attempt += 1) {
      const response = await testApp.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: '192.168.4.4',
        headers: { 'x-forwarded-for': '198.51.100.99' },
        payload: { email: owner.user.email, password: 'wrong password' },
      });
      statuses.push(response.statusCode);
    }
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.filter((status) => status === 401)).toHaveLength(AUTH_LIMIT);
  });

  it('ignores the header from a client that is not the trusted proxy', async () => {
    const statuses = await spoofedLogins(testApp, owner, '198.51.100.8', 100);
    expect(statuses.slice(AUTH_LIMIT)).toEqual(Array(25 - AUTH_LIMIT).fill(429));
  });
});

describe('X-Forwarded-For with TRUST_PROXY as a hop count', () => {
  let testApp: TestApp;
  let owner: SessionAnswer;
  beforeAll(async () => {
    testApp = await buildTestApp({ AUTH_RATE_LIMIT_MAX_PER_MINUTE: String(AUTH_LIMIT), TRUST_PROXY: '1' });
    owner = await signUp(testApp.app);
  });
  afterAll(() => testApp.close());

  it('takes the client address the one proxy appended, so distinct clients get distinct limits', async () => {
    const statuses = await spoofedLogins(testApp, owner, PROXY_ADDRESS, 203);
    expect(statuses).toEqual(Array(25).fill(401));
  });

  it('ignores what a client prepends to the header itself', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 25; attempt += 1) {
      const response = await testApp.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress: PROXY_ADDRESS,
        // The client sent "X-Forwarded-For: 100.0.113.N"; the proxy appended the address it saw.
        headers: { 'x-forwarded-for': `100.0.113.${attempt + 1}, 198.51.100.50` },
        payload: { email: owner.user.email, password: 'wrong password' },
      });
      statuses.push(response.statusCode);
    }
    expect(statuses.slice(AUTH_LIMIT)).toEqual(Array(25 - AUTH_LIMIT).fill(429));
  });
});
