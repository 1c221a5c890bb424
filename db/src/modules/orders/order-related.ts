import { Type, type Static } from '@sinclair/typebox';
import type { MerchantActor } from '../../actor.ts';
import type { Database } from '../../database.ts';
import { Timestamp, Uuid } from '../../schema-types.ts';
import { ShipmentDetailBody } from '../shipments/shipments.schemas.ts';
import type { ShipmentsService } from '../shipments/shipments.service.ts';
import { OrderNotFoundError } from './orders.errors.ts';
import { sealBeforeRead } from '../ledger/ledger-sealer.ts';

export const OrderPaymentBody = Type.Object(
  {
    id: Type.String({ description: 'the card attempt, the counter charge or the wallet transfer' }),
    method: Type.Union([Type.Literal('card'), Type.Literal('payment_code'), Type.Literal('wallet')]),
    status: Type.String(),
    amountMinor: Type.Integer(),
    currency: Type.String(),
    createdAt: Timestamp,
  },
  { additionalProperties: false },
);

export const OrderLedgerTransferBody = Type.Object(
  {
    id: Uuid,
    /** Null only for a transfer committed in the instant after this read sealed the ledger (docs/ledger.md §4). */
    sequence: Type.Union([Type.Integer(), Type.Null()]),
    kind: Type.String(),
    reason: Type.String(),
    amountMinor: Type.Integer(),
    currency: Type.String(),
    debitAccountId: Uuid,
    debitAccountKind: Type.String(),
    creditAccountId: Uuid,
    creditAccountKind: Type.String(),
    createdAt: Timestamp,
  },
  { additionalProperties: false },
);

/** What the console's order page shows beside the order itself (GET /api/admin/orders/:id has lines, events, refunds). */
export const OrderRelatedBody = Type.Object(
  { payments: Type.Array(OrderPaymentBody), ledgerTransfers: Type.Array(OrderLedgerTransferBody), shipments: Type.Array(ShipmentDetailBody) },
  { $id: 'OrderRelated', additionalProperties: false },
);
export type OrderRelated = Static<typeof OrderRelatedBody>;

/** The records of other modules about one order, read in one call for the order page. */
export class OrderRelatedReader {
  constructor(
    private readonly database: Database,
    private readonly shipments: Pick<ShipmentsService, 'listForOrder'>,
  ) {}

  async related(actor: MerchantActor, orderId: string): Promise<OrderRelated> {
    const { pool } = this.database;
    const order = await pool.query('select 1 from shop_order where id = $1 and merchant_id = $2', [orderId, actor.merchantId]);
    if (!order.rowCount) throw new OrderNotFoundError(orderId);
    await sealBeforeRead(pool);
    const [payments, transfers, shipments] = await Promise.all([
      pool.query<Static<typeof OrderPaymentBody>>(
        `select id::text, 'card' as method, status, amount_minor as "amountMinor", currency, created_at as "createdAt"
           from payment_attempt where purpose = 'order' and reference_id = $1 and merchant_id = $2
         union all
         select id::text, 'payment_code', status, amount_minor, currency, created_at
           from payment_code_charge where order_id = $1 and merchant_id = $2
         union all
         select t.id::text, 'wallet', 'succeeded', t.amount_minor, t.currency, t.created_at
           from ledger_transfer t join ledger_account debit on debit.id = t.debit_account_id
          where t.reference_type = 'order' and t.reference_id = $1::text and t.reason = 'order_payment' and t.kind = 'posted' and debit.kind = 'shopper_wallet'
         order by "createdAt", id`,
        [orderId, actor.merchantId],
      ),
      pool.query<Static<typeof OrderLedgerTransferBody>>(
        `select t.id, t.sequence, t.kind, t.reason, t.amount_minor as "amountMinor", t.currency, t.debit_account_id as "debitAccountId", debit.kind as "debitAccountKind",
                t.credit_account_id as "creditAccountId", credit.kind as "creditAccountKind", t.created_at as "createdAt"
           from ledger_transfer t
           join ledger_account debit on debit.id = t.debit_account_id
           join ledger_account credit on credit.id = t.credit_account_id
          where t.reference_type = 'order' and t.reference_id = $1::text
          order by t.sequence nulls last, t.append_order`,
        [orderId],
      ),
      this.shipments.listForOrder({ merchantId: actor.merchantId }, orderId),
    ]);
    return {
      payments: payments.rows.map((row) => ({ ...row, currency: row.currency.trim() })),
      ledgerTransfers: transfers.rows,
      shipments,
    };
  }
}
