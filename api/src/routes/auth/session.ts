import type { FastifyInstance } from 'fastify';
import type { AccessTokenClaims } from '../../../../db/src/modules/auth/access-tokens.ts';
import type { Session, SessionGrant } from '../../../../db/src/modules/auth/auth.schemas.ts';

/** Turns a granted session into the answer, with its short-lived access token. */
export async function signSession(app: FastifyInstance, grant: SessionGrant): Promise<Session> {
  const claims: AccessTokenClaims = {
    sub: grant.user.id,
    isOperator: grant.isOperator,
    ...(grant.merchant && grant.role ? { merchantId: grant.merchant.id, role: grant.role } : {}),
  };
  return {
    accessToken: await app.services.auth.signAccessToken(claims),
    refreshToken: grant.refreshToken,
    accessTokenExpiresInSeconds: app.config.auth.accessTokenTtlSeconds,
    user: grant.user,
    merchant: grant.merchant,
    role: grant.role,
    isOperator: grant.isOperator,
    memberships: grant.memberships,
  };
}
