import { BusinessRuleError, ConflictError, DomainError, ValidationError } from '../../errors.ts';
import type { OrderStatus } from './order.entity.ts';

export class OrderNotFoundError extends DomainError {
  constructor(id: string) {
    super('not_found', 'order_not_found', `No order with id ${id}.`);
  }
}

export class CheckoutShopNotFoundError extends DomainError {
  constructor(slug: string) {
    super('not_found', 'shop_not_found', `No open shop at "${slug}".`);
  }
}

export class CartEmptyError extends BusinessRuleError {
  constructor() {
    super('cart_empty', 'The cart is empty; add something before checking out.');
  }
}

/** Unknown, or of another shop: both look alike, so a shopper cannot probe other shops' catalogs. */
export class UnknownVariantError extends ValidationError {
  constructor(field: string) {
    super({ [field]: 'is not sold in this shop' }, 'variant_not_found');
  }
}

export class ProductUnavailableError extends BusinessRuleError {
  constructor(fields: Record<string, string>) {
    super('product_unavailable', 'Some products are no longer on sale.', fields);
  }
}

export class InsufficientStockError extends BusinessRuleError {
  constructor(fields: Record<string, string>) {
    super('insufficient_stock', 'Not enough stock for this order.', fields);
  }
}

export class OrderAmountTooLargeError extends BusinessRuleError {
  constructor() {
    super('amount_too_large', 'The order total is larger than any amount the platform can carry.');
  }
}

const VERBS: Partial<Record<OrderStatus, string>> = {
  paid: 'paid',
  packed: 'packed',
  shipped: 'shipped',
  delivered: 'delivered',
  completed: 'completed',
  cancelled: 'cancelled',
  refunded: 'refunded',
  partially_refunded: 'refunded',
};

export class InvalidOrderTransitionError extends ConflictError {
  constructor(from: OrderStatus, to: OrderStatus, reason?: string) {
    super('invalid_order_transition', `An order that is ${from.replace('_', ' ')} cannot be ${VERBS[to] ?? to}${reason ? ` (${reason})` : ''}.`, {
      status: `is ${from}`,
    });
  }
}

/** The merchant's "deliver" verb on an order its shipments carry: their tracking events decide `delivered`. */
export class DeliveryTrackedByShipmentsError extends ConflictError {
  constructor() {
    super(
      'delivery_tracked_by_shipments',
      'This order travels in shipments, which decide when it is delivered: record `delivered` on each shipment (POST /api/admin/shipments/:id/events, or the courier) instead.',
    );
  }
}

export class PaymentWindowClosedError extends BusinessRuleError {
  constructor() {
    super('payment_window_closed', 'The time to pay this order has run out; it is being cancelled and its stock released.');
  }
}

export class RefundExceedsRemainingError extends BusinessRuleError {
  constructor(field: string, remainingMinor: number) {
    super('refund_exceeds_remaining', `The refund is larger than what remains to refund (${remainingMinor}).`, {
      [field]: `exceeds the ${remainingMinor} that remains refundable`,
    });
  }
}

export class RefundNotAllowedError extends BusinessRuleError {
  constructor(code: string, message: string, fields?: Record<string, string>) {
    super(code, message, fields);
  }
}
