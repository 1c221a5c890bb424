import { EntitySchema, type Opt } from '@mikro-orm/core';
import { createdAtColumn, idColumn, updatedAtColumn } from '../../entity-columns.ts';

/** A variant and how many of it. No price: prices are read from the catalog whenever the cart is shown. */
export interface CartLine {
  id: string;
  cartId: string;
  merchantId: string;
  variantId: string;
  quantity: number;
  createdAt: Opt<Date>;
  updatedAt: Opt<Date>;
}

export const CartLineEntity = new EntitySchema<CartLine>({
  name: 'CartLine',
  tableName: 'cart_line',
  properties: {
    id: idColumn,
    cartId: { type: 'uuid' },
    merchantId: { type: 'uuid' },
    variantId: { type: 'uuid' },
    quantity: { type: 'integer' },
    createdAt: createdAtColumn,
    updatedAt: updatedAtColumn,
  },
});
