import { EntitySchema, type Opt } from '@mikro-orm/core';
import { createdAtColumn, idColumn, updatedAtColumn } from '../../entity-columns.ts';

/** A shopper's cart in one shop: at most one per (shopper, shop), kept until the shopper empties it. */
export interface Cart {
  id: string;
  shopperId: string;
  shopId: string;
  merchantId: string;
  createdAt: Opt<Date>;
  updatedAt: Opt<Date>;
}

export const CartEntity = new EntitySchema<Cart>({
  name: 'Cart',
  tableName: 'cart',
  properties: {
    id: idColumn,
    shopperId: { type: 'uuid' },
    shopId: { type: 'uuid' },
    merchantId: { type: 'uuid' },
    createdAt: createdAtColumn,
    updatedAt: updatedAtColumn,
  },
});
