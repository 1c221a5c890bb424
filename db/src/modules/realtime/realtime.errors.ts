import { DomainError, ForbiddenError, ValidationError } from '../../errors.ts';

export class UnknownTopicError extends ValidationError {
  constructor() {
    super({ topic: 'must be "resource/orders", "resource/orders/<order id>" or "resource/payment-code-charges/<shopper id>"' }, 'unknown_topic');
  }
}

export class MerchantStreamForbiddenError extends ForbiddenError {
  constructor() {
    super('merchant_stream_forbidden', 'Only a merchant\'s staff may follow "resource/orders"; shoppers follow "resource/orders/<id>" of their own orders.');
  }
}

export class RealtimeViewerForbiddenError extends ForbiddenError {
  constructor() {
    super('merchant_required', 'Sign in as a shopper, or as staff of a merchant, to follow orders.');
  }
}

export class TooManySubscriptionsError extends DomainError {
  constructor(limit: number) {
    super('business_rule', 'too_many_subscriptions', `A socket may follow at most ${limit} topics; unsubscribe from one first.`);
  }
}

export class ChargesStreamForbiddenError extends ForbiddenError {
  constructor() {
    super('charges_stream_forbidden', 'Only the shopper may follow "resource/payment-code-charges/<shopper id>", with their own id (the `viewer` of `authenticated`).');
  }
}
