import { hmacKey, JwtVerificationError, signJwt } from '../../json-web-tokens.ts';
import { CachedJwtVerifier } from '../../verified-jwt-cache.ts';
import { STAFF_ROLES, type StaffRole } from '../staff/membership.entity.ts';
import { InvalidAccessTokenError } from './auth.errors.ts';

/** Every staff access token names this audience; shopper tokens never do (and use another key). */
export const STAFF_TOKEN_AUDIENCE = 'minishop:staff';

/**
 * The claims of a staff access token: who, for which merchant, and the role and operator status at
 * sign-in. The role in the token is what the console shows until the next refresh; what a request may
 * do is decided by the membership as the database has it now (AuthService.authenticate).
 */
export interface AccessTokenClaims {
  sub: string;
  /** The merchant the session acts for; absent for an operator without a merchant. */
  merchantId?: string;
  role?: StaffRole;
  isOperator: boolean;
}

/** Staff access tokens: short-lived HS256 JWTs signed with JWT_SECRET (db/src/json-web-tokens.ts). */
export class StaffAccessTokens {
  private readonly key: Uint8Array;
  /** A console presents the same token on every request: its signature is checked once. */
  private readonly verifier: CachedJwtVerifier;

  constructor(
    jwtSecret: string,
    readonly ttlSeconds: number,
    private readonly clock: () => number = Date.now,
  ) {
    this.key = hmacKey(jwtSecret);
    this.verifier = new CachedJwtVerifier(this.key, { audience: STAFF_TOKEN_AUDIENCE, clockToleranceSeconds: 0 });
  }

  private nowSeconds(): number {
    return Math.floor(this.clock() / 1000);
  }

  issue(claims: AccessTokenClaims): Promise<string> {
    const { sub, ...rest } = claims;
    return signJwt(rest, this.key, { nowSeconds: this.nowSeconds(), expiresInSeconds: this.ttlSeconds, subject: sub, audience: STAFF_TOKEN_AUDIENCE });
  }

  async verify(token: string): Promise<AccessTokenClaims> {
    let claims;
    try {
      claims = await this.verifier.verify(token, this.nowSeconds());
    } catch (error) {
      if (error instanceof JwtVerificationError) throw new InvalidAccessTokenError();
      throw error;
    }
    const { sub, merchantId, role, isOperator } = claims;
    if (typeof sub !== 'string' || typeof isOperator !== 'boolean') throw new InvalidAccessTokenError();
    if (merchantId === undefined && role === undefined) return { sub, isOperator };
    if (typeof merchantId !== 'string' || !STAFF_ROLES.includes(role as StaffRole)) throw new InvalidAccessTokenError();
    return { sub, merchantId, role: role as StaffRole, isOperator };
  }
}
