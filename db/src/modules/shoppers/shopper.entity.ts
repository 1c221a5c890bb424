import { EntitySchema, type Opt } from '@mikro-orm/core';
import { createdAtColumn, idColumn, updatedAtColumn } from '../../entity-columns.ts';

/**
 * A person who shops through a chat. Who they are is proven by one or more identities (Telegram, a host
 * chat's token, a guest device); the shopper row is what carts, orders and, later, the wallet point at.
 */
export interface Shopper {
  id: string;
  displayName: string;
  createdAt: Opt<Date>;
  updatedAt: Opt<Date>;
}

export const ShopperEntity = new EntitySchema<Shopper>({
  name: 'Shopper',
  tableName: 'shopper',
  properties: {
    id: idColumn,
    displayName: { type: 'string' },
    createdAt: createdAtColumn,
    updatedAt: updatedAtColumn,
  },
});
