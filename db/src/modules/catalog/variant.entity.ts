import { EntitySchema, type Opt } from '@mikro-orm/core';
import { createdAtColumn, idColumn, moneyColumn, updatedAtColumn } from '../../entity-columns.ts';

/**
 * A sellable version of a product (size, colour). Its price is in the minor unit of its shop's currency.
 * Stock: `stockOnHand` units are in the building, `stockReserved` of them are held by unpaid orders;
 * the database refuses `stockReserved > stockOnHand` and negative counts.
 */
export interface Variant {
  id: string;
  merchantId: string;
  productId: string;
  sku: string;
  title: string;
  priceMinor: number;
  stockOnHand: number;
  stockReserved: Opt<number>;
  position: number;
  createdAt: Opt<Date>;
  updatedAt: Opt<Date>;
}

export const VariantEntity = new EntitySchema<Variant>({
  name: 'Variant',
  tableName: 'variant',
  properties: {
    id: idColumn,
    merchantId: { type: 'uuid' },
    productId: { type: 'uuid' },
    sku: { type: 'string' },
    title: { type: 'string' },
    priceMinor: moneyColumn(),
    stockOnHand: { type: 'integer' },
    stockReserved: { type: 'integer', default: 0 },
    position: { type: 'integer' },
    createdAt: createdAtColumn,
    updatedAt: updatedAtColumn,
  },
});
