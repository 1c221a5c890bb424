import { ArrayType, EntitySchema, type Opt } from '@mikro-orm/core';
import { createdAtColumn, idColumn, updatedAtColumn } from '../../entity-columns.ts';
import type { CurrencyCode } from '../../money.ts';
import type { DeliverySettings, FulfilmentMethod, Position } from '../fulfilment/fulfilment.schemas.ts';

export type ShopStatus = 'open' | 'closed';

export interface Shop {
  id: string;
  merchantId: string;
  /** Unique across the platform; the storefront's address: /api/store/shops/:slug. */
  slug: string;
  name: string;
  description: string;
  currency: CurrencyCode;
  status: ShopStatus;
  /** Origins (scheme://host[:port]) allowed to embed the storefront widget. */
  allowedEmbedOrigins: string[];
  /** What checkout may choose; existing shops offer pickup. */
  fulfilmentMethods: Opt<FulfilmentMethod[]>;
  /** The origin of delivery distances. */
  position: Position | null;
  /** Fee and area rules; required while the shop offers delivery (docs/orders.md §10). */
  delivery: DeliverySettings | null;
  /** Days after delivery until receipt is confirmed automatically (docs/orders.md §10). */
  autoConfirmDays: number;
  /** Commission on attributed orders, in basis points of the goods (docs/social.md §4); 0: none. */
  referralCommissionBasisPoints: Opt<number>;
  /** How long a share link's open attributes orders (last touch wins). */
  referralWindowDays: Opt<number>;
  createdAt: Opt<Date>;
  updatedAt: Opt<Date>;
}

export const ShopEntity = new EntitySchema<Shop>({
  name: 'Shop',
  tableName: 'shop',
  properties: {
    id: idColumn,
    merchantId: { type: 'uuid' },
    slug: { type: 'string', unique: true },
    name: { type: 'string' },
    description: { type: 'text' },
    currency: { type: 'string', length: 3 },
    status: { type: 'string' },
    allowedEmbedOrigins: { type: ArrayType, columnType: 'text[]' },
    fulfilmentMethods: { type: ArrayType, columnType: 'text[]', default: ['pickup'] },
    position: { type: 'json', nullable: true },
    delivery: { type: 'json', nullable: true },
    autoConfirmDays: { type: 'integer' },
    referralCommissionBasisPoints: { type: 'integer', default: 0 },
    referralWindowDays: { type: 'integer', default: 7 },
    createdAt: createdAtColumn,
    updatedAt: updatedAtColumn,
  },
});
