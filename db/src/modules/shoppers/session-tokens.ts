import { createHmac } from 'node:crypto';
import type { ShopperActor } from '../../actor.ts';
import { SHOPPER_IDENTITY_PROVIDERS, type ShopperIdentityProvider } from './shopper-identity.entity.ts';
import { hmacKey, JwtVerificationError, signJwt } from '../../json-web-tokens.ts';
import { CachedJwtVerifier } from '../../verified-jwt-cache.ts';
import { ShopperTokenInvalidError } from './shoppers.errors.ts';

/** Every shopper token names this audience; staff tokens never do. */
export const SHOPPER_TOKEN_AUDIENCE = 'minishop:shopper';

/**
 * Shopper session tokens are HS256 JWTs signed with a key derived from JWT_SECRET for this purpose only,
 * so a shopper token fails the staff plugin's signature check and a staff token fails this one: neither
 * can pass as the other, whatever claims it carries.
 */
export class ShopperSessionTokens {
  private readonly key: Uint8Array;
  /** A shopper presents the same token on every request: its signature is checked once. */
  private readonly verifier: CachedJwtVerifier;

  constructor(
    jwtSecret: string,
    private readonly ttlSeconds: number,
  ) {
    this.key = hmacKey(createHmac('sha256', jwtSecret).update('minishop:shopper-session:v1').digest());
    this.verifier = new CachedJwtVerifier(this.key, { audience: SHOPPER_TOKEN_AUDIENCE, clockToleranceSeconds: 0 });
  }

  async issue(shopperId: string, provider: ShopperIdentityProvider, nowSeconds: number): Promise<{ accessToken: string; expiresInSeconds: number }> {
    const accessToken = await signJwt({ provider }, this.key, { nowSeconds, expiresInSeconds: this.ttlSeconds, subject: shopperId, audience: SHOPPER_TOKEN_AUDIENCE });
    return { accessToken, expiresInSeconds: this.ttlSeconds };
  }

  async verify(token: string, nowSeconds: number): Promise<ShopperActor> {
    let claims;
    try {
      claims = await this.verifier.verify(token, nowSeconds);
    } catch (error) {
      if (error instanceof JwtVerificationError) throw new ShopperTokenInvalidError();
      throw error;
    }
    const provider = claims.provider as ShopperIdentityProvider;
    if (typeof claims.sub !== 'string' || !SHOPPER_IDENTITY_PROVIDERS.includes(provider)) throw new ShopperTokenInvalidError();
    return { type: 'shopper', shopperId: claims.sub, provider };
  }
}
