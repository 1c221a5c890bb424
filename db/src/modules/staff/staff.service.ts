import { LockMode, type EntityManager } from '@mikro-orm/postgresql';
import type { MerchantActor } from '../../actor.ts';
import type { Database } from '../../database.ts';
import { NotFoundError } from '../../errors.ts';
import type { ListPage, ListQuery } from '../../list-query.ts';
import { RefreshTokenEntity } from '../auth/refresh-token.entity.ts';
import { MerchantEntity } from '../merchants/merchant.entity.ts';
import { containsPattern } from '../../search-pattern.ts';
import { MembershipEntity, type Membership } from './membership.entity.ts';
import { StaffUserEntity } from './staff-user.entity.ts';
import { LastOwnerError } from './staff.errors.ts';
import type { StaffListFilterInput, StaffMember, StaffUpdateInput } from './staff.schemas.ts';

const SORT_COLUMNS: Record<string, string> = { id: 'm.id', createdAt: 'm.created_at', email: 'u.email', name: 'u.name', role: 'm.role' };

interface StaffRow {
  id: string;
  merchant_id: string;
  user_id: string;
  email: string;
  name: string;
  role: StaffMember['role'];
  created_at: Date;
  updated_at: Date;
}

function toStaffMember(row: StaffRow): StaffMember {
  return {
    id: row.id,
    merchantId: row.merchant_id,
    userId: row.user_id,
    email: row.email,
    name: row.name,
    role: row.role,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Staff are memberships joined with their users; the last owner of a merchant is protected. */
export class StaffService {
  constructor(private readonly database: Database) {}

  async list(actor: MerchantActor, query: ListQuery<StaffListFilterInput>): Promise<ListPage<StaffMember>> {
    const conditions = ['m.merchant_id = $1'];
    const parameters: unknown[] = [actor.merchantId];
    const { filter } = query;
    if (filter.id) conditions.push(`m.id = any($${parameters.push(filter.id)}::uuid[])`);
    if (filter.role) conditions.push(`m.role = $${parameters.push(filter.role)}`);
    if (filter.userId) conditions.push(`m.user_id = $${parameters.push(filter.userId)}`);
    if (filter.q) {
      const index = parameters.push(containsPattern(filter.q));
      conditions.push(`(u.email ilike $${index} or u.name ilike $${index})`);
    }
    const from = `from membership m join staff_user u on u.id = m.user_id where ${conditions.join(' and ')}`;
    const sortColumn = SORT_COLUMNS[query.sortField] ?? 'm.created_at';
    const order = query.sortOrder === 'ASC' ? 'asc' : 'desc';
    const window = `limit $${parameters.length + 1} offset $${parameters.length + 2}`;
    const [rows, count] = await Promise.all([
      this.database.pool.query<StaffRow>(
        `select m.id, m.merchant_id, m.user_id, u.email, u.name, m.role, m.created_at, m.updated_at ${from}
          order by ${sortColumn} ${order}, m.id asc ${window}`,
        [...parameters, query.limit, query.offset],
      ),
      this.database.pool.query<{ total: number }>(`select count(*)::int as total ${from}`, parameters),
    ]);
    return { items: rows.rows.map(toStaffMember), total: count.rows[0]?.total ?? 0, offset: query.offset };
  }

  async get(actor: MerchantActor, id: string): Promise<StaffMember> {
    const result = await this.database.pool.query<StaffRow>(
      `select m.id, m.merchant_id, m.user_id, u.email, u.name, m.role, m.created_at, m.updated_at
         from membership m join staff_user u on u.id = m.user_id
        where m.id = $1 and m.merchant_id = $2`,
      [id, actor.merchantId],
    );
    const row = result.rows[0];
    if (!row) throw new NotFoundError('staff_member', id);
    return toStaffMember(row);
  }

  async updateRole(actor: MerchantActor, id: string, input: StaffUpdateInput): Promise<StaffMember> {
    return this.database.orm.em.fork().transactional(async (entityManager) => {
      const membership = await this.lockMembership(entityManager, actor, id);
      if (membership.role === 'owner' && input.role !== 'owner') await this.assertAnotherOwner(entityManager, actor.merchantId);
      membership.role = input.role;
      await entityManager.flush();
      return this.view(entityManager, membership);
    });
  }

  /**
   * Removes someone from the merchant: their access tokens are refused from the next request on
   * (AuthService.authenticate reads the membership every time) and their refresh tokens there are revoked.
   */
  async remove(actor: MerchantActor, id: string): Promise<StaffMember> {
    return this.database.orm.em.fork().transactional(async (entityManager) => {
      const membership = await this.lockMembership(entityManager, actor, id);
      if (membership.role === 'owner') await this.assertAnotherOwner(entityManager, actor.merchantId);
      const member = await this.view(entityManager, membership);
      entityManager.remove(membership);
      await entityManager.nativeUpdate(
        RefreshTokenEntity,
        { userId: membership.userId, merchantId: actor.merchantId, revokedAt: null },
        { revokedAt: new Date() },
      );
      return member;
    });
  }

  /**
   * Every role change of a merchant first locks the merchant's row, so two owners demoting each other
   * at the same moment are serialized and the second one sees that it would leave no owner.
   */
  private async lockMembership(entityManager: EntityManager, actor: MerchantActor, id: string): Promise<Membership> {
    await entityManager.findOne(MerchantEntity, { id: actor.merchantId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    const membership = await entityManager.findOne(MembershipEntity, { id, merchantId: actor.merchantId });
    if (!membership) throw new NotFoundError('staff_member', id);
    return membership;
  }

  private async assertAnotherOwner(entityManager: EntityManager, merchantId: string): Promise<void> {
    const owners = await entityManager.count(MembershipEntity, { merchantId, role: 'owner' });
    if (owners <= 1) throw new LastOwnerError();
  }

  private async view(entityManager: EntityManager, membership: Membership): Promise<StaffMember> {
    const user = await entityManager.findOneOrFail(StaffUserEntity, { id: membership.userId });
    return {
      id: membership.id,
      merchantId: membership.merchantId,
      userId: membership.userId,
      email: user.email,
      name: user.name,
      role: membership.role,
      createdAt: membership.createdAt,
      updatedAt: membership.updatedAt,
    };
  }
}
