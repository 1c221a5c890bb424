/**
 * Errors in the shape Stripe answers them: an HTTP status and `{ error: { type, code, message, param, ... } }`.
 * `saved` follows Stripe's idempotency rule: a request that failed validation never started executing, so
 * its answer is not kept for the key; an error raised while executing (a decline, an over-refund) is.
 */
export type StripeErrorType = 'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error';

export interface StripeErrorBody {
  type: StripeErrorType;
  code?: string;
  decline_code?: string;
  message: string;
  param?: string;
  doc_url?: string;
  request_log_url?: string;
  charge?: string;
  payment_intent?: unknown;
}

export class StripeApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: StripeErrorBody,
    readonly saved: boolean,
  ) {
    super(body.message);
  }
}

function withDocs(body: StripeErrorBody): StripeErrorBody {
  return body.code ? { ...body, doc_url: `https://stripe.com/docs/error-codes/${body.code.replaceAll('_', '-')}` } : body;
}

/** A parameter is missing, unknown or malformed: 400, not saved for the idempotency key. */
export function invalidParameter(code: string | undefined, message: string, param?: string): StripeApiError {
  return new StripeApiError(400, withDocs({ type: 'invalid_request_error', ...(code ? { code } : {}), message, ...(param ? { param } : {}) }), false);
}

/** The request was valid but the object's state or amounts forbid it: 400, saved for the key. */
export function invalidRequest(code: string, message: string, param?: string): StripeApiError {
  return new StripeApiError(400, withDocs({ type: 'invalid_request_error', code, message, ...(param ? { param } : {}) }), true);
}

export function resourceMissing(kind: string, id: string, param = 'id'): StripeApiError {
  return new StripeApiError(404, withDocs({ type: 'invalid_request_error', code: 'resource_missing', message: `No such ${kind}: '${id}'`, param }), false);
}

export function cardDeclined(code: string, declineCode: string | undefined, message: string, extra: Pick<StripeErrorBody, 'charge' | 'payment_intent'>): StripeApiError {
  return new StripeApiError(402, withDocs({ type: 'card_error', code, ...(declineCode ? { decline_code: declineCode } : {}), message, ...extra }), true);
}

export function idempotencyError(message: string): StripeApiError {
  return new StripeApiError(400, { type: 'idempotency_error', message }, false);
}

export function authenticationError(message: string): StripeApiError {
  return new StripeApiError(401, { type: 'invalid_request_error', message }, false);
}

export function unknownRoute(method: string, path: string): StripeApiError {
  return new StripeApiError(404, { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path}).` }, false);
}
