import { createHmac } from 'node:crypto';
import type { ShopperActor } from '../../actor.ts';
import { SHOPPER_IDENTITY_PROVIDERS, type ShopperIdentityProvider } from './shopper-identity.entity.ts';
import { JwtVerificationError, signHs256, verifyHs256 } from './hs256-jwt.ts';
import { ShopperTokenInvalidError } from './shoppers.errors.ts';

/** Every shopper token names this audience; staff tokens never do. */
export const SHOPPER_TOKEN_AUDIENCE = 'minishop:shopper';

/**
 * Shopper session tokens are HS256 JWTs signed with a key derived from JWT_SECRET for this purpose only,
 * so a shopper token fails the staff plugin's signature check and a staff token fails this one: neither
 * can pass as the other, whatever claims it carries.
 */
export class ShopperSessionTokens {
  private readonly key: Buffer;

  constructor(
    jwtSecret: string,
    private readonly ttlSeconds: number,
  ) {
    this.key = createHmac('sha256', jwtSecret).update('minishop:shopper-session:v1').digest();
  }

  issue(shopperId: string, provider: ShopperIdentityProvider, nowSeconds: number): { accessToken: string; expiresInSeconds: number } {
    const claims = { sub: shopperId, aud: SHOPPER_TOKEN_AUDIENCE, provider, iat: nowSeconds, exp: nowSeconds + this.ttlSeconds };
    return { accessToken: signHs256(claims, this.key), expiresInSeconds: this.ttlSeconds };
  }

  verify(token: string, nowSeconds: number): ShopperActor {
    let claims;
    try {
      claims = verifyHs256(token, this.key, { nowSeconds, audience: SHOPPER_TOKEN_AUDIENCE, clockToleranceSeconds: 0 });
    } catch (error) {
      if (error instanceof JwtVerificationError) throw new ShopperTokenInvalidError();
      throw error;
    }
    const provider = claims.provider as ShopperIdentityProvider;
    if (typeof claims.sub !== 'string' || !SHOPPER_IDENTITY_PROVIDERS.includes(provider)) throw new ShopperTokenInvalidError();
    return { type: 'shopper', shopperId: claims.sub, provider };
  }
}
