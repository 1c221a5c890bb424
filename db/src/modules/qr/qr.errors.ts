import { ConflictError, DomainError } from '../../errors.ts';

/**
 * A code that fails verification is bad input (400), whatever the reason; the code tells the widget
 * which: not ours or altered, too old, or meant for another flow. An expired code is 400 rather than 410
 * so that every refusal keeps the one error table; the widget tells them apart by code.
 */
export class QrTamperedError extends DomainError {
  constructor() {
    super('validation', 'qr_tampered', 'This QR code was not issued by this platform or has been altered.', { token: 'is not a valid code' });
  }
}

export class QrExpiredError extends DomainError {
  constructor() {
    super('validation', 'qr_expired', 'This QR code has expired; ask for a fresh one.', { token: 'has expired' });
  }
}

export class QrWrongTypeError extends DomainError {
  constructor(actual: string, expected: readonly string[]) {
    super('validation', 'qr_wrong_type', `This is a ${actual} code; a ${expected.join(' or ')} code is needed here.`, { token: `is a ${actual} code` });
  }
}

export class QrAlreadyUsedError extends ConflictError {
  constructor() {
    super('qr_already_used', 'This QR code has already been used; ask for a fresh one.', { token: 'has already been used' });
  }
}
