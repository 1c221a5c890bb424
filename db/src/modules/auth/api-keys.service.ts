import { LockMode, type FilterQuery } from '@mikro-orm/postgresql';
import type { MerchantActor } from '../../actor.ts';
import type { Database } from '../../database.ts';
import { NotFoundError, UnauthorizedError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { findPage, type ListPage, type ListQuery } from '../../list-query.ts';
import { hashSecret, newSecret } from '../../secrets.ts';
import { containsPattern } from '../../search-pattern.ts';
import type { StaffRole } from '../staff/membership.entity.ts';
import { StaffUserRequiredError } from '../staff/staff.errors.ts';
import { ApiKeyEntity, type ApiKey } from './api-key.entity.ts';
import type { ApiKeyCreateInput, ApiKeyListFilterInput, ApiKeyView, CreatedApiKey } from './api-keys.schemas.ts';
import { MerchantSuspendedError } from './auth.errors.ts';

/** Every merchant API key starts with this, so the API can tell keys from access tokens at a glance. */
export const API_KEY_PREFIX = 'msk_';
/** How much of a key is kept in clear, for people to recognise it in a list. */
const DISPLAY_PREFIX_LENGTH = 12;

function toApiKeyView(key: ApiKey): ApiKeyView {
  return {
    id: key.id,
    merchantId: key.merchantId,
    name: key.name,
    prefix: key.prefix,
    role: key.role,
    createdByUserId: key.createdByUserId,
    lastUsedAt: key.lastUsedAt ?? null,
    revokedAt: key.revokedAt ?? null,
    createdAt: key.createdAt,
  };
}

export class ApiKeysService {
  constructor(private readonly database: Database) {}

  /** The actor an API key acts as; a revoked or unknown key is a 401, a suspended merchant's a 403. */
  async authenticate(secret: string): Promise<MerchantActor> {
    const secretHash = hashSecret(secret);
    const result = await this.database.pool.query<{ id: string; merchant_id: string; role: StaffRole }>(
      `update api_key set last_used_at = now()
         from merchant
        where api_key.secret_hash = $1 and api_key.revoked_at is null
          and merchant.id = api_key.merchant_id and merchant.status = 'active'
        returning api_key.id, api_key.merchant_id, api_key.role`,
      [secretHash],
    );
    const key = result.rows[0];
    if (key) return { type: 'api_key', apiKeyId: key.id, merchantId: key.merchant_id, role: key.role };
    // Only a refused key pays for this second look, which tells a suspension apart from a bad key.
    const suspended = await this.database.pool.query(
      `select 1 from api_key join merchant on merchant.id = api_key.merchant_id
        where api_key.secret_hash = $1 and api_key.revoked_at is null and merchant.status <> 'active'`,
      [secretHash],
    );
    if (suspended.rowCount) throw new MerchantSuspendedError();
    throw new UnauthorizedError('invalid_api_key', 'The API key is unknown or has been revoked.');
  }

  async list(actor: MerchantActor, query: ListQuery<ApiKeyListFilterInput>): Promise<ListPage<ApiKeyView>> {
    const where: FilterQuery<ApiKey> = { merchantId: actor.merchantId };
    if (query.filter.id) where.id = { $in: query.filter.id };
    if (query.filter.role) where.role = query.filter.role;
    if (query.filter.revoked !== undefined) where.revokedAt = query.filter.revoked ? { $ne: null } : null;
    if (query.filter.q) where.name = { $ilike: containsPattern(query.filter.q) };
    const page = await findPage(this.database.orm.em.fork(), ApiKeyEntity, where, query);
    return { ...page, items: page.items.map(toApiKeyView) };
  }

  async get(actor: MerchantActor, id: string): Promise<ApiKeyView> {
    const key = await this.database.orm.em.fork().findOne(ApiKeyEntity, { id, merchantId: actor.merchantId });
    if (!key) throw new NotFoundError('api_key', id);
    return toApiKeyView(key);
  }

  /** Creates a key; its secret is in this answer only. Keys cannot mint keys: a person must. */
  async create(actor: MerchantActor, input: ApiKeyCreateInput): Promise<CreatedApiKey> {
    if (actor.type !== 'staff') throw new StaffUserRequiredError();
    const secret = `${API_KEY_PREFIX}${newSecret()}`;
    const entityManager = this.database.orm.em.fork();
    const key = entityManager.create(ApiKeyEntity, {
      id: newId(),
      merchantId: actor.merchantId,
      name: input.name.trim(),
      prefix: secret.slice(0, DISPLAY_PREFIX_LENGTH),
      secretHash: hashSecret(secret),
      role: input.role,
      createdByUserId: actor.userId,
    });
    await entityManager.flush();
    return { ...toApiKeyView(key), secret };
  }

  /** Revokes a key at once; revoking it again changes nothing. */
  async revoke(actor: MerchantActor, id: string): Promise<ApiKeyView> {
    return this.database.orm.em.fork().transactional(async (entityManager) => {
      const key = await entityManager.findOne(ApiKeyEntity, { id, merchantId: actor.merchantId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!key) throw new NotFoundError('api_key', id);
      key.revokedAt ??= new Date();
      return toApiKeyView(key);
    });
  }
}
