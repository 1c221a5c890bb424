import type pg from 'pg';
import type { Actor, MerchantActor } from '../../actor.ts';
import { crashPoint } from '../../crash-points.ts';
import type { Database } from '../../database.ts';
import { assert, DomainError } from '../../errors.ts';
import { IdempotencyRaceLost, runIdempotent, type EarlierRequest } from '../../idempotency/idempotency.ts';
import { newId } from '../../ids.ts';
import { addToOutbox } from '../../outbox/outbox.ts';
import { withPoolTransaction, type Queryable } from '../../pool-transaction.ts';
import { describeError, silentLogger, type ServiceLogger } from '../../service-logger.ts';
import { PaymentAlreadyRefundedError } from '../payments/payments.errors.ts';
import type { Order, OrderStatus } from './order.entity.ts';
import type { RefundRemaining } from './order-cancellation.ts';
import { recipesOn, type OrderLedger } from './order-ledger.ts';
import { recordRefundMoney } from '../settlement/refund-money.ts';
import { linkAll } from '../ledger/ledger-recipes.ts';
import { undoCommissionTakeBack } from '../referrals/referral-commission-money.ts';
import type { OrderLine } from './order-line.entity.ts';
import type { RefundedLine, RefundKind } from './order-refund.entity.ts';
import { eventActor, insertOrderEvent, loadLines, lockOrder, orderEventPayload, recordTransition } from './order-records.ts';
import { hasShipped } from './order-states.ts';
import { InvalidOrderTransitionError, OrderNotFoundError } from './orders.errors.ts';
import type { RefundCreateInput } from './orders.schemas.ts';
import { planRefund, remainingLines, type RefundPlan } from './refund-plan.ts';
import { returnStock } from './stock-reservations.ts';

/**
 * The seam to the card processor (docs/payments.md): card money goes back through a refund of a
 * payment intent, keyed by our refund id so that every retry (job, sweeper, a restarted process) refunds once.
 */
export interface CardRefunder {
  refund(input: { paymentIntentId: string; amountMinor: number; idempotencyKey: string; metadata?: Record<string, string> }): Promise<{ id: string; status: string | null }>;
}

/** Refundable: from escrow until the order settles, then from the merchant's balance (recordRefundMoney). */
const REFUNDABLE_STATUSES: ReadonlySet<OrderStatus> = new Set(['paid', 'packed', 'shipped', 'delivered', 'completed', 'partially_refunded']);

const CARD_REFUND_ACTOR: Actor = { type: 'system', process: 'order.card_refund' };

/** The card processor's idempotency key of a refund: derived from our intent's id, so a retry is the same refund. */
export function cardRefundIdempotencyKey(refundId: string): string {
  return `order_refund:${refundId}`;
}

type RefundRequest = {
  lines: { lineId: string; quantity: number }[] | null;
  amountMinor: number | null;
  reason: string;
};

/** A card refund as the card leg reads it. */
interface CardRefundRow {
  id: string;
  orderId: string;
  kind: RefundKind;
  status: 'pending' | 'succeeded' | 'failed';
  amountMinor: number;
  currency: string;
  lines: RefundedLine[];
  restocked: boolean;
  reason: string;
  paymentIntentId: string | null;
  paymentTransferId: string | null;
}

const CARD_REFUND_COLUMNS = `id, order_id as "orderId", kind, status, amount_minor as "amountMinor", currency, lines, restocked, reason,
  payment_intent_id as "paymentIntentId", payment_transfer_id as "paymentTransferId"`;

/**
 * Refunds (docs/orders.md, "Refunds"). Wallet money goes back in the transaction that records the
 * refund, with the order's lines, totals, stock and status. Card money goes back in three steps, none of
 * which holds a transaction or a lock while the card processor is asked: the refund is recorded as an
 * intent (`pending`, with its `order.card_refund` job) and committed; the job asks the processor, keyed by
 * the refund id; the outcome is recorded. Only a success changes the order (lines, totals, stock,
 * status) and the ledger; a refusal leaves them as they were and says why in the order's history.
 */
export class OrderRefundsService {
  constructor(
    private readonly database: Database,
    private readonly ledger: OrderLedger,
    private readonly cardRefunder: () => CardRefunder | null,
    private readonly logger: ServiceLogger = silentLogger,
  ) {}

  async refund(actor: MerchantActor, orderId: string, input: RefundCreateInput & { idempotencyKey: string }): Promise<{ replayed: boolean }> {
    const request: RefundRequest = { lines: input.lines ?? null, amountMinor: input.amountMinor ?? null, reason: input.reason ?? '' };
    const key = input.idempotencyKey;
    const { replayed } = await runIdempotent<void>({
      key,
      request,
      find: (existingKey) => this.findEarlier(actor, orderId, existingKey),
      perform: () =>
        withPoolTransaction(this.database.pool, async (client) => {
          const order = await lockOrder(client, orderId, { merchantId: actor.merchantId });
          if (!order) throw new OrderNotFoundError(orderId);
          // A twin with this key committed while this one waited for the order's lock.
          const twin = await client.query('select 1 from order_refund where order_id = $1 and idempotency_key = $2', [order.id, key]);
          if (twin.rowCount) throw new IdempotencyRaceLost();
          if (!REFUNDABLE_STATUSES.has(order.status)) throw new InvalidOrderTransitionError(order.status, 'refunded');
          const lines = await loadLines(client, order.id);
          const committed = await withPendingRefunds(client, order, lines);
          const plan = planRefund(committed.order, committed.lines, { ...(input.lines ? { lines: input.lines } : {}), ...(input.amountMinor !== undefined ? { amountMinor: input.amountMinor } : {}) });
          const options = { kind: 'refund' as const, reason: request.reason, idempotencyKey: key, request };
          if (order.paymentMethod === 'card') await this.requestCardRefund(client, order, actor, plan, { ...options, restock: !hasShipped(order) && plan.lines.length > 0 });
          else await this.applyWalletRefund(client, order, lines, actor, plan, { ...options, transition: true });
        }),
    });
    return { replayed };
  }

  /**
   * For cancellations: gives back everything that remains, without changing the status (cancel does).
   * The goods go back on the shelf with the cancellation; card money follows when the processor confirms.
   */
  readonly refundRemaining: RefundRemaining = async (client, order, lines, actor, reason) => {
    const committed = await withPendingRefunds(client, order, lines);
    const remainingMinor = committed.order.totalMinor - committed.order.refundedMinor;
    const unrefunded = lines.filter((line) => line.refundedQuantity < line.quantity);
    if (remainingMinor === 0 || order.paymentMethod === 'card') {
      // Goods first: the order is cancelled whatever the card processor says about the money.
      await returnStock(client, order.merchantId, unrefunded.map((line) => ({ variantId: line.variantId, quantity: line.quantity - line.refundedQuantity })), actor, reason);
    }
    if (remainingMinor === 0) return order;
    const plan: RefundPlan = { amountMinor: remainingMinor, lines: remainingLines(committed.lines, remainingMinor) };
    const options = { kind: 'cancellation' as const, reason, idempotencyKey: null, request: { cancellation: true } };
    if (order.paymentMethod === 'card') {
      await this.requestCardRefund(client, order, actor, plan, { ...options, restock: unrefunded.length > 0 });
      return order;
    }
    return this.applyWalletRefund(client, order, lines, actor, plan, { ...options, transition: false });
  };

  /**
   * A card payment that arrived for an order that can no longer take it (called in the Stripe webhook's
   * transaction, which has recorded the money in). Records the refund intent and its job; the card leg
   * gives the money back after the commit, like any card refund. Null when this payment is being returned already.
   */
  async requestLatePaymentRefund(
    client: pg.PoolClient,
    order: Order,
    payment: { paymentIntentId: string; paymentTransferId: string; amountMinor: number; currency: string },
  ): Promise<string | null> {
    const refundId = newId();
    const { actorType, actorId } = eventActor(CARD_REFUND_ACTOR);
    const inserted = await client.query(
      `insert into order_refund (id, order_id, merchant_id, amount_minor, currency, method, status, kind, reason, lines, restocked,
                                 idempotency_key, idempotency_request, actor_type, actor_id, payment_intent_id, payment_transfer_id)
       values ($1, $2, $3, $4, $5, 'card', 'pending', 'late_payment', $6, '[]', false, $7, '{}', $8, $9, $10, $11)
       on conflict (order_id, idempotency_key) do nothing`,
      [
        refundId,
        order.id,
        order.merchantId,
        payment.amountMinor,
        payment.currency,
        `A card payment arrived when the order was ${order.status.replace('_', ' ')}; it is refunded automatically.`,
        `late_payment:${payment.paymentIntentId}`,
        actorType,
        actorId,
        payment.paymentIntentId,
        payment.paymentTransferId,
      ],
    );
    if (inserted.rowCount === 0) return null;
    await addToOutbox(client, {
      type: 'order_refund.created',
      aggregateType: 'order',
      aggregateId: order.id,
      merchantId: order.merchantId,
      payload: { refundId, orderId: order.id, shopperId: order.shopperId, merchantId: order.merchantId, amountMinor: payment.amountMinor, currency: payment.currency, method: 'card', kind: 'late_payment' },
      jobs: [{ name: 'order.card_refund', key: refundId, payload: { refundId } }],
    });
    return refundId;
  }

  /**
   * The card leg of a card refund, run by the `order.card_refund` job and by the sweeper: records the
   * attempt (committed), asks the card processor with the key derived from the refund id, then records
   * the outcome. A crash anywhere leaves the refund `pending` with its last attempt's time, and the next
   * run asks the processor again with the same key, which answers with the refund it made, if any.
   */
  async completeCardRefund(refundId: string): Promise<{ status: 'succeeded' | 'failed' | 'unchanged' }> {
    const { rows } = await this.database.pool.query<CardRefundRow>(`select ${CARD_REFUND_COLUMNS} from order_refund where id = $1`, [refundId]);
    const refund = rows[0];
    if (!refund) throw new OrderNotFoundError(refundId);
    if (refund.status !== 'pending') return { status: 'unchanged' };
    // The attempt is committed before the call: the sweeper sees when the card leg last ran.
    await this.database.pool.query(`update order_refund set attempt_count = attempt_count + 1, last_attempt_at = now(), updated_at = now() where id = $1 and status = 'pending'`, [refundId]);
    const refunder = this.cardRefunder();
    if (!refunder || !refund.paymentIntentId) {
      const error = new Error(`Card refund ${refundId} cannot run: no card processor or payment intent is known.`);
      await this.recordAttemptError(refund, error);
      throw error;
    }

    crashPoint('card_refund.before_provider_call');
    let externalId: string | null;
    try {
      const external = await refunder.refund({
        paymentIntentId: refund.paymentIntentId,
        amountMinor: refund.amountMinor,
        idempotencyKey: cardRefundIdempotencyKey(refundId),
        metadata: { refundId, orderId: refund.orderId, kind: refund.kind },
      });
      externalId = external.id;
    } catch (error) {
      // A late payment someone refunded by hand already: only our books are left to do.
      if (refund.kind === 'late_payment' && error instanceof PaymentAlreadyRefundedError) {
        externalId = null;
      } else if (error instanceof DomainError && error.type !== 'unauthorized') {
        await this.failCardRefund(refund, error);
        return { status: 'failed' };
      } else {
        // Unreachable, rate limited, our own key refused: not the processor's last word. The job retries;
        // once its attempts are spent the sweeper does, and then flags it for an operator.
        await this.recordAttemptError(refund, error);
        throw error;
      }
    }
    crashPoint('card_refund.after_provider_call');
    await this.succeedCardRefund(refund, externalId);
    return { status: 'succeeded' };
  }

  private async findEarlier(actor: MerchantActor, orderId: string, key: string): Promise<EarlierRequest<void> | null> {
    const { rows } = await this.database.pool.query<{ idempotencyRequest: Record<string, unknown> }>(
      `select idempotency_request as "idempotencyRequest" from order_refund where order_id = $1 and merchant_id = $2 and idempotency_key = $3`,
      [orderId, actor.merchantId, key],
    );
    if (!rows[0]) return null;
    return { request: rows[0].idempotencyRequest, answer: async () => undefined };
  }

  /** A card refund's intent: the refund row (pending), an order event, the job. The order itself is untouched. */
  private async requestCardRefund(
    client: pg.PoolClient,
    order: Order,
    actor: Actor,
    plan: RefundPlan,
    options: { kind: Exclude<RefundKind, 'late_payment'>; reason: string; idempotencyKey: string | null; request: Record<string, unknown>; restock: boolean },
  ): Promise<void> {
    assert(order.paymentIntentId, 'a card-paid order knows its payment intent');
    const refundId = newId();
    const { actorType, actorId } = eventActor(actor);
    const inserted = await client.query(
      `insert into order_refund (id, order_id, merchant_id, amount_minor, currency, method, status, kind, reason, lines, restocked,
                                 idempotency_key, idempotency_request, actor_type, actor_id, payment_intent_id, payment_transfer_id)
       values ($1, $2, $3, $4, $5, 'card', 'pending', $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
       on conflict (order_id, idempotency_key) do nothing`,
      [
        refundId,
        order.id,
        order.merchantId,
        plan.amountMinor,
        order.currency,
        options.kind,
        options.reason,
        JSON.stringify(plan.lines),
        options.restock,
        options.idempotencyKey,
        JSON.stringify(options.request),
        actorType,
        actorId,
        order.paymentIntentId,
        order.paymentTransferId,
      ],
    );
    if (inserted.rowCount === 0) throw new IdempotencyRaceLost();
    // A settled order's shares come back from the merchant and the platform into escrow now, so the card
    // leg pays out of escrow later; a merchant short of its share is a 422 and the intent is not kept.
    if (order.settledAt) await recordRefundMoney(client, this.ledger, order, { refundId, amountMinor: plan.amountMinor });
    await insertOrderEvent(client, order, actor, {
      type: 'refund_requested',
      fromStatus: order.status,
      toStatus: order.status,
      note: options.reason,
      data: { refundId, amountMinor: plan.amountMinor, method: 'card', kind: options.kind, lines: plan.lines },
    });
    await addToOutbox(client, {
      type: 'order_refund.created',
      aggregateType: 'order',
      aggregateId: order.id,
      merchantId: order.merchantId,
      payload: { refundId, orderId: order.id, shopperId: order.shopperId, merchantId: order.merchantId, amountMinor: plan.amountMinor, currency: order.currency, method: 'card', kind: options.kind },
      jobs: [{ name: 'order.card_refund', key: refundId, payload: { refundId } }],
    });
  }

  /** Wallet money: the refund, the order's change and the ledger's reversal, in the caller's transaction. */
  private async applyWalletRefund(
    client: pg.PoolClient,
    order: Order,
    lines: OrderLine[],
    actor: Actor,
    plan: RefundPlan,
    options: { kind: Exclude<RefundKind, 'late_payment'>; transition: boolean; reason: string; idempotencyKey: string | null; request: Record<string, unknown> },
  ): Promise<Order> {
    assert(order.paymentMethod === 'wallet' && order.paymentTransferId, 'a wallet-paid order knows its payment transfer');
    const refundId = newId();
    const restock = !hasShipped(order) && plan.lines.length > 0;
    const { actorType, actorId } = eventActor(actor);
    const inserted = await client.query(
      `insert into order_refund (id, order_id, merchant_id, amount_minor, currency, method, status, kind, reason, lines, restocked,
                                 idempotency_key, idempotency_request, actor_type, actor_id, payment_transfer_id)
       values ($1, $2, $3, $4, $5, 'wallet', 'succeeded', $6, $7, $8, $9, $10, $11, $12, $13, $14)
       on conflict (order_id, idempotency_key) do nothing`,
      [
        refundId,
        order.id,
        order.merchantId,
        plan.amountMinor,
        order.currency,
        options.kind,
        options.reason,
        JSON.stringify(plan.lines),
        restock,
        options.idempotencyKey,
        JSON.stringify(options.request),
        actorType,
        actorId,
        order.paymentTransferId,
      ],
    );
    if (inserted.rowCount === 0) throw new IdempotencyRaceLost();
    const updated = await applyRefundToOrder(client, order, lines, actor, {
      refundId,
      plan,
      method: 'wallet',
      restock,
      transition: options.transition,
      note: options.reason,
    });
    await addToOutbox(client, {
      type: 'order_refund.succeeded',
      aggregateType: 'order',
      aggregateId: order.id,
      merchantId: order.merchantId,
      payload: { refundId, orderId: order.id, shopperId: order.shopperId, merchantId: order.merchantId, amountMinor: plan.amountMinor, currency: order.currency, method: 'wallet', kind: options.kind },
    });

    // Last: the ledger's account locks are held until this transaction commits. Settled orders take the
    // money back from the merchant first (docs/orders.md §10).
    await recordRefundMoney(client, this.ledger, order, { refundId, amountMinor: plan.amountMinor });
    return updated;
  }

  /** The processor gave the money back: now the order, its lines and stock change, with the ledger, once. */
  private async succeedCardRefund(refund: CardRefundRow, externalId: string | null): Promise<void> {
    const legs = refund.paymentTransferId
      ? await this.ledger.recipes.refund({ eventId: refund.id, paymentTransferId: refund.paymentTransferId, amountMinor: refund.amountMinor, ...(externalId ? { refundId: externalId } : { refundId: refund.id }) })
      : [];
    await withPoolTransaction(this.database.pool, async (client) => {
      const order = await lockOrder(client, refund.orderId, {});
      assert(order, 'a refund belongs to an order');
      const updated = await client.query(
        `update order_refund set status = 'succeeded', external_reference = $2, last_error = null, updated_at = now() where id = $1 and status = 'pending'`,
        [refund.id, externalId],
      );
      // Another run (the job and the sweeper at once) recorded it first.
      if (updated.rowCount !== 1) return;
      if (refund.kind === 'late_payment') {
        const data = { refundId: refund.id, paymentIntentId: refund.paymentIntentId, stripeRefundId: externalId, amountMinor: refund.amountMinor, currency: refund.currency, method: 'card', latePayment: true };
        await insertOrderEvent(client, order, CARD_REFUND_ACTOR, { type: 'refunded', fromStatus: order.status, toStatus: order.status, note: refund.reason, data });
        await addToOutbox(client, {
          type: 'order.late_payment_refunded',
          aggregateType: 'order',
          aggregateId: order.id,
          merchantId: order.merchantId,
          payload: { ...orderEventPayload(order, order.status), merchantId: order.merchantId, ...data },
        });
      } else {
        const lines = await loadLines(client, order.id);
        const transition = refund.kind === 'refund' && REFUNDABLE_STATUSES.has(order.status);
        // Restocked with a cancellation already, or the goods left meanwhile: nothing goes back to the shelf here.
        const restock = refund.kind === 'refund' && refund.restocked && !hasShipped(order) && order.status !== 'cancelled';
        // `restocked` says what happened: a merchant refund whose goods left meanwhile put nothing back.
        if (refund.kind === 'refund' && restock !== refund.restocked) await client.query('update order_refund set restocked = $2 where id = $1', [refund.id, restock]);
        await applyRefundToOrder(client, order, lines, CARD_REFUND_ACTOR, {
          refundId: refund.id,
          plan: { amountMinor: refund.amountMinor, lines: refund.lines },
          method: 'card',
          restock,
          transition,
          note: refund.reason,
        });
      }
      await addToOutbox(client, {
        type: 'order_refund.succeeded',
        aggregateType: 'order',
        aggregateId: order.id,
        merchantId: order.merchantId,
        payload: { refundId: refund.id, orderId: order.id, shopperId: order.shopperId, merchantId: order.merchantId, amountMinor: refund.amountMinor, currency: refund.currency, kind: refund.kind },
      });
      // Last: the ledger's account locks are held until this transaction commits.
      await this.ledger.recordInTransaction(client, legs);
    });
  }

  /**
   * The processor refused for good. The order, lines and stock were never changed for this refund, so
   * they stay as they were; the order's history says why. Money that a cancellation or a late payment
   * owes the shopper cannot be left at that: those are flagged for an operator.
   */
  private async failCardRefund(refund: CardRefundRow, error: DomainError): Promise<void> {
    const owedToShopper = refund.kind !== 'refund';
    this.logger.warn({ refundId: refund.id, orderId: refund.orderId, kind: refund.kind, amountMinor: refund.amountMinor, code: error.code, err: error }, 'card refund refused by the card processor');
    await withPoolTransaction(this.database.pool, async (client) => {
      const order = await lockOrder(client, refund.orderId, {});
      assert(order, 'a refund belongs to an order');
      const updated = await client.query(
        `update order_refund
            set status = 'failed', failure_code = $2, failure_message = $3, last_error = $4, updated_at = now(),
                restocked = case when kind = 'refund' then false else restocked end,
                needs_attention_at = case when $5::boolean then now() end, attention_reason = case when $5::boolean then 'card_refund_refused' end
          where id = $1 and status = 'pending'`,
        [refund.id, error.code, error.message, describeError(error), owedToShopper],
      );
      if (updated.rowCount !== 1) return;
      // What a settled order's refund took back from the merchant and the platform goes back to them.
      const recipes = recipesOn(client, this.ledger);
      const undo = await recipes.settlementReversalUndo({ eventId: `${refund.id}:refused`, refundId: refund.id });
      // And what it took back from a referrer's wallet goes back to it, after the merchant has its share again (docs/social.md §4).
      const commissionUndo = await recipes.referralCommissionReversalUndo({ eventId: `${refund.id}:refused`, refundId: refund.id });
      if (undo.length || commissionUndo.length) await this.ledger.recordInTransaction(client, linkAll([...undo, ...commissionUndo]));
      await undoCommissionTakeBack(client, order.id, commissionUndo[0]?.amountMinor ?? 0);
      const amount = `${refund.amountMinor} ${refund.currency} (minor units)`;
      await insertOrderEvent(client, order, CARD_REFUND_ACTOR, {
        type: 'refund_failed',
        fromStatus: order.status,
        toStatus: order.status,
        note: owedToShopper
          ? `The card refund of ${amount} was refused by the card processor (${error.code}: ${error.message}); an operator has been asked to return the money.`
          : `The card refund of ${amount} was refused by the card processor (${error.code}: ${error.message}); the order, its lines and stock are unchanged.`,
        data: { refundId: refund.id, amountMinor: refund.amountMinor, kind: refund.kind, failureCode: error.code },
      });
      await addToOutbox(client, {
        type: 'order_refund.failed',
        aggregateType: 'order',
        aggregateId: order.id,
        merchantId: order.merchantId,
        payload: { refundId: refund.id, orderId: order.id, shopperId: order.shopperId, merchantId: order.merchantId, amountMinor: refund.amountMinor, currency: refund.currency, kind: refund.kind, failureCode: error.code },
      });
    });
  }

  private async recordAttemptError(refund: CardRefundRow, error: unknown): Promise<void> {
    this.logger.error({ refundId: refund.id, orderId: refund.orderId, kind: refund.kind, amountMinor: refund.amountMinor, err: error }, 'card refund attempt failed; it stays pending for a retry');
    await this.database.pool.query(`update order_refund set last_error = $2, updated_at = now() where id = $1 and status = 'pending'`, [refund.id, describeError(error)]);
  }
}

/**
 * The order and its lines as the next refund must see them: with every pending card refund counted as
 * given back already, so that two refunds waiting for the processor can never promise more than was paid.
 * Called with the order locked (refunds are only recorded under that lock).
 */
async function withPendingRefunds(client: Queryable, order: Order, lines: OrderLine[]): Promise<{ order: Order; lines: OrderLine[] }> {
  const { rows } = await client.query<{ amountMinor: number; lines: RefundedLine[] }>(
    `select amount_minor as "amountMinor", lines from order_refund where order_id = $1 and status = 'pending' and kind <> 'late_payment'`,
    [order.id],
  );
  if (!rows.length) return { order, lines };
  const pendingByLine = new Map<string, { quantity: number; amountMinor: number }>();
  for (const pending of rows) {
    for (const line of pending.lines) {
      const sum = pendingByLine.get(line.lineId) ?? { quantity: 0, amountMinor: 0 };
      pendingByLine.set(line.lineId, { quantity: sum.quantity + line.quantity, amountMinor: sum.amountMinor + line.amountMinor });
    }
  }
  return {
    order: { ...order, refundedMinor: order.refundedMinor + rows.reduce((sum, pending) => sum + Number(pending.amountMinor), 0) },
    lines: lines.map((line) => {
      const pending = pendingByLine.get(line.id);
      return pending ? { ...line, refundedQuantity: line.refundedQuantity + pending.quantity, refundedMinor: line.refundedMinor + pending.amountMinor } : line;
    }),
  };
}

/** The order's side of a refund that has happened: lines, stock, the refunded total, the status and its event. */
async function applyRefundToOrder(
  client: pg.PoolClient,
  order: Order,
  lines: OrderLine[],
  actor: Actor,
  refund: { refundId: string; plan: RefundPlan; method: 'wallet' | 'card'; restock: boolean; transition: boolean; note: string },
): Promise<Order> {
  const { plan } = refund;
  if (plan.lines.length) {
    await client.query(
      `update order_line line set refunded_quantity = line.refunded_quantity + r.quantity, refunded_minor = line.refunded_minor + r.amount_minor
         from unnest($1::uuid[], $2::int[], $3::bigint[]) as r(line_id, quantity, amount_minor)
        where line.id = r.line_id`,
      [plan.lines.map((line) => line.lineId), plan.lines.map((line) => line.quantity), plan.lines.map((line) => line.amountMinor)],
    );
  }
  if (refund.restock) {
    const variantByLine = new Map(lines.map((line) => [line.id, line.variantId]));
    const stockLines = plan.lines.map((line) => ({ variantId: variantByLine.get(line.lineId) as string, quantity: line.quantity }));
    await returnStock(client, order.merchantId, stockLines, actor, `refund of order #${order.number}`);
  }
  const refundedMinor = order.refundedMinor + plan.amountMinor;
  const eventData = { refundId: refund.refundId, amountMinor: plan.amountMinor, method: refund.method, lines: plan.lines, restocked: refund.restock };
  if (refund.transition) {
    const to: OrderStatus = refundedMinor === order.totalMinor ? 'refunded' : 'partially_refunded';
    return recordTransition(client, order, to, actor, { eventType: 'refunded', refundedMinor, note: refund.note, data: eventData });
  }
  const { rows } = await client.query<{ refundedMinor: number; updatedAt: Date }>(
    `update shop_order set refunded_minor = $2, updated_at = now() where id = $1 returning refunded_minor as "refundedMinor", updated_at as "updatedAt"`,
    [order.id, refundedMinor],
  );
  await insertOrderEvent(client, order, actor, { type: 'refunded', fromStatus: order.status, toStatus: order.status, note: refund.note, data: eventData });
  return { ...order, ...rows[0] };
}
