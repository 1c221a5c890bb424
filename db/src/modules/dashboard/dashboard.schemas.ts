import { Type, type Static } from '@sinclair/typebox';
import { Uuid } from '../../schema-types.ts';
import { CurrencyCodeSchema } from '../shops/shops.schemas.ts';

const DateOrTime = (description: string) =>
  Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2}))?$', description: `${description}: YYYY-MM-DD (midnight UTC) or an ISO 8601 time with its offset` });

const filters = {
  shopId: Type.Optional(Uuid),
  from: Type.Optional(DateOrTime('start of the period, inclusive. Omitted: 30 days before `to`')),
  to: Type.Optional(DateOrTime('end of the period, exclusive. Omitted: the start of tomorrow (UTC)')),
  currency: Type.Optional(CurrencyCodeSchema),
  lowStockThreshold: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 5, description: 'a variant with fewer units available is low' })),
};

export const DashboardQuerystring = Type.Object(filters, { additionalProperties: false });
export const OperatorDashboardQuerystring = Type.Object({ ...filters, merchantId: Type.Optional(Uuid) }, { additionalProperties: false });
export type DashboardQueryInput = Static<typeof OperatorDashboardQuerystring>;

const CurrencyTotal = Type.Object({ currency: Type.String(), count: Type.Integer(), amountMinor: Type.Integer() });

export const DashboardBody = Type.Object(
  {
    from: Type.String({ format: 'date-time' }),
    to: Type.String({ format: 'date-time' }),
    revenueByDay: Type.Array(
      Type.Object({
        day: Type.String({ format: 'date', description: 'UTC day the orders were paid' }),
        currency: Type.String(),
        orderCount: Type.Integer(),
        grossMinor: Type.Integer({ description: 'order totals' }),
        refundedMinor: Type.Integer({ description: 'refunded of those orders so far' }),
        netMinor: Type.Integer({ description: 'gross - refunded' }),
      }),
    ),
    ordersByStatus: Type.Array(Type.Object({ status: Type.String(), count: Type.Integer() }), { description: 'orders placed in the period' }),
    shipmentsWaiting: Type.Object({ count: Type.Integer(), oldestCreatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]) }, { description: 'not yet picked up, whenever made' }),
    lowStock: Type.Object({
      threshold: Type.Integer(),
      count: Type.Integer({ description: 'all low variants of active products' }),
      variants: Type.Array(
        Type.Object({ variantId: Uuid, productId: Uuid, productTitle: Type.String(), sku: Type.String(), title: Type.String(), stockAvailable: Type.Integer() }),
        { description: 'the 20 lowest' },
      ),
    }),
    today: Type.Object({
      day: Type.String({ format: 'date' }),
      payments: Type.Array(CurrencyTotal, { description: 'orders paid today (UTC), their totals' }),
      settlements: Type.Array(CurrencyTotal, { description: "orders settled today (UTC): the merchant's share (gross - platform fee)" }),
    }),
  },
  { $id: 'Dashboard', additionalProperties: false },
);
export type Dashboard = Static<typeof DashboardBody>;
