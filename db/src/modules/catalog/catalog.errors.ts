import { BusinessRuleError, ConflictError, ValidationError } from '../../errors.ts';

/**
 * A body that names a record the merchant does not have (or that belongs to another merchant) is a 400
 * on that field, worded the same either way, so that it reveals nothing about other tenants.
 */
export class UnknownReferenceError extends ValidationError {
  constructor(field: string, message = 'does not exist') {
    super({ [field]: message }, 'unknown_reference');
  }
}

export class SkuTakenError extends ConflictError {
  constructor(sku: string) {
    super('sku_taken', `The SKU "${sku}" is already used by another variant of this merchant.`, { sku: 'is already taken' });
  }
}

export class ProductHasHistoryError extends ConflictError {
  constructor() {
    super('product_has_history', 'Stock of this product has moved since it was created; archive the product instead of deleting it.');
  }
}

export class VariantHasHistoryError extends ConflictError {
  constructor() {
    super('variant_has_history', 'Stock of this variant has moved since it was created; it cannot be deleted.');
  }
}

export class StockReservedError extends ConflictError {
  constructor() {
    super('stock_reserved', 'Open orders hold stock of this item; it cannot be deleted until they are paid or cancelled.');
  }
}

export class InsufficientStockError extends BusinessRuleError {
  constructor(stockOnHand: number, stockReserved: number) {
    super(
      'insufficient_stock',
      `Stock on hand cannot go below the ${stockReserved} reserved unit(s) (it is ${stockOnHand} now).`,
      { quantityDelta: `would leave less than the ${stockReserved} reserved unit(s)` },
    );
  }
}

export class StockLimitExceededError extends BusinessRuleError {
  constructor(maximum: number) {
    super('stock_limit_exceeded', `Stock on hand cannot exceed ${maximum} units.`, { quantityDelta: `would exceed ${maximum} units` });
  }
}
