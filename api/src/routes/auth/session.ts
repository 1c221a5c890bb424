import type { FastifyInstance } from 'fastify';
import type { Session, SessionGrant } from '../../../../db/src/modules/auth/auth.schemas.ts';
import type { AccessTokenClaims } from '../../types.ts';

/** Turns a granted session into the answer: the API signs the short-lived access token here. */
export function signSession(app: FastifyInstance, grant: SessionGrant): Session {
  const claims: AccessTokenClaims = {
    sub: grant.user.id,
    isOperator: grant.isOperator,
    ...(grant.merchant && grant.role ? { merchantId: grant.merchant.id, role: grant.role } : {}),
  };
  return {
    accessToken: app.jwt.sign(claims),
    refreshToken: grant.refreshToken,
    accessTokenExpiresInSeconds: app.config.auth.accessTokenTtlSeconds,
    user: grant.user,
    merchant: grant.merchant,
    role: grant.role,
    isOperator: grant.isOperator,
    memberships: grant.memberships,
  };
}
