import type { Actor } from '../../actor.ts';
import type { CurrencyCode } from '../../money.ts';
import { addToOutbox } from '../../outbox/outbox.ts';
import type { Queryable } from '../../pool-transaction.ts';
import { IdempotencyRaceLost } from '../../idempotency/idempotency.ts';
import { eventActor } from '../orders/order-records.ts';
import type { PaymentCodeCharge, PaymentCodeChargeStatus } from './payment-code-charge.entity.ts';

/** Plain-SQL access to payment code charges for the paths that write them, shaped like the entity. */
const COLUMNS: Record<keyof PaymentCodeCharge, string> = {
  id: 'id',
  merchantId: 'merchant_id',
  shopId: 'shop_id',
  shopperId: 'shopper_id',
  amountMinor: 'amount_minor',
  currency: 'currency',
  status: 'status',
  codeNonce: 'code_nonce',
  note: 'note',
  orderId: 'order_id',
  holdTransferId: 'hold_transfer_id',
  paymentTransferId: 'payment_transfer_id',
  confirmBy: 'confirm_by',
  resolvedAt: 'resolved_at',
  idempotencyKey: 'idempotency_key',
  idempotencyRequest: 'idempotency_request',
  actorType: 'actor_type',
  actorId: 'actor_id',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
};

export function CHARGE_COLUMNS(alias?: string): string {
  return Object.entries(COLUMNS)
    .map(([field, column]) => `${alias ? `${alias}.` : ''}${column} as "${field}"`)
    .join(', ');
}

export interface NewCharge {
  id: string;
  merchantId: string;
  shopId: string;
  shopperId: string;
  amountMinor: number;
  currency: CurrencyCode;
  codeNonce: string;
  note: string;
  idempotencyKey: string;
  idempotencyRequest: Record<string, unknown>;
}

export interface ChargeOutcome {
  status: PaymentCodeChargeStatus;
  orderId: string | null;
  paymentTransferId: string | null;
  holdTransferId: string | null;
  confirmBy: Date | null;
  resolved: boolean;
}

export type ChargeScope = { merchantId: string } | { shopperId: string } | Record<string, never>;

/** Inserts the charge, or throws IdempotencyRaceLost when another request with its Idempotency-Key committed first. */
export async function insertCharge(client: Queryable, charge: NewCharge, actor: Actor, outcome: ChargeOutcome): Promise<PaymentCodeCharge> {
  const { actorType, actorId } = eventActor(actor);
  const { rows } = await client.query<PaymentCodeCharge>(
    `insert into payment_code_charge (id, merchant_id, shop_id, shopper_id, amount_minor, currency, status, code_nonce, note, order_id,
                                      hold_transfer_id, payment_transfer_id, confirm_by, resolved_at, idempotency_key, idempotency_request,
                                      actor_type, actor_id)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, case when $14::boolean then now() end, $15, $16, $17, $18)
     on conflict (merchant_id, idempotency_key) do nothing
     returning ${CHARGE_COLUMNS()}`,
    [
      charge.id,
      charge.merchantId,
      charge.shopId,
      charge.shopperId,
      charge.amountMinor,
      charge.currency,
      outcome.status,
      charge.codeNonce,
      charge.note,
      outcome.orderId,
      outcome.holdTransferId,
      outcome.paymentTransferId,
      outcome.confirmBy,
      outcome.resolved,
      charge.idempotencyKey,
      JSON.stringify(charge.idempotencyRequest),
      actorType,
      actorId,
    ],
  );
  if (!rows[0]) throw new IdempotencyRaceLost();
  return rows[0];
}

export async function lockCharge(client: Queryable, id: string, scope: ChargeScope): Promise<PaymentCodeCharge | null> {
  const [column, value] = 'merchantId' in scope ? ['merchant_id', scope.merchantId] : 'shopperId' in scope ? ['shopper_id', scope.shopperId] : [null, null];
  const { rows } = await client.query<PaymentCodeCharge>(
    `select ${CHARGE_COLUMNS()} from payment_code_charge where id = $1${column ? ` and ${column} = $2` : ''} for update`,
    column ? [id, value] : [id],
  );
  return rows[0] ?? null;
}

/**
 * `payment_code_charge.<status>` on the outbox, with the shopper in the payload: the widget waits for
 * `awaiting_confirmation` to ask, the counter for the outcome.
 */
export async function addChargeEvent(client: Queryable, charge: PaymentCodeCharge): Promise<void> {
  await addToOutbox(client, {
    type: `payment_code_charge.${charge.status}`,
    aggregateType: 'payment_code_charge',
    aggregateId: charge.id,
    merchantId: charge.merchantId,
    payload: {
      chargeId: charge.id,
      shopId: charge.shopId,
      shopperId: charge.shopperId,
      amountMinor: charge.amountMinor,
      currency: charge.currency,
      status: charge.status,
      orderId: charge.orderId,
      confirmBy: charge.confirmBy?.toISOString() ?? null,
    },
  });
}
