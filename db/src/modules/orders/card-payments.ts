import type pg from 'pg';
import type Stripe from 'stripe';
import type { Actor, ShopperActor } from '../../actor.ts';
import type { Database } from '../../database.ts';
import { BusinessRuleError } from '../../errors.ts';
import { addToOutbox } from '../../outbox/outbox.ts';
import { legId } from '../ledger/ledger-recipes.ts';
import type { LedgerService } from '../ledger/ledger.service.ts';
import type { PaymentAttempt } from '../payments/payment-attempt.entity.ts';
import type { PaymentEventContext } from '../payments/payment-event-handlers.ts';
import type { CardPaymentStart } from '../payments/payments.schemas.ts';
import type { PaymentsService } from '../payments/payments.service.ts';
import type { Order } from './order.entity.ts';
import { findOrder } from './order-reads.ts';
import { loadLines, lockOrder, recordTransition } from './order-records.ts';
import { InvalidOrderTransitionError, OrderNotFoundError, PaymentWindowClosedError } from './orders.errors.ts';
import { commitStock } from './stock-reservations.ts';

const WEBHOOK_ACTOR: Actor = { type: 'system', process: 'stripe-webhook' };

export type OrderCardPaymentStart = CardPaymentStart & { orderId: string };

/** Where a late payment's refund is recorded (OrdersService): the refunds' own intent and card leg. */
export interface LatePaymentRefunds {
  requestLatePaymentRefund(
    client: pg.PoolClient,
    order: Order,
    payment: { paymentIntentId: string; paymentTransferId: string; amountMinor: number; currency: string },
  ): Promise<string | null>;
}

/**
 * Orders paid by card (docs/qr-checkout.md §1). The shopper starts a Stripe payment intent for the
 * order; only Stripe's verified webhook pays it (card clearing -> escrow), inside the webhook's own
 * transaction, so a redelivered or reordered event can never pay twice. Money that arrives for an order
 * that can no longer take it (cancelled, or paid by wallet meanwhile) goes straight back to the card.
 */
export class OrderCardPayments {
  constructor(private readonly dependencies: { database: Database; ledger: LedgerService; payments: PaymentsService; refunds: LatePaymentRefunds }) {
    dependencies.payments.onEvent('payment_intent.succeeded', (context) => this.onSucceeded(context));
    dependencies.payments.onEvent('payment_intent.payment_failed', (context) => this.onFailed(context));
  }

  /** Starts (or resumes) the card payment of one of the shopper's unpaid orders; Stripe's key is `order:<id>`. */
  async start(actor: ShopperActor, orderId: string, now: Date = new Date()): Promise<OrderCardPaymentStart> {
    const order = await findOrder(this.dependencies.database.pool, orderId, { shopperId: actor.shopperId });
    if (!order) throw new OrderNotFoundError(orderId);
    if (order.status !== 'pending_payment') throw new InvalidOrderTransitionError(order.status, 'paid');
    if (order.paymentDueAt.getTime() <= now.getTime()) throw new PaymentWindowClosedError();
    if (order.totalMinor === 0) throw new BusinessRuleError('nothing_to_pay', 'This order is free; confirm it with a wallet payment instead.');
    const started = await this.dependencies.payments.startCardPayment(actor, {
      purpose: 'order',
      referenceId: order.id,
      amountMinor: order.totalMinor,
      currency: order.currency,
      shopperId: order.shopperId,
      merchantId: order.merchantId,
      description: `Order #${order.number}`,
    });
    return { orderId: order.id, ...started };
  }

  /** Where the order's card payment stands (the failure code of a declined card included). */
  async status(actor: ShopperActor, orderId: string): Promise<PaymentAttempt> {
    const order = await findOrder(this.dependencies.database.pool, orderId, { shopperId: actor.shopperId });
    if (!order) throw new OrderNotFoundError(orderId);
    return this.dependencies.payments.findAttempt(actor, { purpose: 'order', referenceId: order.id });
  }

  /**
   * Not gated on `isLatest`: success is final at Stripe, and a `charge.succeeded` that came first makes
   * this event look stale to the projection. The order's own state makes a second run a no-op.
   */
  private async onSucceeded({ attempt, object: intent, transaction }: PaymentEventContext<'payment_intent.succeeded'>): Promise<void> {
    if (attempt?.purpose !== 'order') return;
    const order = await lockOrder(transaction, attempt.referenceId, {});
    // An attempt started outside checkout (the payments module's own tests) names no order: nothing to pay.
    if (!order || order.paymentIntentId === intent.id) return;
    const fitsOrder = order.status === 'pending_payment' && intent.amount_received === order.totalMinor && intent.currency.toUpperCase() === order.currency;
    if (fitsOrder) await this.payOrder(transaction, order, intent);
    else await this.refundLatePayment(transaction, order, attempt, intent);
  }

  /** A declined card: the attempt keeps Stripe's code (payments module); the widget hears of it through the outbox. */
  private async onFailed({ attempt, object: intent, transaction, isLatest }: PaymentEventContext<'payment_intent.payment_failed'>): Promise<void> {
    if (attempt?.purpose !== 'order' || !isLatest) return;
    const order = await lockOrder(transaction, attempt.referenceId, {});
    if (!order || order.status !== 'pending_payment') return;
    const error = intent.last_payment_error;
    await addToOutbox(transaction, {
      type: 'order.card_payment_failed',
      aggregateType: 'order',
      aggregateId: order.id,
      merchantId: order.merchantId,
      payload: {
        orderId: order.id,
        shopperId: order.shopperId,
        paymentIntentId: intent.id,
        failureCode: error?.code ?? 'payment_failed',
        declineCode: error?.decline_code ?? null,
        message: error?.message ?? null,
      },
    });
  }

  private async payOrder(transaction: pg.PoolClient, order: Order, intent: Stripe.PaymentIntent): Promise<void> {
    // The event id is the order's: one payment leg per order, whichever event carries the success.
    const legs = await this.dependencies.ledger.recipes.cardPayment({
      eventId: order.id,
      orderId: order.id,
      currency: order.currency,
      amountMinor: order.totalMinor,
      paymentIntentId: intent.id,
    });
    await commitStock(transaction, order.merchantId, await loadLines(transaction, order.id), WEBHOOK_ACTOR, `order #${order.number}`);
    await recordTransition(transaction, order, 'paid', WEBHOOK_ACTOR, {
      paymentMethod: 'card',
      paymentTransferId: (legs[0] as { id: string }).id,
      paymentIntentId: intent.id,
      data: { paymentIntentId: intent.id },
    });
    // Last: the ledger's account locks are held until the webhook's transaction commits.
    await this.dependencies.ledger.recordInTransaction(transaction, legs);
  }

  /**
   * The money came, but the order cannot take it. In the webhook's transaction the ledger records the
   * money in, and a `late_payment` refund is recorded as an intent with its job; the card processor is
   * asked only after the commit (the order's lock is released by then), like any card refund, and the
   * ledger reverses the payment when it confirms. A second event about the same success finds it done.
   */
  private async refundLatePayment(transaction: pg.PoolClient, order: Order, attempt: PaymentAttempt, intent: Stripe.PaymentIntent): Promise<void> {
    const { ledger, refunds } = this.dependencies;
    const eventId = `late_payment:${intent.id}`;
    const { rowCount } = await transaction.query('select 1 from ledger_transfer where id = $1', [legId(eventId, 'payment')]);
    if (rowCount) return;
    const amountMinor = intent.amount_received;
    const payment = await ledger.recipes.cardPayment({ eventId, orderId: order.id, currency: attempt.currency, amountMinor, paymentIntentId: intent.id });
    await refunds.requestLatePaymentRefund(transaction, order, {
      paymentIntentId: intent.id,
      paymentTransferId: (payment[0] as { id: string }).id,
      amountMinor,
      currency: attempt.currency,
    });
    // Last: the ledger's account locks are held until the webhook's transaction commits.
    await ledger.recordInTransaction(transaction, payment);
  }
}
