import { LRUCache } from 'lru-cache';
import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import type { Actor } from '../../actor.ts';
import type { Config } from '../../config.ts';
import type { Database } from '../../database.ts';
import { ValidationError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { prepared } from '../../prepared-statements.ts';
import { hashSecret } from '../../secrets.ts';
import { MerchantEntity } from '../merchants/merchant.entity.ts';
import { InvitationEntity, type Invitation } from '../staff/invitation.entity.ts';
import {
  InvitationAlreadyAcceptedError,
  InvitationExpiredError,
  InvitationRevokedError,
  InvitationTokenNotFoundError,
} from '../staff/invitations.errors.ts';
import { invitationStatus, normalizeEmail } from '../staff/invitations.service.ts';
import { MembershipEntity, type StaffRole } from '../staff/membership.entity.ts';
import { StaffUserEntity } from '../staff/staff-user.entity.ts';
import { AlreadyMemberError } from '../staff/staff.errors.ts';
import {
  EmailTakenError,
  InvalidCredentialsError,
  InvalidRefreshTokenError,
  MembershipEndedError,
  MerchantSuspendedError,
  OperatorAccessEndedError,
  RefreshTokenExpiredError,
  RefreshTokenReusedError,
  RefreshTokenRevokedError,
  StaffTokenRequiredError,
} from './auth.errors.ts';
import type { AcceptInvitationInput, LoginInput, LogoutInput, Profile, RefreshInput, SessionGrant, SignupInput } from './auth.schemas.ts';
import { StaffAccessTokens, type AccessTokenClaims } from './access-tokens.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { RefreshTokenEntity } from './refresh-token.entity.ts';
import { grantSession, loadProfile } from './sessions.ts';

const DAY_MS = 86_400_000;
const MINIMUM_NEW_PASSWORD_LENGTH = 10;

/** A new account needs a name and a password of at least MINIMUM_NEW_PASSWORD_LENGTH characters; each one missing is named. */
function assertNewAccount(name: string | undefined, password: string | undefined): void {
  const fields: Record<string, string> = {};
  if (!name?.trim()) fields.name = 'is required for a new account';
  if ((password ?? '').length < MINIMUM_NEW_PASSWORD_LENGTH) fields.password = `must NOT have fewer than ${MINIMUM_NEW_PASSWORD_LENGTH} characters`;
  if (Object.keys(fields).length) throw new ValidationError(fields);
}
/** Rows deleted per statement when purging, so the purge never holds many locks at once. */
const PURGE_BATCH_SIZE = 5_000;

/**
 * What a staff access token may do right now, in one round trip of index lookups (membership's unique
 * (merchant_id, user_id), operator's unique user_id, merchant's primary key).
 */
const CURRENT_ACCESS_QUERY = `
  select (select role from membership where merchant_id = $2::uuid and user_id = $1::uuid) as role,
         (select status from merchant where id = $2::uuid) as merchant_status,
         exists (select 1 from operator where user_id = $1::uuid) as is_operator`;

interface CurrentAccessRow {
  role: StaffRole | null;
  merchant_status: string | null;
  is_operator: boolean;
}

function assertAcceptable(invitation: Invitation): void {
  switch (invitationStatus(invitation)) {
    case 'accepted':
      throw new InvitationAlreadyAcceptedError();
    case 'revoked':
      throw new InvitationRevokedError();
    case 'expired':
      throw new InvitationExpiredError();
    case 'pending':
      return;
  }
}

/**
 * Staff sign-up, sign-in and sessions. An access token (signed by the API) lives minutes; the refresh
 * token rotates on every use, and a token presented twice ends its whole family.
 */
export class AuthService {
  private dummyPasswordHash: Promise<string> | undefined;
  private readonly accessTokens: StaffAccessTokens;
  /**
   * Reads of a session's current access in flight, by user and merchant: at most one per session at a time.
   * One slot per session for its read in flight, kept rather than deleted when the read settles (bounded,
   * least recently used forgotten first): a Map entry set and deleted per request churned the table of a
   * long-lived Map, which V8 reallocates in the old generation (docs/performance.md).
   */
  private readonly currentAccessReads = new LRUCache<string, { read: Promise<CurrentAccessRow> | null }>({ max: 10_000 });

  constructor(
    private readonly database: Database,
    private readonly config: Pick<Config, 'auth'>,
  ) {
    this.accessTokens = new StaffAccessTokens(config.auth.jwtSecret, config.auth.accessTokenTtlSeconds);
  }

  /** The short-lived access token of a granted session (ACCESS_TOKEN_TTL_SECONDS). */
  signAccessToken(claims: AccessTokenClaims): Promise<string> {
    return this.accessTokens.issue(claims);
  }

  /**
   * Who a staff access token speaks for, as of this request: the signature and expiry are checked
   * first, then the membership, the merchant and the operator row are read, so that a role change, a
   * removal, a suspension or a lost operator right applies to the very next request rather than when
   * the token expires. The role in the token only says what it was at sign-in.
   */
  async authenticate(token: string): Promise<Actor> {
    const claims = await this.accessTokens.verify(token);
    const access = await this.readCurrentAccess(claims.sub, claims.merchantId ?? null);
    if (claims.merchantId) {
      if (!access.role) throw new MembershipEndedError();
      if (access.merchant_status !== 'active') throw new MerchantSuspendedError();
      return { type: 'staff', userId: claims.sub, merchantId: claims.merchantId, role: access.role, isOperator: access.is_operator };
    }
    if (!access.is_operator) throw new OperatorAccessEndedError();
    return { type: 'operator', userId: claims.sub };
  }

  /**
   * The current access of one session. Requests of the same session that arrive while its read is in
   * flight share that read instead of sending their own (an operator's script posting ledger transfers
   * on 64 connections sends one read per round trip, not one per request): each request is still judged
   * on a read that had not finished when it arrived, so a change committed before a request is seen by
   * it unless that same session already had a read on the way.
   */
  private readCurrentAccess(userId: string, merchantId: string | null): Promise<CurrentAccessRow> {
    const key = `${userId}/${merchantId ?? ''}`;
    let slot = this.currentAccessReads.get(key);
    if (!slot) {
      slot = { read: null };
      this.currentAccessReads.set(key, slot);
    }
    if (slot.read) return slot.read;
    const session = slot;
    const read = this.database.pool
      .query<CurrentAccessRow>(prepared(CURRENT_ACCESS_QUERY, [userId, merchantId]))
      .then(({ rows }) => rows[0] as CurrentAccessRow)
      .finally(() => {
        if (session.read === read) session.read = null;
      });
    session.read = read;
    return read;
  }

  /** A new merchant with its first owner, signed in. */
  async signup(input: SignupInput): Promise<SessionGrant> {
    const email = normalizeEmail(input.email);
    // Checked before hashing only to save the work; the unique index decides under races.
    if (await this.database.orm.em.fork().count(StaffUserEntity, { email })) throw new EmailTakenError();
    const passwordHash = await hashPassword(input.password, this.config.auth.passwordHashMemoryKib);
    try {
      return await this.database.orm.em.fork().transactional(async (entityManager) => {
        const merchant = entityManager.create(MerchantEntity, { id: newId(), name: input.merchantName.trim(), status: 'active' });
        const user = entityManager.create(StaffUserEntity, { id: newId(), email, name: input.name.trim(), passwordHash });
        // Flushed before the membership: entities without relations give the ORM no insert order.
        await entityManager.flush();
        entityManager.create(MembershipEntity, { id: newId(), merchantId: merchant.id, userId: user.id, role: 'owner' });
        await entityManager.flush();
        return grantSession(entityManager, this.config, user.id, { merchantId: merchant.id });
      });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw new EmailTakenError();
      throw error;
    }
  }

  async login(input: LoginInput): Promise<SessionGrant> {
    const dummyPasswordHash = this.getDummyPasswordHash();
    const user = await this.database.orm.em.fork().findOne(StaffUserEntity, { email: normalizeEmail(input.email) });
    // An unknown email costs one hash check too, so the answer's timing does not tell who has an account.
    const passwordMatches = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash), input.password);
    if (!user || !passwordMatches) throw new InvalidCredentialsError();
    return this.database.orm.em
      .fork()
      .transactional((entityManager) => grantSession(entityManager, this.config, user.id, input.merchantId ? { merchantId: input.merchantId } : undefined));
  }

  /**
   * Exchanges a refresh token for a new one of the same family. The token row is locked, so of two
   * parallel refreshes one rotates and the other finds the token replaced, which counts as reuse.
   */
  async refresh(input: RefreshInput): Promise<SessionGrant> {
    const tokenHash = hashSecret(input.refreshToken);
    const outcome = await this.database.orm.em.fork().transactional(async (entityManager) => {
      const token = await entityManager.findOne(RefreshTokenEntity, { tokenHash }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!token) return { refusal: new InvalidRefreshTokenError() };
      if (token.replacedAt) {
        // Returned, not thrown: the family's revocation must commit.
        await entityManager.nativeUpdate(RefreshTokenEntity, { familyId: token.familyId, revokedAt: null }, { revokedAt: new Date() });
        return { refusal: new RefreshTokenReusedError() };
      }
      if (token.revokedAt) return { refusal: new RefreshTokenRevokedError() };
      if (token.expiresAt.getTime() <= Date.now()) return { refusal: new RefreshTokenExpiredError() };
      token.replacedAt = new Date();
      const choice = { merchantId: input.merchantId ?? token.merchantId ?? null };
      return { grant: await grantSession(entityManager, this.config, token.userId, choice, token.familyId) };
    });
    if ('refusal' in outcome) throw outcome.refusal;
    return outcome.grant;
  }

  /** Ends the session the token belongs to (its whole family). Unknown or ended tokens are fine too. */
  async logout(input: LogoutInput): Promise<void> {
    await this.database.pool.query(
      `update refresh_token set revoked_at = now()
        where revoked_at is null and family_id = (select family_id from refresh_token where token_hash = $1)`,
      [hashSecret(input.refreshToken)],
    );
  }

  /** The signed-in person as the database sees them now (role changes show before the next refresh). */
  async me(actor: Actor): Promise<Profile> {
    if (actor.type !== 'staff' && actor.type !== 'operator') throw new StaffTokenRequiredError();
    const choice = { merchantId: actor.type === 'staff' ? actor.merchantId : null };
    return loadProfile(this.database.orm.em.fork(), actor.userId, choice);
  }

  /**
   * Makes a staff account a platform operator (`npm run operator:grant`, run by whoever runs the servers:
   * there is no HTTP route to become one). An existing account is found by its email and keeps its password;
   * a new one needs a name and a password. Granting twice changes nothing.
   */
  async grantOperator(input: { email: string; name?: string; password?: string }): Promise<{ userId: string; createdAccount: boolean; alreadyOperator: boolean }> {
    const email = normalizeEmail(input.email);
    if (!/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 254) throw new ValidationError({ email: 'must be an email address' });
    const existingUser = await this.database.orm.em.fork().findOne(StaffUserEntity, { email });
    let passwordHash: string | undefined;
    if (!existingUser) {
      assertNewAccount(input.name, input.password);
      passwordHash = await hashPassword(input.password as string, this.config.auth.passwordHashMemoryKib);
    }
    try {
      return await this.database.orm.em.fork().transactional(async (entityManager) => {
        let userId = existingUser?.id;
        if (!userId) {
          userId = newId();
          entityManager.create(StaffUserEntity, { id: userId, email, name: (input.name as string).trim(), passwordHash: passwordHash as string });
          await entityManager.flush();
        }
        const inserted: { id: string }[] = await entityManager.execute('insert into operator (id, user_id) values (?, ?) on conflict (user_id) do nothing returning id', [newId(), userId]);
        return { userId, createdAccount: !existingUser, alreadyOperator: inserted.length === 0 };
      });
    } catch (error) {
      // Someone created the account between the look-up and the insert: grant again, to the account now there.
      if (error instanceof UniqueConstraintViolationException && !existingUser) return this.grantOperator({ email });
      throw error;
    }
  }

  /**
   * Joins the inviting merchant: a new account is created with the given name and password, an existing
   * one must prove its password. The invitation row is locked, so a token is accepted at most once.
   */
  async acceptInvitation(input: AcceptInvitationInput): Promise<SessionGrant> {
    const lookup = this.database.orm.em.fork();
    const invitation = await lookup.findOne(InvitationEntity, { tokenHash: hashSecret(input.token) });
    if (!invitation) throw new InvitationTokenNotFoundError();
    assertAcceptable(invitation);
    const existingUser = await lookup.findOne(StaffUserEntity, { email: invitation.email });
    let passwordHash: string | undefined;
    if (existingUser) {
      if (!(await verifyPassword(existingUser.passwordHash, input.password))) throw new InvalidCredentialsError();
    } else {
      assertNewAccount(input.name, input.password);
      passwordHash = await hashPassword(input.password, this.config.auth.passwordHashMemoryKib);
    }

    try {
      return await this.database.orm.em.fork().transactional(async (entityManager) => {
        const locked = await entityManager.findOneOrFail(InvitationEntity, { id: invitation.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        assertAcceptable(locked);
        const merchant = await entityManager.findOneOrFail(MerchantEntity, { id: locked.merchantId });
        if (merchant.status !== 'active') throw new MerchantSuspendedError();
        let userId = existingUser?.id;
        if (userId) {
          if (await entityManager.count(MembershipEntity, { merchantId: locked.merchantId, userId })) throw new AlreadyMemberError();
        } else {
          userId = newId();
          entityManager.create(StaffUserEntity, { id: userId, email: locked.email, name: input.name?.trim() ?? '', passwordHash: passwordHash ?? '' });
          await entityManager.flush();
        }
        entityManager.create(MembershipEntity, { id: newId(), merchantId: locked.merchantId, userId, role: locked.role });
        locked.acceptedAt = new Date();
        await entityManager.flush();
        return grantSession(entityManager, this.config, userId, { merchantId: locked.merchantId });
      });
    } catch (error) {
      // Someone created an account for this email between the check above and the insert.
      if (error instanceof UniqueConstraintViolationException) throw new EmailTakenError();
      throw error;
    }
  }

  /**
   * Deletes refresh tokens and unaccepted invitations that expired more than a day ago; accepted
   * invitations stay as the record of who invited whom. Called periodically by a worker.
   */
  async purgeExpired(now: Date = new Date()): Promise<{ refreshTokensDeleted: number; invitationsDeleted: number }> {
    const cutoff = new Date(now.getTime() - DAY_MS);
    const refreshTokensDeleted = await this.deleteInBatches(`select id from refresh_token where expires_at < $1 limit ${PURGE_BATCH_SIZE}`, 'refresh_token', cutoff);
    const invitationsDeleted = await this.deleteInBatches(
      `select id from invitation where expires_at < $1 and accepted_at is null limit ${PURGE_BATCH_SIZE}`,
      'invitation',
      cutoff,
    );
    return { refreshTokensDeleted, invitationsDeleted };
  }

  private async deleteInBatches(selectIds: string, table: 'refresh_token' | 'invitation', cutoff: Date): Promise<number> {
    let deleted = 0;
    for (;;) {
      const result = await this.database.pool.query(`delete from ${table} where id in (${selectIds})`, [cutoff]);
      deleted += result.rowCount ?? 0;
      if ((result.rowCount ?? 0) < PURGE_BATCH_SIZE) return deleted;
    }
  }

  private getDummyPasswordHash(): Promise<string> {
    this.dummyPasswordHash ??= hashPassword(newId(), this.config.auth.passwordHashMemoryKib);
    return this.dummyPasswordHash;
  }
}
