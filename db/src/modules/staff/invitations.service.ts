import { LockMode, type FilterQuery } from '@mikro-orm/postgresql';
import type { MerchantActor } from '../../actor.ts';
import type { Config } from '../../config.ts';
import type { Database } from '../../database.ts';
import { NotFoundError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { findPage, type ListPage, type ListQuery } from '../../list-query.ts';
import { hashSecret, newSecret } from '../../secrets.ts';
import { MerchantEntity } from '../merchants/merchant.entity.ts';
import { InvitationEntity, type Invitation } from './invitation.entity.ts';
import { InvitationAlreadyAcceptedError, InvitationPendingError } from './invitations.errors.ts';
import type { CreatedInvitation, InvitationCreateInput, InvitationListFilterInput, InvitationStatus, InvitationView } from './invitations.schemas.ts';
import { containsPattern } from '../../search-pattern.ts';
import { MembershipEntity } from './membership.entity.ts';
import { StaffUserEntity } from './staff-user.entity.ts';
import { AlreadyMemberError, StaffUserRequiredError } from './staff.errors.ts';

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function invitationStatus(invitation: Invitation, now: Date = new Date()): InvitationStatus {
  if (invitation.acceptedAt) return 'accepted';
  if (invitation.revokedAt) return 'revoked';
  return invitation.expiresAt.getTime() <= now.getTime() ? 'expired' : 'pending';
}

export function toInvitationView(invitation: Invitation, now: Date = new Date()): InvitationView {
  return {
    id: invitation.id,
    merchantId: invitation.merchantId,
    email: invitation.email,
    role: invitation.role,
    status: invitationStatus(invitation, now),
    invitedByUserId: invitation.invitedByUserId,
    expiresAt: invitation.expiresAt,
    acceptedAt: invitation.acceptedAt ?? null,
    revokedAt: invitation.revokedAt ?? null,
    createdAt: invitation.createdAt,
  };
}

function statusCondition(status: InvitationStatus, now: Date): FilterQuery<Invitation> {
  switch (status) {
    case 'accepted':
      return { acceptedAt: { $ne: null } };
    case 'revoked':
      return { acceptedAt: null, revokedAt: { $ne: null } };
    case 'expired':
      return { acceptedAt: null, revokedAt: null, expiresAt: { $lte: now } };
    case 'pending':
      return { acceptedAt: null, revokedAt: null, expiresAt: { $gt: now } };
  }
}

/** Invitations to join a merchant. Accepting one signs the person in, so it lives in the auth service. */
export class InvitationsService {
  constructor(
    private readonly database: Database,
    private readonly config: Pick<Config, 'auth' | 'http'>,
  ) {}

  async list(actor: MerchantActor, query: ListQuery<InvitationListFilterInput>): Promise<ListPage<InvitationView>> {
    const now = new Date();
    const conditions: FilterQuery<Invitation>[] = [{ merchantId: actor.merchantId }];
    if (query.filter.id) conditions.push({ id: { $in: query.filter.id } });
    if (query.filter.role) conditions.push({ role: query.filter.role });
    if (query.filter.q) conditions.push({ email: { $ilike: containsPattern(query.filter.q) } });
    if (query.filter.status) conditions.push(statusCondition(query.filter.status, now));
    const page = await findPage(this.database.orm.em.fork(), InvitationEntity, { $and: conditions }, query);
    return { ...page, items: page.items.map((invitation) => toInvitationView(invitation, now)) };
  }

  async get(actor: MerchantActor, id: string): Promise<InvitationView> {
    const invitation = await this.database.orm.em.fork().findOne(InvitationEntity, { id, merchantId: actor.merchantId });
    if (!invitation) throw new NotFoundError('invitation', id);
    return toInvitationView(invitation);
  }

  /** Invites an email with a role. The token is returned here once and never again. */
  async create(actor: MerchantActor, input: InvitationCreateInput): Promise<CreatedInvitation> {
    if (actor.type !== 'staff') throw new StaffUserRequiredError();
    const email = normalizeEmail(input.email);
    const token = newSecret();
    const invitation = await this.database.orm.em.fork().transactional(async (entityManager) => {
      // Serializes invitations of one merchant, so two clicks on "invite" cannot both create one.
      await entityManager.findOne(MerchantEntity, { id: actor.merchantId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      const user = await entityManager.findOne(StaffUserEntity, { email });
      if (user && (await entityManager.count(MembershipEntity, { merchantId: actor.merchantId, userId: user.id }))) throw new AlreadyMemberError();
      const pending = await entityManager.count(InvitationEntity, { $and: [{ merchantId: actor.merchantId, email }, statusCondition('pending', new Date())] });
      if (pending) throw new InvitationPendingError();
      return entityManager.create(InvitationEntity, {
        id: newId(),
        merchantId: actor.merchantId,
        email,
        role: input.role,
        tokenHash: hashSecret(token),
        invitedByUserId: actor.userId,
        expiresAt: new Date(Date.now() + this.config.auth.invitationTtlSeconds * 1000),
      });
    });
    return { ...toInvitationView(invitation), token, acceptUrl: `${this.config.http.publicUrl}/admin/#/accept-invitation?token=${encodeURIComponent(token)}` };
  }

  /** Withdraws an invitation; withdrawing one twice is harmless, an accepted one cannot be withdrawn. */
  async revoke(actor: MerchantActor, id: string): Promise<InvitationView> {
    return this.database.orm.em.fork().transactional(async (entityManager) => {
      const invitation = await entityManager.findOne(InvitationEntity, { id, merchantId: actor.merchantId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!invitation) throw new NotFoundError('invitation', id);
      if (invitation.acceptedAt) throw new InvitationAlreadyAcceptedError();
      invitation.revokedAt ??= new Date();
      return toInvitationView(invitation);
    });
  }
}
