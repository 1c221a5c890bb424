import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacKey, JwtVerificationError, signJwt, verifyJwt, type JwtFailure, type VerifyOptions } from './json-web-tokens.ts';

const secret = 'a-host-secret-of-thirty-two-characters!';
const key = hmacKey(secret);
const nowSeconds = 1_795_000_000;

/** The failure a verification ends with, or undefined when the token is accepted. */
async function failureOf(token: string, options: Partial<VerifyOptions> = {}, verifyKey = key): Promise<JwtFailure | undefined> {
  try {
    await verifyJwt(token, verifyKey, { nowSeconds, ...options });
  } catch (error) {
    if (error instanceof JwtVerificationError) return error.failure;
    throw error;
  }
  return undefined;
}

/** An HS256 JWT built by hand, as any RFC 7519 signer (a chat host's backend) would build it. */
function rawToken(header: unknown, claims: unknown, signingSecret = secret): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signingInput = `${encode(header)}.${encode(claims)}`;
  return `${signingInput}.${createHmac('sha256', signingSecret).update(signingInput).digest('base64url')}`;
}

describe('JSON Web Tokens (jose, HS256)', () => {
  it('verify what they sign, and what any RFC 7519 HS256 signer signs', async () => {
    const signed = await signJwt({ name: 'Ada' }, key, { nowSeconds, expiresInSeconds: 60, subject: 'user-1', audience: 'minishop:shopper' });
    expect(await verifyJwt(signed, key, { nowSeconds, audience: 'minishop:shopper' })).toEqual({
      name: 'Ada',
      sub: 'user-1',
      aud: 'minishop:shopper',
      iat: nowSeconds,
      exp: nowSeconds + 60,
    });
    const claims = { sub: 'user-1', exp: nowSeconds + 60 };
    expect(await verifyJwt(rawToken({ typ: 'JWT', alg: 'HS256' }, claims), key, { nowSeconds })).toEqual(claims);
  });

  it('refuse a wrong key, another algorithm, alg none and malformed tokens', async () => {
    const claims = { sub: 'user-1', exp: nowSeconds + 60 };
    expect(await failureOf(rawToken({ alg: 'HS256' }, claims), {}, hmacKey('another-key-of-enough-length-000000'))).toBe('signature');
    expect(await failureOf(rawToken({ alg: 'HS512' }, claims))).toBe('malformed');
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    expect(await failureOf(unsigned)).toBe('malformed');
    for (const token of ['', 'a.b', 'a.b.c.d', 'e30.e30.!!', `${Buffer.from('[1]').toString('base64url')}.e30.AAAA`]) {
      expect(await failureOf(token), token).toBe('malformed');
    }
  });

  it('judge expiry, not-before and audience only on authentic tokens, with clock tolerance', async () => {
    expect(await failureOf(rawToken({ alg: 'HS256' }, { exp: nowSeconds - 31 }))).toBe('expired');
    expect(await failureOf(rawToken({ alg: 'HS256' }, { exp: nowSeconds - 29 }))).toBeUndefined();
    expect(await failureOf(rawToken({ alg: 'HS256' }, { exp: nowSeconds }), { clockToleranceSeconds: 0 })).toBe('expired');
    expect(await failureOf(rawToken({ alg: 'HS256' }, { exp: nowSeconds - 600 }, 'wrong-key-wrong-key-wrong-key-wrong'))).toBe('signature');
    expect(await failureOf(rawToken({ alg: 'HS256' }, { exp: nowSeconds + 600, nbf: nowSeconds + 120 }))).toBe('not_yet_valid');
    expect(await failureOf(rawToken({ alg: 'HS256' }, { sub: 'x' }))).toBe('expiry_missing');
    expect(await failureOf(rawToken({ alg: 'HS256' }, { sub: 'x' }), { requireExpiry: false })).toBeUndefined();
    expect(await failureOf(rawToken({ alg: 'HS256' }, { exp: 'soon' }))).toBe('malformed');
    const withAudience = rawToken({ alg: 'HS256' }, { exp: nowSeconds + 60, aud: ['minishop:shopper', 'other'] });
    expect(await failureOf(withAudience, { audience: 'minishop:shopper' })).toBeUndefined();
    expect(await failureOf(withAudience, { audience: 'minishop:staff' })).toBe('audience');
    expect(await failureOf(rawToken({ alg: 'HS256' }, { exp: nowSeconds + 60 }), { audience: 'minishop:staff' })).toBe('audience');
  });
});
