import type pg from 'pg';
import type { ShopperActor } from '../../actor.ts';
import type { Config } from '../../config.ts';
import type { Database } from '../../database.ts';
import { ValidationError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { withPoolTransaction, type Queryable } from '../../pool-transaction.ts';
import { hashSecret } from '../../secrets.ts';
import { hmacKey, JwtVerificationError, verifyJwt } from '../../json-web-tokens.ts';
import { ShopperSessionTokens } from './session-tokens.ts';
import type { ShopperIdentityProvider } from './shopper-identity.entity.ts';
import {
  ChatHostSuspendedError,
  ChatHostUnknownError,
  GroupProofError,
  HostTokenExpiredError,
  HostTokenInvalidError,
  ProviderDisabledError,
  ShopperTokenInvalidError,
  TelegramProofError,
} from './shoppers.errors.ts';
import type { GroupProofInput, SessionCreateInput, SessionOutput } from './shoppers.schemas.ts';
import { TelegramInitDataError, verifyTelegramInitData, type TelegramUser } from './telegram-init-data.ts';

/** A verified claim of who the chat says the shopper is. `displayName` null keeps the stored name. */
interface ProvenIdentity {
  provider: ShopperIdentityProvider;
  chatHostId: string | null;
  subject: string;
  displayName: string | null;
  /** The language the chat says the shopper uses (an IETF tag), for notifications; null keeps the stored one. */
  language: string | null;
}

/** A language tag the chat sent, if it looks like one (`en`, `zh-hans`, `pt-BR`); anything else is ignored. */
function cleanLanguage(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const tag = value.trim().replace(/_/g, '-');
  return /^[a-zA-Z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(tag) && tag.length <= 35 ? tag.replace(/^[A-Za-z]+/, (primary) => primary.toLowerCase()) : null;
}

const GUEST_DISPLAY_NAME = 'Guest';
const MAX_DISPLAY_NAME_LENGTH = 200;

function cleanDisplayName(name: string): string | null {
  const trimmed = name.replace(/\s+/g, ' ').trim();
  return trimmed ? Array.from(trimmed).slice(0, MAX_DISPLAY_NAME_LENGTH).join('') : null;
}

function telegramDisplayName(user: TelegramUser): string {
  return cleanDisplayName([user.firstName, user.lastName].filter(Boolean).join(' ')) ?? cleanDisplayName(user.username ?? '') ?? `Telegram user ${user.id}`;
}

function requireField<Value>(value: Value | undefined, field: string, provider: string): Value {
  if (value === undefined) throw new ValidationError({ [field]: `is required for provider ${provider}` });
  return value;
}

interface ShopperRow {
  id: string;
  display_name: string;
}

/**
 * Shopper sign-in: verifies what the chat says about who the shopper is, finds or creates the shopper
 * behind that identity, and issues a shopper session token.
 */
export class ShoppersService {
  private readonly sessionTokens: ShopperSessionTokens;

  constructor(
    private readonly database: Database,
    private readonly config: Pick<Config, 'auth' | 'shoppers'>,
    private readonly clock: () => number = Date.now,
  ) {
    this.sessionTokens = new ShopperSessionTokens(config.auth.jwtSecret, config.shoppers.sessionTtlSeconds);
  }

  private nowSeconds(): number {
    return Math.floor(this.clock() / 1000);
  }

  async createSession(input: SessionCreateInput): Promise<SessionOutput> {
    const identity = await this.prove(input);
    const shopper = await this.findOrCreateShopper(identity);
    const { accessToken, expiresInSeconds } = await this.sessionTokens.issue(shopper.id, identity.provider, this.nowSeconds());
    return { accessToken, expiresInSeconds, shopper: { id: shopper.id, displayName: shopper.display_name } };
  }

  /** The shopper a session token speaks for; stateless, so the hot paths pay no query for it. */
  authenticate(token: string): Promise<ShopperActor> {
    return this.sessionTokens.verify(token, this.nowSeconds());
  }

  async current(actor: ShopperActor): Promise<{ shopper: { id: string; displayName: string }; provider: ShopperIdentityProvider }> {
    const { rows } = await this.database.pool.query<ShopperRow>('select id, display_name from shopper where id = $1', [actor.shopperId]);
    const shopper = rows[0];
    if (!shopper) throw new ShopperTokenInvalidError();
    return { shopper: { id: shopper.id, displayName: shopper.display_name }, provider: actor.provider };
  }

  private async prove(input: SessionCreateInput): Promise<ProvenIdentity> {
    switch (input.provider) {
      case 'telegram':
        return this.proveTelegram(requireField(input.initData, 'initData', 'telegram'));
      case 'host':
        return this.proveHost(requireField(input.hostId, 'hostId', 'host'), requireField(input.token, 'token', 'host'));
      case 'guest':
        // The device id is a bearer secret: only its hash is stored, so a database leak does not sign anyone in.
        return { provider: 'guest', chatHostId: null, subject: hashSecret(requireField(input.deviceId, 'deviceId', 'guest')), displayName: null, language: null };
    }
  }

  private proveTelegram(initData: string): ProvenIdentity {
    const botToken = this.config.shoppers.telegramBotToken;
    if (!botToken) throw new ProviderDisabledError('telegram');
    try {
      const { user } = verifyTelegramInitData(initData, botToken, {
        maxAgeSeconds: this.config.shoppers.telegramInitDataMaxAgeSeconds,
        nowSeconds: this.nowSeconds(),
      });
      return { provider: 'telegram', chatHostId: null, subject: String(user.id), displayName: telegramDisplayName(user), language: cleanLanguage(user.languageCode) };
    } catch (error) {
      if (error instanceof TelegramInitDataError) throw new TelegramProofError(error.failure);
      throw error;
    }
  }

  /**
   * The chat group a shopper (or, with `shopper` null, a merchant) speaks for, proven like a session
   * (docs/social.md §2): `host`: an HS256 JWT signed with the chat host's secret carrying `group` (the
   * host's id of the group) and exp, and, for a shopper, `sub` = the shopper's identity at that host;
   * `telegram`: the Mini App's initData, signed by the bot, whose user is the shopper's Telegram identity
   * and whose `chat_instance` names the chat it was opened from. Answers `host:<hostId>:<group>` or
   * `telegram:<chat_instance>`.
   */
  async proveGroup(shopper: ShopperActor | null, proof: GroupProofInput): Promise<string> {
    if (proof.provider === 'host') {
      const claims = await this.verifyHostToken(requireField(proof.hostId, 'group.hostId', 'host'), requireField(proof.token, 'group.token', 'host'));
      const { group, sub } = claims;
      if (typeof group !== 'string' || group.length < 1 || group.length > 200) throw new GroupProofError('the group claim must be a string of 1..200 characters');
      if (shopper) {
        if (typeof sub !== 'string') throw new GroupProofError('the sub claim must name the shopper');
        await this.assertIdentity(shopper, 'host', proof.hostId!, sub);
      }
      return `host:${proof.hostId}:${group}`;
    }
    if (!shopper) throw new ValidationError({ 'group.provider': 'a merchant names a group with a host-signed claim' });
    const initData = requireField(proof.initData, 'group.initData', 'telegram');
    const identity = this.proveTelegram(initData);
    await this.assertIdentity(shopper, 'telegram', null, identity.subject);
    const chatInstance = new URLSearchParams(initData).get('chat_instance');
    if (!chatInstance) throw new GroupProofError('the Telegram initData names no chat (chat_instance): open the Mini App from the group');
    return `telegram:${chatInstance}`;
  }

  private async assertIdentity(shopper: ShopperActor, provider: ShopperIdentityProvider, chatHostId: string | null, subject: string): Promise<void> {
    const { rowCount } = await this.database.pool.query(
      `select 1 from shopper_identity where shopper_id = $1 and provider = $2 and chat_host_id is not distinct from $3 and subject = $4`,
      [shopper.shopperId, provider, chatHostId, subject],
    );
    if (!rowCount) throw new GroupProofError('the proof speaks for another shopper');
  }

  private async proveHost(hostId: string, token: string): Promise<ProvenIdentity> {
    const claims = await this.verifyHostToken(hostId, token);
    const { sub, name, locale } = claims;
    if (typeof sub !== 'string' || sub.length < 1 || sub.length > 200) throw new HostTokenInvalidError('the sub claim must be a string of 1..200 characters');
    return { provider: 'host', chatHostId: hostId, subject: sub, displayName: typeof name === 'string' ? cleanDisplayName(name) : null, language: cleanLanguage(locale) };
  }

  /** The claims of a token the chat host signed with its secret (checked: host active, HS256, exp). */
  private async verifyHostToken(hostId: string, token: string): Promise<Record<string, unknown>> {
    const { rows } = await this.database.pool.query<{ secret: string; status: string }>('select secret, status from chat_host where id = $1', [hostId]);
    const host = rows[0];
    if (!host) throw new ChatHostUnknownError();
    if (host.status !== 'active') throw new ChatHostSuspendedError();
    let claims;
    try {
      claims = await verifyJwt(token, hmacKey(host.secret), { nowSeconds: this.nowSeconds() });
    } catch (error) {
      if (!(error instanceof JwtVerificationError)) throw error;
      if (error.failure === 'expired') throw new HostTokenExpiredError();
      if (error.failure === 'expiry_missing') throw new HostTokenInvalidError('it carries no exp claim');
      if (error.failure === 'not_yet_valid') throw new HostTokenInvalidError('it is not valid yet (nbf)');
      throw new HostTokenInvalidError(error.failure === 'signature' ? 'the signature does not match this host' : 'it is not an HS256 JWT');
    }
    return claims as Record<string, unknown>;
  }

  /**
   * The shopper behind an identity, created on first sign-in. Two first sign-ins of one identity at once
   * both end with the same shopper: the loser of the unique index rolls back and reads the winner's row.
   * The insert branch is where a `shopper.created` event will go (e.g. to open the shopper's wallet).
   */
  private async findOrCreateShopper(identity: ProvenIdentity): Promise<ShopperRow> {
    const existing = await this.signInExisting(this.database.pool, identity);
    if (existing) return existing;
    const created = await withPoolTransaction(this.database.pool, async (client: pg.PoolClient) => {
      const shopper: ShopperRow = { id: newId(), display_name: identity.displayName ?? GUEST_DISPLAY_NAME };
      await client.query('insert into shopper (id, display_name, language) values ($1, $2, $3)', [shopper.id, shopper.display_name, identity.language]);
      const inserted = await client.query(
        `insert into shopper_identity (id, shopper_id, provider, chat_host_id, subject) values ($1, $2, $3, $4, $5)
         on conflict do nothing returning id`,
        [newId(), shopper.id, identity.provider, identity.chatHostId, identity.subject],
      );
      if (inserted.rowCount === 0) throw new IdentityTakenMeanwhile();
      return shopper;
    }).catch((error: unknown) => {
      if (error instanceof IdentityTakenMeanwhile) return null;
      throw error;
    });
    if (created) return created;
    const winner = await this.signInExisting(this.database.pool, identity);
    if (!winner) throw new Error('Invariant violated: a shopper identity that conflicted on insert cannot be found');
    return winner;
  }

  private async signInExisting(queryable: Queryable, identity: ProvenIdentity): Promise<ShopperRow | null> {
    const hostCondition = identity.chatHostId === null ? 'chat_host_id is null' : 'chat_host_id = $4';
    const { rows } = await queryable.query<ShopperRow>(
      `with signed_in as (
         update shopper_identity set last_signed_in_at = now()
          where provider = $1 and subject = $2 and ${hostCondition}
          returning shopper_id)
       update shopper set
         display_name = coalesce($3, display_name),
         language = coalesce($${identity.chatHostId === null ? 4 : 5}::text, language),
         updated_at = case when display_name is distinct from coalesce($3, display_name) then now() else updated_at end
        from signed_in where shopper.id = signed_in.shopper_id
        returning shopper.id, shopper.display_name`,
      [identity.provider, identity.subject, identity.displayName, ...(identity.chatHostId === null ? [] : [identity.chatHostId]), identity.language],
    );
    return rows[0] ?? null;
  }
}

class IdentityTakenMeanwhile extends Error {}
