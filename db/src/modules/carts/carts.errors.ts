import { BusinessRuleError, DomainError } from '../../errors.ts';

export class StoreShopNotFoundError extends DomainError {
  constructor(slug: string) {
    super('not_found', 'shop_not_found', `No open shop at "${slug}".`);
  }
}

/** Unknown, of another shop, or of a product the shop does not sell (draft, archived): all look alike. */
export class VariantNotSoldHereError extends DomainError {
  constructor(variantId: string) {
    super('not_found', 'variant_not_found', `Variant ${variantId} is not sold in this shop.`, { variantId: 'is not sold in this shop' });
  }
}

export class CartInsufficientStockError extends BusinessRuleError {
  constructor(variantId: string, availableQuantity: number) {
    super('insufficient_stock', `Only ${availableQuantity} of variant ${variantId} available.`, {
      quantity: `only ${availableQuantity} available`,
      variantId,
    });
  }
}

export class CartFullError extends BusinessRuleError {
  constructor(maxLines: number) {
    super('cart_full', `A cart holds at most ${maxLines} different items; remove one first.`, { variantId: `the cart already has ${maxLines} lines` });
  }
}

export class CartAmountTooLargeError extends BusinessRuleError {
  constructor() {
    super('amount_too_large', 'The cart total would exceed the largest amount the platform handles.', { quantity: 'makes the total too large' });
  }
}
