import type { Database } from '../../database.ts';
import { ValidationError } from '../../errors.ts';
import { SqlParameters } from '../../sql-parameters.ts';
import type { Dashboard, DashboardQueryInput } from './dashboard.schemas.ts';

const DAY_MS = 86_400_000;
const DEFAULT_PERIOD_DAYS = 30;
const LOW_STOCK_LISTED = 20;
/** Shipments that exist but have not left the shop. */
const WAITING_SHIPMENT_STATUSES = ['label_created', 'confirmed'];

/** Whose records: one merchant's, or (an operator without a merchant filter) the whole platform's. */
export type DashboardScope = { merchantId: string } | { merchantId: null };

function parseTime(field: string, text: string): Date {
  const time = new Date(text);
  if (Number.isNaN(time.getTime())) throw new ValidationError({ [field]: 'is not a real date' });
  return time;
}

function startOfUtcDay(time: Date): Date {
  return new Date(Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), time.getUTCDate()));
}

/**
 * The console's dashboard (docs/console-api.md §3): every figure an SQL aggregate over all the
 * merchant's records, never a sum of one page in the browser.
 */
export class DashboardService {
  constructor(
    private readonly database: Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async summary(scope: DashboardScope, query: Omit<DashboardQueryInput, 'merchantId'>): Promise<Dashboard> {
    const today = startOfUtcDay(this.now());
    const to = query.to ? parseTime('to', query.to) : new Date(today.getTime() + DAY_MS);
    const from = query.from ? parseTime('from', query.from) : new Date(to.getTime() - DEFAULT_PERIOD_DAYS * DAY_MS);
    if (from.getTime() >= to.getTime()) throw new ValidationError({ to: 'must be after from' }, 'invalid_period');
    const threshold = query.lowStockThreshold ?? 5;

    /** Conditions on shop_order `o` shared by the order figures. */
    const orderScope = (parameters: SqlParameters, alias = 'o') => {
      const conditions: string[] = [];
      if (scope.merchantId) conditions.push(`${alias}.merchant_id = ${parameters.add(scope.merchantId, 'uuid')}`);
      if (query.shopId) conditions.push(`${alias}.shop_id = ${parameters.add(query.shopId, 'uuid')}`);
      if (query.currency) conditions.push(`${alias}.currency = ${parameters.add(query.currency)}`);
      return conditions.length ? ` and ${conditions.join(' and ')}` : '';
    };

    const revenue = new SqlParameters();
    const revenueSql = `select to_char(o.paid_at at time zone 'UTC', 'YYYY-MM-DD') as day, o.currency, count(*)::int as "orderCount",
        sum(o.total_minor)::int8 as "grossMinor", sum(o.refunded_minor)::int8 as "refundedMinor"
      from shop_order o
     where o.paid_at >= ${revenue.add(from)} and o.paid_at < ${revenue.add(to)}${orderScope(revenue)}
     group by 1, 2 order by 1, 2`;

    const statuses = new SqlParameters();
    const statusesSql = `select o.status, count(*)::int as count from shop_order o
     where o.created_at >= ${statuses.add(from)} and o.created_at < ${statuses.add(to)}${orderScope(statuses)}
     group by 1 order by 1`;

    const shipments = new SqlParameters();
    const shipmentsSql = `select count(*)::int as count, min(s.created_at) as "oldestCreatedAt"
      from shipment s join shop_order o on o.id = s.order_id and o.merchant_id = s.merchant_id
     where s.status = any(${shipments.add(WAITING_SHIPMENT_STATUSES, 'text[]')})${orderScope(shipments)}`;

    const stock = new SqlParameters();
    const stockConditions = [`p.status = 'active'`, `v.stock_on_hand - v.stock_reserved < ${stock.add(threshold, 'int')}`];
    if (scope.merchantId) stockConditions.push(`v.merchant_id = ${stock.add(scope.merchantId, 'uuid')}`);
    if (query.shopId) stockConditions.push(`p.shop_id = ${stock.add(query.shopId, 'uuid')}`);
    const stockSql = `select v.id as "variantId", p.id as "productId", p.title as "productTitle", v.sku, v.title,
        (v.stock_on_hand - v.stock_reserved)::int as "stockAvailable", count(*) over ()::int as total
      from variant v join product p on p.id = v.product_id and p.merchant_id = v.merchant_id
     where ${stockConditions.join(' and ')}
     order by 6, p.title, v.sku limit ${LOW_STOCK_LISTED}`;

    const paidToday = new SqlParameters();
    const paidTodaySql = `select o.currency, count(*)::int as count, sum(o.total_minor)::int8 as "amountMinor" from shop_order o
     where o.paid_at >= ${paidToday.add(today)} and o.paid_at < ${paidToday.add(new Date(today.getTime() + DAY_MS))}${orderScope(paidToday)}
     group by 1 order by 1`;

    const settledToday = new SqlParameters();
    const settledTodaySql = `select o.currency, count(*)::int as count, sum(o.settled_gross_minor - o.platform_fee_minor)::int8 as "amountMinor" from shop_order o
     where o.settled_at >= ${settledToday.add(today)} and o.settled_at < ${settledToday.add(new Date(today.getTime() + DAY_MS))}${orderScope(settledToday)}
     group by 1 order by 1`;

    const { pool } = this.database;
    type Totals = { currency: string; count: number; amountMinor: string };
    const [revenueRows, statusRows, shipmentRows, stockRows, paidRows, settledRows] = await Promise.all([
      pool.query<{ day: string; currency: string; orderCount: number; grossMinor: string; refundedMinor: string }>(revenueSql, revenue.values),
      pool.query<{ status: string; count: number }>(statusesSql, statuses.values),
      pool.query<{ count: number; oldestCreatedAt: Date | null }>(shipmentsSql, shipments.values),
      pool.query<{ variantId: string; productId: string; productTitle: string; sku: string; title: string; stockAvailable: number; total: number }>(stockSql, stock.values),
      pool.query<Totals>(paidTodaySql, paidToday.values),
      pool.query<Totals>(settledTodaySql, settledToday.values),
    ]);
    const totals = (rows: Totals[]) => rows.map((row) => ({ currency: row.currency.trim(), count: row.count, amountMinor: Number(row.amountMinor) }));
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      revenueByDay: revenueRows.rows.map((row) => ({
        day: row.day,
        currency: row.currency.trim(),
        orderCount: row.orderCount,
        grossMinor: Number(row.grossMinor),
        refundedMinor: Number(row.refundedMinor),
        netMinor: Number(row.grossMinor) - Number(row.refundedMinor),
      })),
      ordersByStatus: statusRows.rows,
      shipmentsWaiting: { count: shipmentRows.rows[0]!.count, oldestCreatedAt: shipmentRows.rows[0]!.oldestCreatedAt?.toISOString() ?? null },
      lowStock: {
        threshold,
        count: stockRows.rows[0]?.total ?? 0,
        variants: stockRows.rows.map(({ total: _total, ...variant }) => variant),
      },
      today: { day: today.toISOString().slice(0, 10), payments: totals(paidRows.rows), settlements: totals(settledRows.rows) },
    };
  }
}
