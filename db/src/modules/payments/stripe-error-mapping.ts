import type Stripe from 'stripe';
import { loadStripe } from './stripe-sdk.ts';
import {
  CardDeclinedError,
  PaymentAlreadyRefundedError,
  PaymentAmountTooLargeError,
  PaymentAmountTooSmallError,
  PaymentIdempotencyConflictError,
  PaymentIntentStateError,
  PaymentProviderRejectedError,
  PaymentProviderResourceMissingError,
  PaymentProviderUnavailableError,
  RefundExceedsRemainingError,
} from './payments.errors.ts';

/** Which gateway call failed: Stripe's `amount_too_large` means "over the maximum" on a payment but "over what is left" on a refund. */
export type GatewayOperation = 'create_payment_intent' | 'retrieve_payment_intent' | 'cancel_payment_intent' | 'refund';

function invalidRequestError(error: Stripe.errors.StripeError, operation: GatewayOperation): Error {
  switch (error.code) {
    case 'resource_missing':
      return new PaymentProviderResourceMissingError(error.message);
    case 'amount_too_small':
      return new PaymentAmountTooSmallError(error.message);
    case 'amount_too_large':
      return operation === 'refund' ? new RefundExceedsRemainingError(error.message) : new PaymentAmountTooLargeError(error.message);
    case 'charge_already_refunded':
      return new PaymentAlreadyRefundedError(error.message);
    case 'payment_intent_unexpected_state':
      return new PaymentIntentStateError(error.message);
    default:
      return new PaymentProviderRejectedError(error.message, error.code ?? null);
  }
}

/**
 * Turns what the SDK throws into our error shapes with stable codes. Declines and refused requests become
 * DomainErrors (answered 4xx, never retried by jobs); outages and bad credentials stay plain errors (500,
 * retried), because trying again later can succeed.
 */
export function mapStripeError(error: unknown, operation: GatewayOperation): Error {
  const { errors } = loadStripe();
  if (!(error instanceof errors.StripeError)) return error instanceof Error ? error : new Error(String(error));
  if (error instanceof errors.StripeCardError) return new CardDeclinedError(error.message, error.decline_code ?? null);
  if (error instanceof errors.StripeIdempotencyError) return new PaymentIdempotencyConflictError(error.message);
  if (error instanceof errors.StripeInvalidRequestError) return invalidRequestError(error, operation);
  if (error instanceof errors.StripeAuthenticationError || error instanceof errors.StripePermissionError) {
    return new PaymentProviderUnavailableError('payment_provider_misconfigured', `Stripe refused our credentials: ${error.message}`, { cause: error });
  }
  return new PaymentProviderUnavailableError('payment_provider_unavailable', `Stripe is unavailable: ${error.message}`, { cause: error });
}
