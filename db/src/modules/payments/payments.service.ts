import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Actor } from '../../actor.ts';
import type { Database } from '../../database.ts';
import { ForbiddenError, NotFoundError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { ServiceLogger } from '../../service-logger.ts';
import { PaymentAttemptEntity, type PaymentAttempt, type PaymentPurpose } from './payment-attempt.entity.ts';
import { PaymentEventHandlers, type PaymentEventHandler, type PaymentEventType } from './payment-event-handlers.ts';
import { PaymentIntentProjectionEntity, type PaymentIntentProjection } from './payment-intent.entity.ts';
import { PaymentAlreadySucceededError, PaymentAttemptCanceledError, PaymentAttemptMismatchError, PaymentAttemptNotFoundError, PaymentIntentStateError } from './payments.errors.ts';
import {
  assertValidInput,
  RefundCardPaymentInputSchema,
  StartCardPaymentInputSchema,
  type CardPaymentStart,
  type CardRefund,
  type RefundCardPaymentInput,
  type StartCardPaymentInput,
} from './payments.schemas.ts';
import type { StripeGateway } from './stripe-gateway.ts';
import { StripeWebhookInbox, type WebhookReceipt } from './webhook-inbox.ts';

export function cardPaymentIdempotencyKey(purpose: PaymentPurpose, referenceId: string): string {
  return `${purpose}:${referenceId}`;
}

/** A shopper pays only for themself; a merchant's staff only for their own merchant. */
function assertMayPay(actor: Actor, input: { shopperId: string; merchantId?: string | null }): void {
  if (actor.type === 'shopper' && actor.shopperId !== input.shopperId) throw new ForbiddenError('shopper_mismatch', 'A shopper can only pay for themself.');
  if ((actor.type === 'staff' || actor.type === 'api_key') && input.merchantId !== actor.merchantId) throw new ForbiddenError('merchant_mismatch', 'This payment belongs to another merchant.');
}

/**
 * Card payments through Stripe: starting a payment for an order or a wallet top-up, refunding it, and
 * receiving Stripe's webhooks. What a successful or failed payment means for an order or a wallet is for
 * the handlers that other modules register with `onEvent` (see docs/payments.md).
 */
export class PaymentsService {
  private readonly handlers = new PaymentEventHandlers();
  private readonly inbox: StripeWebhookInbox;

  constructor(
    private readonly database: Database,
    readonly gateway: StripeGateway,
    logger?: ServiceLogger,
  ) {
    this.inbox = new StripeWebhookInbox(database, gateway, this.handlers, logger);
  }

  /** Runs `handler` for every verified Stripe event of this type, inside the event's transaction. Returns an unsubscribe function. */
  onEvent<Type extends PaymentEventType>(type: Type, handler: PaymentEventHandler<Type>): () => void {
    return this.handlers.on(type, handler);
  }

  /** POST /api/webhooks/stripe: verify, store once, apply, dispatch. */
  async receiveWebhook(_actor: Actor, input: { rawBody: Buffer | string; signatureHeader: string | string[] | undefined }): Promise<WebhookReceipt> {
    return this.inbox.receive(input.rawBody, input.signatureHeader);
  }

  /**
   * Starts (or resumes) the card payment for one order or wallet top-up: a payment intent at Stripe,
   * created with the idempotency key `<purpose>:<referenceId>`, and our attempt row. Calling it again for
   * the same thing returns the same intent; with another amount, currency or shopper it is a conflict.
   */
  async startCardPayment(actor: Actor, input: StartCardPaymentInput): Promise<CardPaymentStart> {
    assertValidInput(StartCardPaymentInputSchema, input);
    assertMayPay(actor, input);
    const idempotencyKey = cardPaymentIdempotencyKey(input.purpose, input.referenceId);
    const entityManager = this.database.orm.em.fork();

    // The row is written before Stripe is called: if we crash after Stripe answered, the retry finds the
    // row and sends the same key, and Stripe answers with the intent it already made.
    let attempt = await entityManager.findOne(PaymentAttemptEntity, { idempotencyKey });
    if (!attempt) {
      try {
        attempt = entityManager.create(PaymentAttemptEntity, {
          id: newId(),
          purpose: input.purpose,
          referenceId: input.referenceId,
          merchantId: input.merchantId ?? null,
          shopperId: input.shopperId,
          amountMinor: input.amountMinor,
          currency: input.currency,
          status: 'pending',
          idempotencyKey,
          stripePaymentIntentId: null,
          failureCode: null,
        });
        await entityManager.flush();
      } catch (error) {
        if (!(error instanceof UniqueConstraintViolationException)) throw error;
        entityManager.clear();
        attempt = await entityManager.findOneOrFail(PaymentAttemptEntity, { idempotencyKey });
      }
    }
    const sameRequest =
      attempt.amountMinor === input.amountMinor && attempt.currency === input.currency && attempt.shopperId === input.shopperId && attempt.merchantId === (input.merchantId ?? null);
    if (!sameRequest) throw new PaymentAttemptMismatchError(idempotencyKey);
    if (attempt.status === 'succeeded') throw new PaymentAlreadySucceededError(idempotencyKey);
    if (attempt.status === 'canceled') throw new PaymentAttemptCanceledError(idempotencyKey);

    const intent = attempt.stripePaymentIntentId
      ? await this.gateway.retrievePaymentIntent(attempt.stripePaymentIntentId)
      : await this.gateway.createPaymentIntent({
          amountMinor: attempt.amountMinor,
          currency: attempt.currency,
          idempotencyKey,
          metadata: { purpose: attempt.purpose, reference_id: attempt.referenceId, attempt_id: attempt.id, shopper_id: attempt.shopperId },
          ...(input.description ? { description: input.description } : {}),
        });
    if (!intent.clientSecret) throw new PaymentIntentStateError(`Stripe returned payment intent ${intent.id} without a client secret.`);
    if (!attempt.stripePaymentIntentId) {
      // Only the link is ours to write: the status is the webhooks' to tell, and one may have come first.
      await entityManager.nativeUpdate(PaymentAttemptEntity, { id: attempt.id, stripePaymentIntentId: null }, { stripePaymentIntentId: intent.id, updatedAt: new Date() });
    }
    return { attemptId: attempt.id, paymentIntentId: intent.id, clientSecret: intent.clientSecret, status: attempt.status };
  }

  /**
   * Refunds all or part of a card payment. `refundReference` names the refund (an order refund id), so
   * that a retry of the same refund never refunds twice.
   */
  async refundCardPayment(actor: Actor, input: RefundCardPaymentInput): Promise<CardRefund> {
    assertValidInput(RefundCardPaymentInputSchema, input);
    const attempt = await this.findAttempt(actor, { purpose: input.purpose, referenceId: input.referenceId });
    if (!attempt.stripePaymentIntentId) throw new PaymentIntentStateError(`The card payment for ${attempt.idempotencyKey} has no payment intent to refund.`);
    const refund = await this.gateway.refund({
      paymentIntentId: attempt.stripePaymentIntentId,
      ...(input.amountMinor === undefined ? {} : { amountMinor: input.amountMinor }),
      idempotencyKey: `refund:${attempt.idempotencyKey}:${input.refundReference}`,
      ...(input.reason ? { reason: input.reason } : {}),
      metadata: { purpose: attempt.purpose, reference_id: attempt.referenceId, refund_reference: input.refundReference },
    });
    return { refundId: refund.id, paymentIntentId: attempt.stripePaymentIntentId, amountMinor: refund.amountMinor, currency: refund.currency, status: refund.status };
  }

  /** The attempt for one order or top-up; another merchant's or shopper's answers not found. */
  async findAttempt(actor: Actor, input: { purpose: PaymentPurpose; referenceId: string }): Promise<PaymentAttempt> {
    const idempotencyKey = cardPaymentIdempotencyKey(input.purpose, input.referenceId);
    const attempt = await this.database.orm.em.fork().findOne(PaymentAttemptEntity, { idempotencyKey });
    const visible =
      attempt &&
      (actor.type === 'system' ||
        actor.type === 'operator' ||
        (actor.type === 'shopper' && actor.shopperId === attempt.shopperId) ||
        ((actor.type === 'staff' || actor.type === 'api_key') && actor.merchantId === attempt.merchantId));
    if (!visible) throw new PaymentAttemptNotFoundError(idempotencyKey);
    return attempt;
  }

  /** What Stripe's webhooks said about a payment intent (system and operators only: it is not tenant-scoped). */
  async getPaymentIntent(actor: Actor, paymentIntentId: string): Promise<PaymentIntentProjection> {
    const projection =
      actor.type === 'system' || actor.type === 'operator' ? await this.database.orm.em.fork().findOne(PaymentIntentProjectionEntity, { id: paymentIntentId }) : null;
    if (!projection) throw new NotFoundError('payment_intent', paymentIntentId);
    return projection;
  }
}
