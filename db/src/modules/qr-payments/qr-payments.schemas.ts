import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { AmountMinor, Timestamp, Uuid } from '../../schema-types.ts';
import { CurrencyCodeSchema, ShopSlug } from '../shops/shops.schemas.ts';
import { PAYMENT_CODE_CHARGE_STATUSES } from './payment-code-charge.entity.ts';

const Nullable = <Schema extends TSchema>(schema: Schema) => Type.Union([schema, Type.Null()]);

/** A payment code lives this long; the widget shows a fresh one every REFRESH seconds, so a shown code always has time left. */
export const PAYMENT_CODE_LIFETIME_SECONDS = 60;
export const PAYMENT_CODE_REFRESH_SECONDS = 50;

export const ShopSlugParams = Type.Object({ slug: ShopSlug });

/** What a phone or the widget's scanner read: the bare token, or the `${PUBLIC_URL}/s/<token>` link a code is printed as. */
export const ScannedCodeBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 2048, description: 'the scanned text: a token, or the /s/<token> link that carries it' }) },
  { additionalProperties: false },
);
export type ScannedCodeInput = Static<typeof ScannedCodeBody>;

/** Flow 2: an order's payment code. */
export const OrderPaymentQrBody = Type.Object(
  {
    orderId: Uuid,
    token: Type.String(),
    /** What the image encodes. */
    url: Type.String(),
    /** The order's payment deadline: the code stops working with it. */
    expiresAt: Timestamp,
  },
  { $id: 'OrderPaymentQr', additionalProperties: false },
);
export type OrderPaymentQr = Static<typeof OrderPaymentQrBody>;

/** Flow 3: the shopper's payment code for one shop, valid once for PAYMENT_CODE_LIFETIME_SECONDS. */
export const PaymentCodeBody = Type.Object(
  {
    token: Type.String({ description: 'what the image encodes, as is' }),
    shopSlug: Type.String(),
    issuedAt: Timestamp,
    expiresAt: Timestamp,
    refreshAfterSeconds: Type.Integer({ description: 'show a fresh code after this many seconds' }),
  },
  { $id: 'PaymentCode', additionalProperties: false },
);
export type PaymentCode = Static<typeof PaymentCodeBody>;

export const PaymentCodeTokenParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 1024, pattern: '^[A-Za-z0-9_-]+$' }) });

export const PaymentCodeChargeCreateBody = Type.Object(
  {
    shopId: Uuid,
    token: Type.String({ minLength: 1, maxLength: 2048, description: "the scanned payment code, as the shopper's widget shows it" }),
    amountMinor: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: "integer amount in the minor unit of the shop's currency" }),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type PaymentCodeChargeCreateInput = Static<typeof PaymentCodeChargeCreateBody>;

const PaymentCodeChargeStatusSchema = Type.Union(PAYMENT_CODE_CHARGE_STATUSES.map((status) => Type.Literal(status)));

const chargeProperties = {
  id: Uuid,
  shopId: Uuid,
  amountMinor: AmountMinor,
  currency: CurrencyCodeSchema,
  status: PaymentCodeChargeStatusSchema,
  note: Type.String(),
  /** The counter order the charge became, once it succeeded. */
  orderId: Nullable(Uuid),
  confirmBy: Nullable(Timestamp),
  resolvedAt: Nullable(Timestamp),
  createdAt: Timestamp,
};

export const PaymentCodeChargeBody = Type.Object(
  { ...chargeProperties, merchantId: Uuid, shopperId: Uuid, updatedAt: Timestamp },
  { $id: 'PaymentCodeCharge', additionalProperties: false },
);

/** What the shopper's widget shows when asked to confirm: who is charging how much. */
export const StorePaymentCodeChargeBody = Type.Object({ ...chargeProperties, shopName: Type.String(), shopSlug: Type.String() }, { $id: 'StorePaymentCodeCharge', additionalProperties: false });

export const StorePaymentCodeChargeQuery = Type.Object({ status: Type.Optional(PaymentCodeChargeStatusSchema) }, { additionalProperties: false });
export type StorePaymentCodeChargeQueryInput = Static<typeof StorePaymentCodeChargeQuery>;

export const PaymentCodeChargeListFilter = Type.Object(
  {
    id: Type.Optional(Type.Array(Uuid, { maxItems: 500 })),
    status: Type.Optional(Type.Union([PaymentCodeChargeStatusSchema, Type.Array(PaymentCodeChargeStatusSchema, { maxItems: 4 })])),
    shopId: Type.Optional(Uuid),
    shopperId: Type.Optional(Uuid),
    orderId: Type.Optional(Uuid),
    q: Type.Optional(Type.String({ maxLength: 200, description: 'searches the note' })),
  },
  { additionalProperties: false },
);
export type PaymentCodeChargeListFilterInput = Static<typeof PaymentCodeChargeListFilter>;
export const PAYMENT_CODE_CHARGE_SORTABLE_FIELDS = ['createdAt', 'amountMinor', 'status', 'resolvedAt'] as const;
