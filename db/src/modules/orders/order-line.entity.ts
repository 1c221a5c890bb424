import { EntitySchema, type Opt } from '@mikro-orm/core';
import { idColumn, moneyColumn } from '../../entity-columns.ts';

/** One variant of an order, with the catalog's title, SKU and price copied at checkout. */
export interface OrderLine {
  id: string;
  orderId: string;
  merchantId: string;
  position: number;
  variantId: string;
  productId: string;
  sku: string;
  productTitle: string;
  variantTitle: string;
  unitPriceMinor: number;
  quantity: number;
  lineTotalMinor: number;
  refundedQuantity: Opt<number>;
  refundedMinor: Opt<number>;
}

export const OrderLineEntity = new EntitySchema<OrderLine>({
  name: 'OrderLine',
  tableName: 'order_line',
  properties: {
    id: idColumn,
    orderId: { type: 'uuid' },
    merchantId: { type: 'uuid' },
    position: { type: 'integer' },
    variantId: { type: 'uuid' },
    productId: { type: 'uuid' },
    sku: { type: 'string' },
    productTitle: { type: 'string' },
    variantTitle: { type: 'string' },
    unitPriceMinor: moneyColumn(),
    quantity: { type: 'integer' },
    lineTotalMinor: moneyColumn(),
    refundedQuantity: { type: 'integer' },
    refundedMinor: moneyColumn(),
  },
});
