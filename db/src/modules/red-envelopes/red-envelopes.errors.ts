import { BusinessRuleError, ConflictError } from '../../errors.ts';

/** Every share is taken: 409, nothing moves. */
export class RedEnvelopeExhaustedError extends ConflictError {
  constructor() {
    super('red_envelope_exhausted', 'Every share of this red envelope has been claimed.');
  }
}

/** The envelope's deadline passed: what was left goes back to the sender. */
export class RedEnvelopeExpiredError extends BusinessRuleError {
  constructor() {
    super('red_envelope_expired', 'This red envelope has expired.');
  }
}
