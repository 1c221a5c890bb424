import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { JwtVerificationError, signHs256, verifyHs256, type JwtFailure } from './hs256-jwt.ts';

const key = 'a-host-secret-of-thirty-two-characters!';
const nowSeconds = 1_795_000_000;

function failureOf(action: () => unknown): JwtFailure | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof JwtVerificationError) return error.failure;
    throw error;
  }
  return undefined;
}

function rawToken(header: unknown, claims: unknown, secret = key): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signingInput = `${encode(header)}.${encode(claims)}`;
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
}

describe('HS256 JWTs', () => {
  it('verify what they sign, and what any RFC 7519 HS256 signer signs', () => {
    const claims = { sub: 'user-1', exp: nowSeconds + 60 };
    expect(verifyHs256(signHs256(claims, key), key, { nowSeconds })).toEqual(claims);
    expect(verifyHs256(rawToken({ typ: 'JWT', alg: 'HS256' }, claims), key, { nowSeconds })).toEqual(claims);
  });

  it('refuse a wrong key, another algorithm, alg none and malformed tokens', () => {
    const claims = { sub: 'user-1', exp: nowSeconds + 60 };
    expect(failureOf(() => verifyHs256(signHs256(claims, key), 'another-key-of-enough-length-000000', { nowSeconds }))).toBe('signature');
    expect(failureOf(() => verifyHs256(rawToken({ alg: 'HS512' }, claims), key, { nowSeconds }))).toBe('malformed');
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    expect(failureOf(() => verifyHs256(unsigned, key, { nowSeconds }))).toBe('malformed');
    for (const token of ['', 'a.b', 'a.b.c.d', 'e30.e30.!!', `${Buffer.from('[1]').toString('base64url')}.e30.AAAA`]) {
      expect(failureOf(() => verifyHs256(token, key, { nowSeconds })), token).toBe('malformed');
    }
  });

  it('judge expiry, not-before and audience only on authentic tokens, with clock tolerance', () => {
    expect(failureOf(() => verifyHs256(signHs256({ exp: nowSeconds - 31 }, key), key, { nowSeconds }))).toBe('expired');
    expect(failureOf(() => verifyHs256(signHs256({ exp: nowSeconds - 29 }, key), key, { nowSeconds }))).toBeUndefined();
    expect(failureOf(() => verifyHs256(signHs256({ exp: nowSeconds }, key), key, { nowSeconds, clockToleranceSeconds: 0 }))).toBe('expired');
    expect(failureOf(() => verifyHs256(signHs256({ exp: nowSeconds - 600 }, 'wrong-key-wrong-key-wrong-key-wrong'), key, { nowSeconds }))).toBe('signature');
    expect(failureOf(() => verifyHs256(signHs256({ exp: nowSeconds + 600, nbf: nowSeconds + 120 }, key), key, { nowSeconds }))).toBe('not_yet_valid');
    expect(failureOf(() => verifyHs256(signHs256({ sub: 'x' }, key), key, { nowSeconds }))).toBe('expiry_missing');
    expect(failureOf(() => verifyHs256(signHs256({ sub: 'x' }, key), key, { nowSeconds, requireExpiry: false }))).toBeUndefined();
    expect(failureOf(() => verifyHs256(signHs256({ exp: 'soon' }, key), key, { nowSeconds }))).toBe('malformed');
    const withAudience = signHs256({ exp: nowSeconds + 60, aud: ['minishop:shopper', 'other'] }, key);
    expect(failureOf(() => verifyHs256(withAudience, key, { nowSeconds, audience: 'minishop:shopper' }))).toBeUndefined();
    expect(failureOf(() => verifyHs256(withAudience, key, { nowSeconds, audience: 'minishop:staff' }))).toBe('audience');
  });
});
