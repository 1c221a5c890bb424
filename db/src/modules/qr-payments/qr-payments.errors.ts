import { BusinessRuleError, ConflictError, DomainError, NotFoundError } from '../../errors.ts';

/** A valid code of this platform, issued for another shop than the one it is used in: bad input, like every refused code. */
export class QrOtherShopError extends DomainError {
  constructor() {
    super('validation', 'qr_other_shop', 'This code belongs to another shop; scan a code of this shop.', { token: 'was issued for another shop' });
  }
}

/** A shopper asked to draw someone else's payment code. */
export class QrOtherShopperError extends DomainError {
  constructor() {
    super('validation', 'qr_other_shopper', 'This payment code belongs to another shopper.', { token: 'is not your payment code' });
  }
}

/** An order code of an order that is paid, cancelled or otherwise past paying: scanning it again pays nothing. */
export class OrderNotAwaitingPaymentError extends ConflictError {
  constructor(status: string) {
    super('order_not_awaiting_payment', `This order is ${status.replace('_', ' ')}; there is nothing to pay.`, { status: `is ${status}` });
  }
}

export class ShopNotOpenError extends BusinessRuleError {
  constructor() {
    super('shop_closed', 'This shop is closed; open it before taking payments in it.', { shopId: 'is closed' });
  }
}

export class PaymentCodeChargeNotFoundError extends NotFoundError {
  constructor(id: string) {
    super('payment_code_charge', id);
  }
}

/** Confirming or declining a charge that was already decided. */
export class PaymentCodeChargeClosedError extends ConflictError {
  constructor(status: string) {
    super('payment_code_charge_closed', `This charge is ${status.replace('_', ' ')}; it can no longer be confirmed or declined.`, { status: `is ${status}` });
  }
}

/** The shopper answered after the confirmation window: the held money has gone back to the wallet. */
export class PaymentCodeChargeExpiredError extends ConflictError {
  constructor() {
    super('payment_code_charge_expired', 'The time to confirm this charge has run out; the money was released. Ask the shop to charge again.', {
      status: 'is expired',
    });
  }
}
