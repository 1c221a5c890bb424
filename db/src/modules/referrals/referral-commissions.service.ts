import type { MerchantActor, ShopperActor } from '../../actor.ts';
import type { Database } from '../../database.ts';
import type { CurrencyCode } from '../../money.ts';
import { containsPattern } from '../../search-pattern.ts';
import type { ListPage, ListQuery } from '../../list-query.ts';
import type { CommissionListFilterInput, CommissionStatus } from './referrals.schemas.ts';

export interface Commission {
  id: string;
  orderId: string;
  orderNumber: number | null;
  shopId: string;
  shopName: string;
  status: CommissionStatus;
  basisPoints: number;
  currency: CurrencyCode;
  commissionMinor: number | null;
  takenBackMinor: number;
  merchantBorneMinor: number;
  orderTotalMinor: number;
  touchedAt: Date;
  paidAt: Date | null;
  cancelledAt: Date | null;
  createdAt: Date;
}

export interface MerchantCommission extends Commission {
  referrerShopperId: string;
  referrerName: string | null;
  transferId: string | null;
  transfers: { id: string; reason: string; debitAccountId: string; creditAccountId: string; amountMinor: number; currency: string; createdAt: Date }[];
}

const COMMISSION_COLUMNS = `commission.order_id as id, commission.order_id as "orderId", shop_order.number as "orderNumber", commission.shop_id as "shopId",
  shop.name as "shopName", commission.status, commission.basis_points as "basisPoints", commission.currency, commission.commission_minor as "commissionMinor",
  commission.taken_back_minor as "takenBackMinor", commission.merchant_borne_minor as "merchantBorneMinor", shop_order.total_minor as "orderTotalMinor",
  commission.touched_at as "touchedAt", commission.paid_at as "paidAt", commission.cancelled_at as "cancelledAt", commission.created_at as "createdAt",
  commission.referrer_shopper_id as "referrerShopperId", shopper.display_name as "referrerName", commission.transfer_id as "transferId"`;
const COMMISSION_FROM = `referral_commission commission join shop_order on shop_order.id = commission.order_id join shop on shop.id = commission.shop_id
  join shopper on shopper.id = commission.referrer_shopper_id`;
const SORT_COLUMNS: Record<string, string> = { id: 'commission.order_id', createdAt: 'commission.created_at', status: 'commission.status', commissionMinor: 'commission.commission_minor' };

/** Reads of referral commissions (docs/social.md §4): the referrer's in the widget, the merchant's in the console. */
export class ReferralCommissionsService {
  constructor(private readonly dependencies: { database: Database }) {}

  /** The referrer's latest 50 commissions, and per currency how many are pending and how much was paid (net of what was taken back). */
  async listForShopper(actor: ShopperActor): Promise<{ totals: { currency: CurrencyCode; pendingOrders: number; paidMinor: number }[]; items: Commission[] }> {
    const { pool } = this.dependencies.database;
    const [items, totals] = await Promise.all([
      pool.query<MerchantCommission>(`select ${COMMISSION_COLUMNS} from ${COMMISSION_FROM} where commission.referrer_shopper_id = $1 order by commission.created_at desc limit 50`, [actor.shopperId]),
      pool.query<{ currency: CurrencyCode; pendingOrders: number; paidMinor: number }>(
        `select currency, count(*) filter (where status = 'pending')::int as "pendingOrders",
                coalesce(sum(commission_minor - taken_back_minor) filter (where status = 'paid'), 0)::bigint as "paidMinor"
           from referral_commission where referrer_shopper_id = $1 group by currency order by currency`,
        [actor.shopperId],
      ),
    ]);
    return { totals: totals.rows, items: items.rows.map(({ referrerShopperId: _referrer, referrerName: _name, transferId: _transfer, ...commission }) => commission) };
  }

  async listForMerchant(actor: MerchantActor, query: ListQuery<CommissionListFilterInput>): Promise<ListPage<MerchantCommission>> {
    const conditions = ['commission.merchant_id = $1'];
    const values: unknown[] = [actor.merchantId];
    if (query.filter.id) conditions.push(`commission.order_id = any($${values.push(query.filter.id)}::uuid[])`);
    if (query.filter.status) conditions.push(`commission.status = $${values.push(query.filter.status)}`);
    if (query.filter.shopId) conditions.push(`commission.shop_id = $${values.push(query.filter.shopId)}`);
    if (query.filter.q) conditions.push(`(shopper.display_name ilike $${values.push(containsPattern(query.filter.q))} or shop_order.number::text = $${values.push(query.filter.q)})`);
    const sortColumn = SORT_COLUMNS[query.sortField] ?? 'commission.created_at';
    const { rows } = await this.dependencies.database.pool.query<MerchantCommission & { total: number }>(
      `select ${COMMISSION_COLUMNS}, count(*) over ()::int as total from ${COMMISSION_FROM} where ${conditions.join(' and ')}
        order by ${sortColumn} ${query.sortOrder === 'ASC' ? 'asc' : 'desc'} nulls last, commission.order_id offset ${query.offset} limit ${query.limit}`,
      values,
    );
    const transfers = await this.transfers(rows.map((row) => row.orderId));
    const items = rows.map(({ total: _total, ...row }) => ({ ...row, transfers: transfers.filter((transfer) => transfer.orderId === row.orderId).map(({ orderId: _orderId, ...transfer }) => transfer) }));
    return { items, total: rows[0]?.total ?? 0, offset: query.offset };
  }

  /** The commission's ledger transfers: the payment and any take-back. */
  private async transfers(orderIds: string[]) {
    if (!orderIds.length) return [];
    const { rows } = await this.dependencies.database.pool.query<MerchantCommission['transfers'][number] & { orderId: string }>(
      `select id, reason, debit_account_id as "debitAccountId", credit_account_id as "creditAccountId", amount_minor as "amountMinor", currency, created_at as "createdAt", reference_id as "orderId"
         from ledger_transfer where reference_type = 'order' and reference_id = any($1::text[]) and reason in ('referral_commission', 'referral_commission_reversal') order by sequence`,
      [orderIds],
    );
    return rows;
  }
}
