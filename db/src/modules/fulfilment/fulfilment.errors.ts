import { BusinessRuleError, DomainError, NotFoundError, ValidationError } from '../../errors.ts';

export class AddressNotFoundError extends NotFoundError {
  constructor(id: string) {
    super('address', id);
  }
}

export class AddressBookFullError extends BusinessRuleError {
  constructor(limit: number) {
    super('address_book_full', `An address book holds at most ${limit} addresses; delete one first.`);
  }
}

/** The address (field `address` or `addressId`) is outside the shop's delivery area; the reason says why. */
export class OutsideDeliveryAreaError extends BusinessRuleError {
  constructor(field: 'address' | 'addressId', reason: string) {
    super('outside_delivery_area', `${field}: ${reason}.`, { [field]: reason });
  }
}

export class FulfilmentMethodNotOfferedError extends BusinessRuleError {
  constructor(method: string, offered: readonly string[]) {
    super('fulfilment_method_not_offered', `This shop does not offer ${method}; it offers ${offered.join(', ')}.`, {
      fulfilmentMethod: `is not offered by this shop (it offers ${offered.join(', ')})`,
    });
  }
}

/** A table token that is not valid: the QR module's code (qr_tampered, qr_wrong_type, qr_expired), or another shop's table. */
export class InvalidTableTokenError extends ValidationError {
  constructor(message: string, code = 'invalid_table_token') {
    super({ tableToken: message }, code);
  }

  static from(error: unknown): DomainError {
    if (error instanceof DomainError && error.type === 'validation') return new InvalidTableTokenError(error.fields?.token ?? error.message, error.code);
    throw error;
  }
}
