import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { AmountMinor, Timestamp, Uuid } from '../../schema-types.ts';
import { AddressSnapshotBody, checkoutFulfilmentProperties, FulfilmentMethodSchema } from '../fulfilment/fulfilment.schemas.ts';
import { CurrencyCodeSchema, ShopSlug } from '../shops/shops.schemas.ts';
import { CANCELLATION_REASONS, ORDER_STATUSES } from './order.entity.ts';

const Nullable = <Schema extends TSchema>(schema: Schema) => Type.Union([schema, Type.Null()]);
const literals = <Values extends readonly string[]>(values: Values) => Type.Union(values.map((value) => Type.Literal(value)));

export const MAX_ORDER_QUANTITY = 99;

export const OrderStatusSchema = literals(ORDER_STATUSES);
export const PaymentMethodSchema = Type.Union([Type.Literal('wallet'), Type.Literal('card')]);
const ActorTypeSchema = literals(['staff', 'api_key', 'operator', 'system', 'shopper'] as const);

export const OrderLineBody = Type.Object(
  {
    id: Uuid,
    position: Type.Integer(),
    variantId: Uuid,
    productId: Uuid,
    sku: Type.String(),
    productTitle: Type.String(),
    variantTitle: Type.String(),
    unitPriceMinor: AmountMinor,
    quantity: Type.Integer(),
    lineTotalMinor: AmountMinor,
    refundedQuantity: Type.Integer(),
    refundedMinor: AmountMinor,
  },
  { additionalProperties: false },
);

const orderProperties = {
  id: Uuid,
  number: Type.Integer({ description: 'human-facing order number' }),
  merchantId: Uuid,
  shopId: Uuid,
  shopperId: Uuid,
  status: OrderStatusSchema,
  currency: CurrencyCodeSchema,
  itemCount: Type.Integer(),
  totalMinor: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'what the shopper pays, in the minor unit: subtotalMinor + deliveryFeeMinor' }),
  subtotalMinor: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'the goods, in the minor unit; the platform fee is taken on this' }),
  deliveryFeeMinor: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: "the delivery fee, in the minor unit, computed by the server from the shop's rules; paid to the merchant" }),
  refundedMinor: AmountMinor,
  fulfilmentMethod: FulfilmentMethodSchema,
  tableLabel: Nullable(Type.String({ description: 'table service: the table, from its signed QR code' })),
  source: Type.Union([Type.Literal('cart'), Type.Literal('buy_now'), Type.Literal('counter'), Type.Literal('group_buy')]),
  paymentMethod: Nullable(PaymentMethodSchema),
  paymentDueAt: Timestamp,
  paidAt: Nullable(Timestamp),
  packedAt: Nullable(Timestamp),
  shippedAt: Nullable(Timestamp),
  deliveredAt: Nullable(Timestamp),
  completedAt: Nullable(Timestamp),
  cancelledAt: Nullable(Timestamp),
  cancellationReason: Nullable(literals(CANCELLATION_REASONS)),
  /** When a delivered order completes unless the shopper confirms receipt first. */
  autoConfirmAt: Nullable(Timestamp),
  /** When the escrow was paid to the merchant. */
  settledAt: Nullable(Timestamp),
  createdAt: Timestamp,
  updatedAt: Timestamp,
};

/** Where a delivery goes: shown to the shopper who placed it and the merchant (not in lists). */
const deliveryProperties = {
  deliveryAddress: Type.Union([AddressSnapshotBody, Type.Null()], { description: 'a copy made at checkout (delivery only)' }),
  deliveryDistanceMeters: Nullable(Type.Integer({ description: 'from the shop, when its rules go by distance' })),
};

/** What the merchant's console adds: what the settlement paid (docs/orders.md §11). */
const settlementProperties = {
  settledGrossMinor: Nullable(AmountMinor),
  platformFeeMinor: Nullable(AmountMinor),
  platformFeeBasisPoints: Nullable(Type.Integer()),
};

/** An order in lists: no lines. */
export const OrderBody = Type.Object({ ...orderProperties, ...settlementProperties }, { $id: 'Order', additionalProperties: false });

export const OrderEventBody = Type.Object(
  {
    id: Uuid,
    type: Type.Union([Type.Literal('status_changed'), Type.Literal('refunded'), Type.Literal('refund_requested'), Type.Literal('refund_failed')]),
    fromStatus: Nullable(OrderStatusSchema),
    toStatus: OrderStatusSchema,
    actorType: ActorTypeSchema,
    actorId: Nullable(Uuid),
    note: Type.String(),
    data: Type.Record(Type.String(), Type.Unknown()),
    createdAt: Timestamp,
  },
  { additionalProperties: false },
);

export const RefundedLineBody = Type.Object({ lineId: Uuid, quantity: Type.Integer(), amountMinor: AmountMinor }, { additionalProperties: false });

export const OrderRefundBody = Type.Object(
  {
    id: Uuid,
    orderId: Uuid,
    amountMinor: AmountMinor,
    currency: CurrencyCodeSchema,
    method: PaymentMethodSchema,
    status: Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]),
    /** refund: a merchant's refund; cancellation: the money of a cancelled order; late_payment: a card payment that came too late. */
    kind: Type.Union([Type.Literal('refund'), Type.Literal('cancellation'), Type.Literal('late_payment')]),
    reason: Type.String(),
    lines: Type.Array(RefundedLineBody),
    restocked: Type.Boolean(),
    /** Why the card processor refused it (status failed). */
    failureCode: Nullable(Type.String()),
    failureMessage: Nullable(Type.String()),
    actorType: ActorTypeSchema,
    actorId: Nullable(Uuid),
    createdAt: Timestamp,
  },
  { $id: 'OrderRefund', additionalProperties: false },
);

/** One order as the console shows it: lines, history and refunds. */
export const OrderDetailBody = Type.Object(
  { ...orderProperties, ...deliveryProperties, ...settlementProperties, lines: Type.Array(OrderLineBody), events: Type.Array(OrderEventBody), refunds: Type.Array(OrderRefundBody) },
  { $id: 'OrderDetail', additionalProperties: false },
);
export type OrderDetail = Static<typeof OrderDetailBody>;

/** One order as its shopper sees it. */
export const StoreOrderBody = Type.Object({ ...orderProperties, ...deliveryProperties, lines: Type.Array(OrderLineBody) }, { $id: 'StoreOrder', additionalProperties: false });


export const CheckoutParams = Type.Object({ slug: ShopSlug });

/** No prices here: the server prices the order from the catalog. */
export const CheckoutBody = Type.Object(
  {
    source: Type.Union([Type.Literal('cart'), Type.Literal('buy_now')], { description: 'the shopper\'s cart in this shop, or one "buy now" line' }),
    variantId: Type.Optional(Uuid),
    quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_ORDER_QUANTITY })),
    ...checkoutFulfilmentProperties,
  },
  { additionalProperties: false },
);
export type CheckoutInput = Static<typeof CheckoutBody>;

export const PayBody = Type.Object({ method: Type.Literal('wallet', { description: 'pay from the shopper\'s wallet' }) }, { additionalProperties: false });
export type PayInput = Static<typeof PayBody>;

export const NoteBody = Type.Object({ note: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false });
export type NoteInput = Static<typeof NoteBody>;

export const ShipBody = Type.Object(
  {
    note: Type.Optional(Type.String({ maxLength: 500 })),
    carrier: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    trackingNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);
export type ShipInput = Static<typeof ShipBody>;

export const RefundCreateBody = Type.Object(
  {
    lines: Type.Optional(
      Type.Array(Type.Object({ lineId: Uuid, quantity: Type.Integer({ minimum: 1, maximum: MAX_ORDER_QUANTITY }) }, { additionalProperties: false }), {
        minItems: 1,
        maxItems: 100,
        description: 'refund these quantities of these lines, at the price paid',
      }),
    ),
    amountMinor: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'refund this amount, not tied to lines' })),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false, description: 'lines, or amountMinor, or neither for everything that remains' },
);
export type RefundCreateInput = Static<typeof RefundCreateBody>;

export const OrderListFilter = Type.Object(
  {
    id: Type.Optional(Type.Array(Uuid, { maxItems: 500 })),
    q: Type.Optional(Type.String({ maxLength: 50, description: 'an order number' })),
    status: Type.Optional(Type.Union([OrderStatusSchema, Type.Array(OrderStatusSchema, { maxItems: 9 })])),
    shopId: Type.Optional(Uuid),
    shopperId: Type.Optional(Uuid),
    paymentMethod: Type.Optional(PaymentMethodSchema),
    fulfilmentMethod: Type.Optional(FulfilmentMethodSchema),
    createdAtFrom: Type.Optional(Type.String({ format: 'date-time' })),
    createdAtTo: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);
export type OrderListFilterInput = Static<typeof OrderListFilter>;
export const ORDER_SORTABLE_FIELDS = ['createdAt', 'number', 'totalMinor', 'status', 'paidAt', 'updatedAt'] as const;

export const StoreOrderListQuery = Type.Object(
  {
    page: Type.Integer({ minimum: 1, default: 1 }),
    pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  },
  { additionalProperties: false },
);
export type StoreOrderListInput = Static<typeof StoreOrderListQuery>;

export const StoreOrderPage = Type.Object(
  { items: Type.Array(OrderBody), page: Type.Integer(), pageSize: Type.Integer(), total: Type.Integer() },
  { additionalProperties: false },
);
