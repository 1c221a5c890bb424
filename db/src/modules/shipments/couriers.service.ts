import type { MerchantActor } from '../../actor.ts';
import type { Database } from '../../database.ts';
import { newId } from '../../ids.ts';
import type { ListPage, ListQuery } from '../../list-query.ts';
import { containsPattern } from '../../search-pattern.ts';
import { hashSecret, newSecret } from '../../secrets.ts';
import { SqlParameters } from '../../sql-parameters.ts';
import { CourierNotFoundError, InvalidCourierTokenError } from './shipments.errors.ts';
import type { CourierCreateInput, CourierListFilterInput, CourierUpdateInput } from './shipments.schemas.ts';

export interface Courier {
  id: string;
  merchantId: string;
  name: string;
  phone: string | null;
  active: boolean;
  tokenIssuedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A courier signed in with their token: what the courier API acts as. */
export interface CourierIdentity {
  courierId: string;
  merchantId: string;
  name: string;
}

/** Courier tokens are long random strings with a recognisable prefix; only their SHA-256 is stored. */
export const COURIER_TOKEN_PREFIX = 'mcr_';

const COURIER_SELECT = `id, merchant_id as "merchantId", name, phone, active, token_issued_at as "tokenIssuedAt", created_at as "createdAt", updated_at as "updatedAt"`;
const SORT_COLUMNS: Record<string, string> = { id: 'id', createdAt: 'created_at', name: 'name', updatedAt: 'updated_at' };

/** The couriers of a merchant's own fleet (admin CRUD) and their tokens. */
export class CouriersService {
  constructor(private readonly database: Database) {}

  async list(actor: MerchantActor, query: ListQuery<CourierListFilterInput>): Promise<ListPage<Courier>> {
    const parameters = new SqlParameters();
    const conditions = [`merchant_id = ${parameters.add(actor.merchantId, 'uuid')}`];
    if (query.filter.id) conditions.push(`id = any(${parameters.add(query.filter.id, 'uuid[]')})`);
    if (query.filter.active !== undefined) conditions.push(`active = ${parameters.add(query.filter.active, 'boolean')}`);
    if (query.filter.q) conditions.push(`name ilike ${parameters.add(containsPattern(query.filter.q), 'text')}`);
    const where = conditions.join(' and ');
    const order = `${SORT_COLUMNS[query.sortField] ?? 'created_at'} ${query.sortOrder === 'ASC' ? 'asc' : 'desc'}, id`;
    const [page, count] = await Promise.all([
      this.database.pool.query<Courier>(`select ${COURIER_SELECT} from courier where ${where} order by ${order} limit ${Number(query.limit)} offset ${Number(query.offset)}`, parameters.values),
      this.database.pool.query<{ total: number }>(`select count(*)::int as total from courier where ${where}`, parameters.values),
    ]);
    return { items: page.rows, total: count.rows[0]?.total ?? 0, offset: query.offset };
  }

  async get(actor: MerchantActor, id: string): Promise<Courier> {
    const { rows } = await this.database.pool.query<Courier>(`select ${COURIER_SELECT} from courier where id = $1 and merchant_id = $2`, [id, actor.merchantId]);
    if (!rows[0]) throw new CourierNotFoundError(id);
    return rows[0];
  }

  async create(actor: MerchantActor, input: CourierCreateInput): Promise<Courier> {
    const { rows } = await this.database.pool.query<Courier>(
      `insert into courier (id, merchant_id, name, phone) values ($1, $2, $3, $4) returning ${COURIER_SELECT}`,
      [newId(), actor.merchantId, input.name.trim(), input.phone ?? null],
    );
    return rows[0] as Courier;
  }

  async update(actor: MerchantActor, id: string, input: CourierUpdateInput): Promise<Courier> {
    const { rows } = await this.database.pool.query<Courier>(
      `update courier set name = coalesce($3, name), phone = case when $4 then $5 else phone end, active = coalesce($6, active),
              token_hash = case when $6 = false then null else token_hash end, updated_at = now()
        where id = $1 and merchant_id = $2 returning ${COURIER_SELECT}`,
      [id, actor.merchantId, input.name?.trim() ?? null, input.phone !== undefined, input.phone ?? null, input.active ?? null],
    );
    if (!rows[0]) throw new CourierNotFoundError(id);
    return rows[0];
  }

  /**
   * Couriers stay referenced by the shipments they carried, so "delete" retires one: inactive, its
   * token revoked; the console lists it as inactive.
   */
  async retire(actor: MerchantActor, id: string): Promise<Courier> {
    return this.update(actor, id, { active: false });
  }

  /** Issues a new token (the old one stops working at once); the token is returned only here. */
  async rotateToken(actor: MerchantActor, id: string): Promise<{ courier: Courier; token: string }> {
    const token = `${COURIER_TOKEN_PREFIX}${newSecret()}`;
    const { rows } = await this.database.pool.query<Courier>(
      `update courier set token_hash = $3, token_issued_at = now(), updated_at = now() where id = $1 and merchant_id = $2 and active returning ${COURIER_SELECT}`,
      [id, actor.merchantId, hashSecret(token)],
    );
    if (!rows[0]) throw new CourierNotFoundError(id);
    return { courier: rows[0], token };
  }

  async authenticate(token: string): Promise<CourierIdentity> {
    if (!token.startsWith(COURIER_TOKEN_PREFIX)) throw new InvalidCourierTokenError();
    const { rows } = await this.database.pool.query<CourierIdentity>(
      `select id as "courierId", merchant_id as "merchantId", name from courier where token_hash = $1 and active`,
      [hashSecret(token)],
    );
    if (!rows[0]) throw new InvalidCourierTokenError();
    return rows[0];
  }
}
