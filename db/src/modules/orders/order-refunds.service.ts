import type pg from 'pg';
import type { Actor, MerchantActor } from '../../actor.ts';
import type { Database } from '../../database.ts';
import { assert, DomainError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { addToOutbox } from '../../outbox/outbox.ts';
import { withPoolTransaction } from '../../pool-transaction.ts';
import { assertSameRequest, IdempotencyRaceLost } from './idempotency.ts';
import type { Order, OrderStatus } from './order.entity.ts';
import type { RefundRemaining } from './order-cancellation.ts';
import type { OrderLedger } from './order-ledger.ts';
import { recordRefundMoney } from '../settlement/refund-money.ts';
import type { OrderLine } from './order-line.entity.ts';
import { eventActor, insertOrderEvent, loadLines, lockOrder, recordTransition } from './order-records.ts';
import { hasShipped } from './order-states.ts';
import { InvalidOrderTransitionError, OrderNotFoundError } from './orders.errors.ts';
import type { RefundCreateInput } from './orders.schemas.ts';
import { planRefund, remainingLines, type RefundPlan } from './refund-plan.ts';
import { returnStock } from './stock-reservations.ts';

/**
 * The seam to the card processor (docs/payments.md): card money goes back through a refund of the
 * order's payment intent, keyed so that a retried job refunds once.
 */
export interface CardRefunder {
  refund(input: { paymentIntentId: string; amountMinor: number; idempotencyKey: string; metadata?: Record<string, string> }): Promise<{ id: string; status: string | null }>;
}

/** Refundable: from escrow until the order settles, then from the merchant's balance (recordRefundMoney). */
const REFUNDABLE_STATUSES: ReadonlySet<OrderStatus> = new Set(['paid', 'packed', 'shipped', 'delivered', 'completed', 'partially_refunded']);

type RefundRequest = {
  lines: { lineId: string; quantity: number }[] | null;
  amountMinor: number | null;
  reason: string;
};

/**
 * Refunds: the order's lines and totals, the goods back on the shelf when they never left, an order
 * event, and the money: a ledger reversal of the payment (escrow -> wallet) in the same transaction for
 * wallet orders; for card orders a `pending` refund whose card leg a job completes (order.card_refund).
 */
export class OrderRefundsService {
  constructor(
    private readonly database: Database,
    private readonly ledger: OrderLedger,
    private readonly cardRefunder: () => CardRefunder | null,
  ) {}

  async refund(actor: MerchantActor, orderId: string, input: RefundCreateInput & { idempotencyKey?: string | undefined }): Promise<{ replayed: boolean }> {
    const request: RefundRequest = { lines: input.lines ?? null, amountMinor: input.amountMinor ?? null, reason: input.reason ?? '' };
    const key = input.idempotencyKey ?? null;
    if (key !== null && (await this.replay(actor, orderId, key, request))) return { replayed: true };
    try {
      await withPoolTransaction(this.database.pool, async (client) => {
        const order = await lockOrder(client, orderId, { merchantId: actor.merchantId });
        if (!order) throw new OrderNotFoundError(orderId);
        if (!REFUNDABLE_STATUSES.has(order.status)) throw new InvalidOrderTransitionError(order.status, 'refunded');
        const lines = await loadLines(client, order.id);
        const plan = planRefund(order, lines, { ...(input.lines ? { lines: input.lines } : {}), ...(input.amountMinor !== undefined ? { amountMinor: input.amountMinor } : {}) });
        await this.applyRefund(client, order, lines, actor, plan, { transition: true, reason: request.reason, idempotencyKey: key, request });
      });
      return { replayed: false };
    } catch (error) {
      if (!(error instanceof IdempotencyRaceLost) || key === null) throw error;
      assert(await this.replay(actor, orderId, key, request), 'the refund that won the idempotency race is committed');
      return { replayed: true };
    }
  }

  /** For cancellations: gives back everything that remains, without changing the status (cancel does). */
  readonly refundRemaining: RefundRemaining = async (client, order, lines, actor, reason) => {
    const remainingMinor = order.totalMinor - order.refundedMinor;
    if (remainingMinor === 0) {
      // Nothing to pay back (a free order, or refunded by amount already): only the goods go back.
      const unrefunded = lines.filter((line) => line.refundedQuantity < line.quantity);
      await returnStock(client, order.merchantId, unrefunded.map((line) => ({ variantId: line.variantId, quantity: line.quantity - line.refundedQuantity })), actor, reason);
      return order;
    }
    const plan: RefundPlan = { amountMinor: remainingMinor, lines: remainingLines(lines, remainingMinor) };
    return this.applyRefund(client, order, lines, actor, plan, { transition: false, reason, idempotencyKey: null, request: { cancellation: true } });
  };

  /**
   * The card leg of a card refund, run by the `order.card_refund` job: asks the card processor (once,
   * by idempotency key), then reverses the payment in the ledger and marks the refund succeeded.
   */
  async completeCardRefund(refundId: string): Promise<{ status: 'succeeded' | 'failed' | 'unchanged' }> {
    const { rows } = await this.database.pool.query<{ status: string; amountMinor: number; orderId: string; paymentIntentId: string | null; paymentTransferId: string | null }>(
      `select refund.status, refund.amount_minor as "amountMinor", refund.order_id as "orderId",
              shop_order.payment_intent_id as "paymentIntentId", shop_order.payment_transfer_id as "paymentTransferId"
         from order_refund refund join shop_order on shop_order.id = refund.order_id
        where refund.id = $1`,
      [refundId],
    );
    const refund = rows[0];
    if (!refund) throw new OrderNotFoundError(refundId);
    if (refund.status !== 'pending') return { status: 'unchanged' };
    const refunder = this.cardRefunder();
    if (!refunder || !refund.paymentIntentId) throw new Error(`Card refund ${refundId} cannot run: no card processor or payment intent is known.`);

    let external: { id: string };
    try {
      external = await refunder.refund({ paymentIntentId: refund.paymentIntentId, amountMinor: refund.amountMinor, idempotencyKey: `order_refund:${refundId}`, metadata: { refundId, orderId: refund.orderId } });
    } catch (error) {
      if (error instanceof DomainError && error.type !== 'unauthorized') {
        await this.database.pool.query(`update order_refund set status = 'failed', updated_at = now() where id = $1 and status = 'pending'`, [refundId]);
        return { status: 'failed' };
      }
      throw error;
    }
    const legs = refund.paymentTransferId
      ? await this.ledger.recipes.refund({ eventId: refundId, paymentTransferId: refund.paymentTransferId, amountMinor: refund.amountMinor, refundId })
      : [];
    await withPoolTransaction(this.database.pool, async (client) => {
      const updated = await client.query(`update order_refund set status = 'succeeded', external_reference = $2, updated_at = now() where id = $1 and status = 'pending'`, [
        refundId,
        external.id,
      ]);
      if (updated.rowCount === 1) await this.ledger.recordInTransaction(client, legs);
    });
    return { status: 'succeeded' };
  }

  private async replay(actor: MerchantActor, orderId: string, key: string, request: RefundRequest): Promise<boolean> {
    const { rows } = await this.database.pool.query<{ idempotencyRequest: Record<string, unknown> }>(
      `select idempotency_request as "idempotencyRequest" from order_refund where order_id = $1 and merchant_id = $2 and idempotency_key = $3`,
      [orderId, actor.merchantId, key],
    );
    if (!rows[0]) return false;
    assertSameRequest(rows[0].idempotencyRequest, { ...request });
    return true;
  }

  private async applyRefund(
    client: pg.PoolClient,
    order: Order,
    lines: OrderLine[],
    actor: Actor,
    plan: RefundPlan,
    options: { transition: boolean; reason: string; idempotencyKey: string | null; request: Record<string, unknown> },
  ): Promise<Order> {
    const method = order.paymentMethod;
    assert(method, 'a paid order knows how it was paid');
    const refundId = newId();
    const restock = !hasShipped(order) && plan.lines.length > 0;
    const { actorType, actorId } = eventActor(actor);
    const inserted = await client.query(
      `insert into order_refund (id, order_id, merchant_id, amount_minor, currency, method, status, reason, lines, restocked,
                                 idempotency_key, idempotency_request, actor_type, actor_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       on conflict (order_id, idempotency_key) do nothing`,
      [
        refundId,
        order.id,
        order.merchantId,
        plan.amountMinor,
        order.currency,
        method,
        method === 'wallet' ? 'succeeded' : 'pending',
        options.reason,
        JSON.stringify(plan.lines),
        restock,
        options.idempotencyKey,
        JSON.stringify(options.request),
        actorType,
        actorId,
      ],
    );
    if (inserted.rowCount === 0) throw new IdempotencyRaceLost();

    if (plan.lines.length) {
      await client.query(
        `update order_line line set refunded_quantity = line.refunded_quantity + r.quantity, refunded_minor = line.refunded_minor + r.amount_minor
           from unnest($1::uuid[], $2::int[], $3::bigint[]) as r(line_id, quantity, amount_minor)
          where line.id = r.line_id`,
        [plan.lines.map((line) => line.lineId), plan.lines.map((line) => line.quantity), plan.lines.map((line) => line.amountMinor)],
      );
    }
    if (restock) {
      const variantByLine = new Map(lines.map((line) => [line.id, line.variantId]));
      const stockLines = plan.lines.map((line) => ({ variantId: variantByLine.get(line.lineId) as string, quantity: line.quantity }));
      await returnStock(client, order.merchantId, stockLines, actor, `refund of order #${order.number}`);
    }

    const refundedMinor = order.refundedMinor + plan.amountMinor;
    const eventData = { refundId, amountMinor: plan.amountMinor, method, lines: plan.lines, restocked: restock };
    let updated: Order;
    if (options.transition) {
      const to: OrderStatus = refundedMinor === order.totalMinor ? 'refunded' : 'partially_refunded';
      updated = await recordTransition(client, order, to, actor, { eventType: 'refunded', refundedMinor, note: options.reason, data: eventData });
    } else {
      const { rows } = await client.query<{ refundedMinor: number; updatedAt: Date }>(
        `update shop_order set refunded_minor = $2, updated_at = now() where id = $1 returning refunded_minor as "refundedMinor", updated_at as "updatedAt"`,
        [order.id, refundedMinor],
      );
      updated = { ...order, ...rows[0] };
      await insertOrderEvent(client, order, actor, { type: 'refunded', fromStatus: order.status, toStatus: order.status, note: options.reason, data: eventData });
    }
    await addToOutbox(client, {
      type: 'order_refund.created',
      aggregateType: 'order',
      aggregateId: order.id,
      merchantId: order.merchantId,
      payload: { refundId, orderId: order.id, amountMinor: plan.amountMinor, currency: order.currency, method },
      ...(method === 'card' ? { jobs: [{ name: 'order.card_refund', key: refundId, payload: { refundId } }] } : {}),
    });

    // Last: the ledger's head lock is held until this transaction commits. Settled orders take the
    // money back from the merchant first (docs/orders.md §10).
    await recordRefundMoney(client, this.ledger, order, { refundId, amountMinor: plan.amountMinor });
    return updated;
  }
}
