import type { LRUCache } from 'lru-cache';
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacKey, JwtVerificationError, signJwt, type JwtFailure } from './json-web-tokens.ts';
import { CachedJwtVerifier } from './verified-jwt-cache.ts';

const key = hmacKey('a-secret-of-at-least-thirty-two-characters');
const nowSeconds = 1_795_000_000;
const audience = 'minishop:shopper';

async function failureOf(verifier: CachedJwtVerifier, token: string, atSeconds: number): Promise<JwtFailure | undefined> {
  try {
    await verifier.verify(token, atSeconds);
  } catch (error) {
    if (error instanceof JwtVerificationError) return error.failure;
    throw error;
  }
  return undefined;
}

/** The same token with one character of its signature changed. */
function tampered(token: string): string {
  const last = token.at(-2) === 'A' ? 'B' : 'A';
  return `${token.slice(0, -2)}${last}${token.at(-1)}`;
}

describe('CachedJwtVerifier: verified tokens remembered until they expire', () => {
  it('accepts a token again from memory with the same claims, and still refuses what jose refuses', async () => {
    const verifier = new CachedJwtVerifier(key, { audience, clockToleranceSeconds: 0 });
    const token = await signJwt({ provider: 'telegram' }, key, { nowSeconds, expiresInSeconds: 60, subject: 'shopper-1', audience });
    const first = await verifier.verify(token, nowSeconds);
    const again = await verifier.verify(token, nowSeconds + 30);
    expect(again).toEqual(first);
    expect(again).toMatchObject({ sub: 'shopper-1', provider: 'telegram', exp: nowSeconds + 60 });
    // A copy each time: a caller changing its claims changes nothing for the next request.
    again.sub = 'someone-else';
    expect((await verifier.verify(token, nowSeconds + 31)).sub).toBe('shopper-1');

    expect(await failureOf(verifier, tampered(token), nowSeconds)).toBe('signature');
    const otherKey = hmacKey(createHmac('sha256', 'other').digest());
    expect(await failureOf(verifier, await signJwt({}, otherKey, { nowSeconds, expiresInSeconds: 60, audience }), nowSeconds)).toBe('signature');
    expect(await failureOf(verifier, await signJwt({}, key, { nowSeconds, expiresInSeconds: 60, audience: 'minishop:staff' }), nowSeconds)).toBe('audience');
  });

  it('refuses a remembered token once it expires, with the same reason as an unremembered one', async () => {
    const verifier = new CachedJwtVerifier(key, { audience, clockToleranceSeconds: 0 });
    const token = await signJwt({}, key, { nowSeconds, expiresInSeconds: 60, subject: 'shopper-1', audience });
    expect(await failureOf(verifier, token, nowSeconds)).toBeUndefined();
    expect(await failureOf(verifier, token, nowSeconds + 59)).toBeUndefined();
    expect(await failureOf(verifier, token, nowSeconds + 60)).toBe('expired');
    expect(await failureOf(new CachedJwtVerifier(key, { audience, clockToleranceSeconds: 0 }), token, nowSeconds + 60)).toBe('expired');
  });

  it('forgets the least recently used token beyond its bound, and verifies it again when it returns', async () => {
    const verifier = new CachedJwtVerifier(key, { audience, clockToleranceSeconds: 0 }, 2);
    const tokens = await Promise.all(['a', 'b', 'c'].map((subject) => signJwt({}, key, { nowSeconds, expiresInSeconds: 60, subject, audience })));
    for (const token of tokens) await verifier.verify(token, nowSeconds);
    // Least recently used first.
    const remembered = (verifier as unknown as { accepted: LRUCache<string, object> }).accepted;
    expect([...remembered.rkeys()]).toEqual([tokens[1], tokens[2]]);
    expect((await verifier.verify(tokens[0] as string, nowSeconds)).sub).toBe('a');
    expect([...remembered.rkeys()]).toEqual([tokens[2], tokens[0]]);
    // A hit makes a token the most recently used: the next newcomer pushes out the other one.
    await verifier.verify(tokens[2] as string, nowSeconds);
    await verifier.verify(tokens[1] as string, nowSeconds);
    expect([...remembered.rkeys()]).toEqual([tokens[2], tokens[1]]);
  });
});
