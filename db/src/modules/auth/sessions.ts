import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../../config.ts';
import { newId } from '../../ids.ts';
import { hashSecret, newSecret } from '../../secrets.ts';
import { MerchantEntity } from '../merchants/merchant.entity.ts';
import { MembershipEntity } from '../staff/membership.entity.ts';
import { OperatorEntity } from '../staff/operator.entity.ts';
import { StaffUserEntity } from '../staff/staff-user.entity.ts';
import { MerchantSuspendedError, NoMembershipError, NotAMemberError } from './auth.errors.ts';
import type { Profile, SessionGrant } from './auth.schemas.ts';
import { RefreshTokenEntity } from './refresh-token.entity.ts';

/**
 * Which merchant a session is for: a named one, none at all (an operator's own session), or, when
 * undefined, the user's oldest membership at a merchant that is not suspended.
 */
export type MerchantChoice = { merchantId: string } | { merchantId: null } | undefined;

/** The user, their memberships (oldest first) and the merchant the session acts for. */
export async function loadProfile(entityManager: EntityManager, userId: string, choice: MerchantChoice): Promise<Profile> {
  // One after another: the queries share the caller's transaction and its single connection.
  const user = await entityManager.findOneOrFail(StaffUserEntity, { id: userId });
  const memberships = await entityManager.find(MembershipEntity, { userId }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  const operators = await entityManager.count(OperatorEntity, { userId });
  const merchants = memberships.length ? await entityManager.find(MerchantEntity, { id: { $in: memberships.map((membership) => membership.merchantId) } }) : [];
  const merchantById = new Map(merchants.map((merchant) => [merchant.id, merchant]));
  const isOperator = operators > 0;

  let current: (typeof memberships)[number] | undefined;
  if (choice === undefined) {
    current = memberships.find((membership) => merchantById.get(membership.merchantId)?.status === 'active');
    if (!current && !isOperator) throw memberships.length ? new MerchantSuspendedError() : new NoMembershipError();
  } else if (choice.merchantId === null) {
    if (!isOperator) throw new NoMembershipError();
  } else {
    current = memberships.find((membership) => membership.merchantId === choice.merchantId);
    if (!current) throw new NotAMemberError();
    if (merchantById.get(current.merchantId)?.status !== 'active') throw new MerchantSuspendedError();
  }

  const currentMerchant = current ? merchantById.get(current.merchantId) : undefined;
  return {
    user: { id: user.id, email: user.email, name: user.name },
    merchant: currentMerchant ? { id: currentMerchant.id, name: currentMerchant.name } : null,
    role: current?.role ?? null,
    isOperator,
    memberships: memberships.map((membership) => ({
      merchantId: membership.merchantId,
      merchantName: merchantById.get(membership.merchantId)?.name ?? '',
      role: membership.role,
    })),
  };
}

/**
 * Signs a user in: resolves the merchant and writes a new refresh token, of a new family on sign-in or
 * of the given family on rotation. Runs inside the caller's transaction; the token row is written when
 * it commits.
 */
export async function grantSession(
  entityManager: EntityManager,
  config: Pick<Config, 'auth'>,
  userId: string,
  choice: MerchantChoice,
  familyId: string = newId(),
): Promise<SessionGrant> {
  const profile = await loadProfile(entityManager, userId, choice);
  const refreshToken = newSecret();
  entityManager.create(RefreshTokenEntity, {
    id: newId(),
    userId,
    merchantId: profile.merchant?.id ?? null,
    familyId,
    tokenHash: hashSecret(refreshToken),
    expiresAt: new Date(Date.now() + config.auth.refreshTokenTtlSeconds * 1000),
  });
  return { ...profile, refreshToken };
}
