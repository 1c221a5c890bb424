import { BusinessRuleError, ConflictError, DomainError, NotFoundError, ValidationError } from '../../errors.ts';

/** A webhook whose `Stripe-Signature` is missing or does not match its raw bytes: 400, nothing stored. */
export class WebhookSignatureInvalidError extends DomainError {
  constructor(detail: string) {
    super('validation', 'invalid_signature', `The Stripe-Signature header does not verify this payload: ${detail}`);
  }
}

export class CardDeclinedError extends BusinessRuleError {
  constructor(message: string, readonly declineCode: string | null) {
    super('card_declined', message);
  }
}

/** The same idempotency key was sent to Stripe with other parameters: a bug on our side, never retried. */
export class PaymentIdempotencyConflictError extends ConflictError {
  constructor(message: string) {
    super('payment_idempotency_conflict', message);
  }
}

export class PaymentAmountTooSmallError extends ValidationError {
  constructor(message: string) {
    super({ amountMinor: message }, 'payment_amount_too_small');
  }
}

export class PaymentAmountTooLargeError extends ValidationError {
  constructor(message: string) {
    super({ amountMinor: message }, 'payment_amount_too_large');
  }
}

export class RefundExceedsRemainingError extends BusinessRuleError {
  constructor(message: string) {
    super('refund_exceeds_remaining', message, { amountMinor: 'is more than what is left to refund' });
  }
}

export class PaymentAlreadyRefundedError extends BusinessRuleError {
  constructor(message: string) {
    super('payment_already_refunded', message);
  }
}

/** The payment intent is in a state that does not allow this (refund before success, confirm after cancel). */
export class PaymentIntentStateError extends BusinessRuleError {
  constructor(message: string) {
    super('payment_intent_unexpected_state', message);
  }
}

export class PaymentProviderResourceMissingError extends DomainError {
  constructor(message: string) {
    super('not_found', 'payment_provider_resource_missing', message);
  }
}

/** Stripe refused a request for a reason without a mapping of its own. */
export class PaymentProviderRejectedError extends BusinessRuleError {
  constructor(message: string, readonly providerCode: string | null) {
    super('payment_provider_rejected', message);
  }
}

/**
 * Stripe could not be reached, was rate limiting, failed, or refused our credentials. Deliberately not a
 * DomainError: the API answers 500 and a job retries it, where a DomainError would be a permanent failure.
 */
export class PaymentProviderUnavailableError extends Error {
  override name = 'PaymentProviderUnavailableError';
  constructor(
    readonly code: 'payment_provider_unavailable' | 'payment_provider_misconfigured',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class PaymentAttemptMismatchError extends ConflictError {
  constructor(idempotencyKey: string) {
    super('payment_attempt_mismatch', `A card payment for ${idempotencyKey} already exists with another amount, currency or shopper.`);
  }
}

export class PaymentAlreadySucceededError extends BusinessRuleError {
  constructor(idempotencyKey: string) {
    super('payment_already_succeeded', `The card payment for ${idempotencyKey} has already succeeded.`);
  }
}

export class PaymentAttemptCanceledError extends BusinessRuleError {
  constructor(idempotencyKey: string) {
    super('payment_attempt_canceled', `The card payment for ${idempotencyKey} was canceled; it cannot be paid again.`);
  }
}

export class PaymentAttemptNotFoundError extends NotFoundError {
  constructor(idempotencyKey: string) {
    super('payment_attempt', idempotencyKey);
  }
}

/** A registered handler failed: the event stays unprocessed and Stripe's next delivery runs it again. */
export class WebhookHandlerFailedError extends Error {
  override name = 'WebhookHandlerFailedError';
  constructor(eventId: string, eventType: string, cause: unknown) {
    super(`Handling Stripe event ${eventId} (${eventType}) failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
