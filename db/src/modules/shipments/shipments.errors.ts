import { BusinessRuleError, ConflictError, DomainError, NotFoundError, UnauthorizedError, ValidationError } from '../../errors.ts';

export class ShipmentNotFoundError extends NotFoundError {
  constructor(id: string) {
    super('shipment', id);
  }
}

export class CourierNotFoundError extends NotFoundError {
  constructor(id: string) {
    super('courier', id);
  }
}

export class OrderNotShippableError extends BusinessRuleError {
  constructor(status: string) {
    super('order_not_shippable', `An order that is ${status} cannot ship: it must be paid and neither cancelled, refunded nor delivered.`, { orderId: `is ${status}` });
  }
}

export class NothingToShipError extends BusinessRuleError {
  constructor() {
    super('nothing_to_ship', 'Every unit of this order is already in a shipment (or refunded).', { lines: 'nothing left to ship' });
  }
}

export class ShipmentQuantityExceededError extends BusinessRuleError {
  constructor(field: string, remaining: number) {
    super('shipment_quantity_exceeded', `Only ${remaining} unit(s) of this line are left to ship.`, { [field]: `at most ${remaining}` });
  }
}

export class TrackingNumberTakenError extends ConflictError {
  constructor() {
    super('tracking_number_taken', 'A shipment with this carrier and tracking number exists already.', { trackingNumber: 'is already used with this carrier' });
  }
}

export class ShipmentFinalError extends BusinessRuleError {
  constructor(status: string) {
    super('shipment_final', `The shipment is ${status}; nothing more happens to it.`, { status: `is ${status}` });
  }
}

export class InvalidCourierTokenError extends UnauthorizedError {
  constructor() {
    super('invalid_courier_token', 'The courier token is unknown, rotated or its courier is inactive; ask the shop for a new one.');
  }
}

/** A carrier webhook whose signature or timestamp does not hold: nothing was stored. */
export class CarrierSignatureError extends DomainError {
  constructor(code: 'missing_signature' | 'invalid_signature' | 'unknown_carrier', message: string) {
    super('unauthorized', code, message);
  }
}

export class CarrierTimestampError extends ValidationError {
  constructor(header: string, message: string) {
    super({ [header]: message }, 'stale_timestamp');
  }
}

export class CarrierPayloadError extends ValidationError {
  constructor(field: string, message: string) {
    super({ [field]: message }, 'invalid_carrier_event');
  }
}
