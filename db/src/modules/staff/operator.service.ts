import { isOperator, type Actor } from '../../actor.ts';
import type { Database } from '../../database.ts';
import { NotFoundError } from '../../errors.ts';
import type { ListPage, ListQuery } from '../../list-query.ts';
import { withPoolTransaction } from '../../pool-transaction.ts';
import type { MerchantStatus } from '../merchants/merchant.entity.ts';
import { containsPattern } from '../../search-pattern.ts';
import type { OperatorMerchant, OperatorMerchantListFilterInput, OperatorMerchantUpdateInput } from './operator.schemas.ts';
import { OperatorOnlyError } from './staff.errors.ts';

const SORT_COLUMNS: Record<string, string> = { id: 'id', createdAt: 'created_at', name: 'name', status: 'status', staffCount: 'staff_count' };

const MERCHANT_COLUMNS = `id, name, status, created_at, updated_at,
  (select count(*) from membership where membership.merchant_id = merchant.id)::int as staff_count`;

interface MerchantRow {
  id: string;
  name: string;
  status: MerchantStatus;
  staff_count: number;
  created_at: Date;
  updated_at: Date;
}

function toOperatorMerchant(row: MerchantRow): OperatorMerchant {
  return { id: row.id, name: row.name, status: row.status, staffCount: row.staff_count, createdAt: row.created_at, updatedAt: row.updated_at };
}

/** The platform operator's view of every merchant; no tenancy filter, so every call checks the actor. */
export class OperatorService {
  constructor(private readonly database: Database) {}

  async listMerchants(actor: Actor, query: ListQuery<OperatorMerchantListFilterInput>): Promise<ListPage<OperatorMerchant>> {
    if (!isOperator(actor)) throw new OperatorOnlyError();
    const conditions = ['true'];
    const parameters: unknown[] = [];
    const { filter } = query;
    if (filter.id) conditions.push(`id = any($${parameters.push(filter.id)}::uuid[])`);
    if (filter.status) conditions.push(`status = $${parameters.push(filter.status)}`);
    if (filter.q) conditions.push(`name ilike $${parameters.push(containsPattern(filter.q))}`);
    const where = `where ${conditions.join(' and ')}`;
    const sortColumn = SORT_COLUMNS[query.sortField] ?? 'created_at';
    const order = query.sortOrder === 'ASC' ? 'asc' : 'desc';
    const window = `limit $${parameters.length + 1} offset $${parameters.length + 2}`;
    const [rows, count] = await Promise.all([
      this.database.pool.query<MerchantRow>(`select ${MERCHANT_COLUMNS} from merchant ${where} order by ${sortColumn} ${order}, id asc ${window}`, [
        ...parameters,
        query.limit,
        query.offset,
      ]),
      this.database.pool.query<{ total: number }>(`select count(*)::int as total from merchant ${where}`, parameters),
    ]);
    return { items: rows.rows.map(toOperatorMerchant), total: count.rows[0]?.total ?? 0, offset: query.offset };
  }

  async getMerchant(actor: Actor, id: string): Promise<OperatorMerchant> {
    if (!isOperator(actor)) throw new OperatorOnlyError();
    const result = await this.database.pool.query<MerchantRow>(`select ${MERCHANT_COLUMNS} from merchant where id = $1`, [id]);
    const row = result.rows[0];
    if (!row) throw new NotFoundError('merchant', id);
    return toOperatorMerchant(row);
  }

  /**
   * Suspending a merchant also revokes its staff's refresh tokens; their access tokens are refused from
   * the next request on, and sign-in and API keys while it stays suspended.
   */
  async updateMerchant(actor: Actor, id: string, input: OperatorMerchantUpdateInput): Promise<OperatorMerchant> {
    if (!isOperator(actor)) throw new OperatorOnlyError();
    return withPoolTransaction(this.database.pool, async (client) => {
      const updated = await client.query<MerchantRow>(
        `update merchant set status = $2, updated_at = case when status = $2 then updated_at else now() end
          where id = $1 returning ${MERCHANT_COLUMNS}`,
        [id, input.status],
      );
      const row = updated.rows[0];
      if (!row) throw new NotFoundError('merchant', id);
      if (input.status === 'suspended') {
        await client.query(`update refresh_token set revoked_at = now() where merchant_id = $1 and revoked_at is null`, [id]);
      }
      return toOperatorMerchant(row);
    });
  }
}
