import { EntitySchema, type Opt } from '@mikro-orm/core';
import { createdAtColumn, idColumn, updatedAtColumn } from '../../entity-columns.ts';

export interface Category {
  id: string;
  merchantId: string;
  shopId: string;
  name: string;
  /** Order in the storefront's menu, smallest first. */
  position: number;
  createdAt: Opt<Date>;
  updatedAt: Opt<Date>;
}

export const CategoryEntity = new EntitySchema<Category>({
  name: 'Category',
  tableName: 'category',
  properties: {
    id: idColumn,
    merchantId: { type: 'uuid' },
    shopId: { type: 'uuid' },
    name: { type: 'string' },
    position: { type: 'integer' },
    createdAt: createdAtColumn,
    updatedAt: updatedAtColumn,
  },
});
