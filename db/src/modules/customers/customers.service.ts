import type { MerchantActor } from '../../actor.ts';
import type { Database } from '../../database.ts';
import { NotFoundError } from '../../errors.ts';
import type { ListPage, ListQuery } from '../../list-query.ts';
import { containsPattern } from '../../search-pattern.ts';
import { SqlParameters } from '../../sql-parameters.ts';
import type { Customer, CustomerListFilterInput } from './customers.schemas.ts';

const SORT_COLUMNS: Record<string, string> = {
  id: 'c.id',
  displayName: 's.display_name',
  orderCount: 'c."orderCount"',
  paidOrderCount: 'c."paidOrderCount"',
  totalSpentMinor: 'c."totalSpentMinor"',
  firstOrderAt: 'c."firstOrderAt"',
  lastOrderAt: 'c."lastOrderAt"',
};

/**
 * The merchant's customers: shoppers with at least one order of this merchant, aggregated from the
 * orders themselves (no table of its own, so the figures cannot drift from the orders).
 */
export class CustomersService {
  constructor(private readonly database: Database) {}

  async list(actor: MerchantActor, query: ListQuery<CustomerListFilterInput>): Promise<ListPage<Customer>> {
    const parameters = new SqlParameters();
    const customers = this.customersSql(parameters, actor.merchantId, query.filter.shopId);
    const conditions = ['true'];
    if (query.filter.id) conditions.push(`c.id = any(${parameters.add(query.filter.id, 'uuid[]')})`);
    if (query.filter.q) conditions.push(`s.display_name ilike ${parameters.add(containsPattern(query.filter.q))}`);
    const where = conditions.join(' and ');
    const order = `${SORT_COLUMNS[query.sortField] ?? 'c."lastOrderAt"'} ${query.sortOrder === 'ASC' ? 'asc' : 'desc'}, c.id`;
    const [page, count] = await Promise.all([
      this.database.pool.query<Customer>(
        `${customers} select c.*, s.display_name as "displayName" from customers c join shopper s on s.id = c.id
          where ${where} order by ${order} limit ${Number(query.limit)} offset ${Number(query.offset)}`,
        parameters.values,
      ),
      this.database.pool.query<{ total: number }>(`${customers} select count(*)::int as total from customers c join shopper s on s.id = c.id where ${where}`, parameters.values),
    ]);
    return { items: page.rows, total: count.rows[0]?.total ?? 0, offset: query.offset };
  }

  /** A shopper who never ordered from this merchant is not its customer: 404, as for an unknown id. */
  async get(actor: MerchantActor, shopperId: string): Promise<Customer> {
    const page = await this.list(actor, { sortField: 'id', sortOrder: 'ASC', offset: 0, limit: 1, filter: { id: [shopperId] } });
    if (!page.items[0]) throw new NotFoundError('customer', shopperId);
    return page.items[0];
  }

  /** `with customers as (...)`: one row per shopper of the merchant's orders (of one shop when given). */
  private customersSql(parameters: SqlParameters, merchantId: string, shopId: string | undefined): string {
    const conditions = [`o.merchant_id = ${parameters.add(merchantId, 'uuid')}`];
    if (shopId) conditions.push(`o.shop_id = ${parameters.add(shopId, 'uuid')}`);
    return `with per_currency as (
        select o.shopper_id, o.currency, count(*) as orders, count(*) filter (where o.paid_at is not null) as paid,
               coalesce(sum(o.total_minor - o.refunded_minor) filter (where o.paid_at is not null), 0) as spent,
               min(o.created_at) as first_at, max(o.created_at) as last_at
          from shop_order o where ${conditions.join(' and ')}
         group by o.shopper_id, o.currency
      ), customers as (
        select shopper_id as id, sum(orders)::int as "orderCount", sum(paid)::int as "paidOrderCount",
               min(first_at) as "firstOrderAt", max(last_at) as "lastOrderAt",
               trim((array_agg(currency order by last_at desc))[1]) as currency,
               (array_agg(spent order by last_at desc))[1]::int8 as "totalSpentMinor",
               jsonb_agg(jsonb_build_object('currency', trim(currency), 'amountMinor', spent) order by currency) as "spentByCurrency"
          from per_currency group by shopper_id
      )`;
  }
}
