import { Type, type Static } from '@sinclair/typebox';
import { Timestamp, Uuid } from '../../schema-types.ts';

/** A shopper who placed at least one order with the merchant, with what they bought. */
export const CustomerBody = Type.Object(
  {
    id: Uuid,
    displayName: Type.String(),
    orderCount: Type.Integer({ description: 'orders placed, paid or not' }),
    paidOrderCount: Type.Integer(),
    currency: Type.String({ description: 'the currency of the last order' }),
    totalSpentMinor: Type.Integer({ description: 'paid orders net of refunds, in `currency`' }),
    spentByCurrency: Type.Array(Type.Object({ currency: Type.String(), amountMinor: Type.Integer() }), { description: 'the same per currency, for merchants that sell in several' }),
    firstOrderAt: Timestamp,
    lastOrderAt: Timestamp,
  },
  { $id: 'Customer', additionalProperties: false },
);
export type Customer = Static<typeof CustomerBody>;

export const CustomerListFilter = Type.Object(
  {
    id: Type.Optional(Type.Array(Uuid, { maxItems: 500 })),
    q: Type.Optional(Type.String({ maxLength: 200, description: 'searches the display name' })),
    shopId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);
export type CustomerListFilterInput = Static<typeof CustomerListFilter>;
export const CUSTOMER_SORTABLE_FIELDS = ['id', 'displayName', 'orderCount', 'paidOrderCount', 'totalSpentMinor', 'firstOrderAt', 'lastOrderAt'] as const;
