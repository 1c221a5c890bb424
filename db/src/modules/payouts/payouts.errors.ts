import { BusinessRuleError, ConflictError, ValidationError } from '../../errors.ts';

/** Same code as the ledger's own refusal, so that a client handles both the pre-check and the race alike. */
export class PayoutInsufficientFundsError extends BusinessRuleError {
  constructor(availableMinor: number) {
    super('insufficient_funds', `The payout exceeds the available balance (${availableMinor} in minor units).`, {
      amountMinor: `exceeds the available balance of ${availableMinor}`,
    });
  }
}

/** The provider confirmed a payout that is confirmed already (by another event). */
export class PayoutAlreadyPostedError extends ConflictError {
  constructor(id: string) {
    super('payout_already_posted', `Payout ${id} is already paid out; it cannot be confirmed again.`);
  }
}

/** The provider reported a failure for a payout it had confirmed: the money has left; a return is a new movement. */
export class PayoutPostedCannotFailError extends ConflictError {
  constructor(id: string) {
    super('payout_posted_cannot_fail', `Payout ${id} is already paid out; it can no longer fail.`);
  }
}

export class PayoutAlreadyVoidedError extends ConflictError {
  constructor(id: string) {
    super('payout_already_voided', `Payout ${id} has already failed; its hold is released.`);
  }
}

export class PayoutVoidedCannotPostError extends ConflictError {
  constructor(id: string) {
    super('payout_voided_cannot_post', `Payout ${id} has failed and its money is available again; it cannot be confirmed.`);
  }
}

/** The same provider event id arrived with another body: not a duplicate delivery but a different event. */
export class ProviderEventReusedError extends ConflictError {
  constructor(eventId: string) {
    super('provider_event_reused', `Provider event ${eventId} was received before with a different body.`, { eventId: 'was received before with a different body' });
  }
}

export class UnknownPayoutProviderError extends ValidationError {
  constructor(provider: string) {
    super({ provider: `is not the configured payout provider (${provider})` }, 'unknown_payout_provider');
  }
}

export class LocalProviderRequiredError extends ConflictError {
  constructor(provider: string) {
    super('local_provider_required', `Payouts go through the ${provider} provider; only the local provider can be driven from here.`);
  }
}

/**
 * The provider spoke about a payout whose hold had expired (the money is available to the merchant again):
 * the books cannot follow on their own; the payout is flagged for an operator.
 */
export class PayoutExpiredError extends ConflictError {
  constructor(id: string) {
    super('payout_expired', `Payout ${id} expired before the provider answered; an operator has been asked to settle it.`);
  }
}
