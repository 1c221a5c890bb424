import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { AmountMinor, Timestamp, Uuid } from '../../schema-types.ts';
import { CardPaymentStartBody } from '../payments/payments.schemas.ts';
import { CurrencyCodeSchema } from '../shops/shops.schemas.ts';
import { WALLET_TOP_UP_STATUSES } from './wallet-top-up.entity.ts';

const Nullable = <Schema extends TSchema>(schema: Schema) => Type.Union([schema, Type.Null()]);

export const WalletQuery = Type.Object({ currency: CurrencyCodeSchema }, { additionalProperties: false });
export type WalletQueryInput = Static<typeof WalletQuery>;

export const WalletBalanceBody = Type.Object(
  {
    currency: CurrencyCodeSchema,
    balanceMinor: AmountMinor,
    /** What can be spent now: the balance less money held for payments awaiting the shopper's confirmation. */
    availableMinor: AmountMinor,
    heldMinor: AmountMinor,
  },
  { $id: 'WalletBalance', additionalProperties: false },
);
export type WalletBalance = Static<typeof WalletBalanceBody>;

export const TopUpCreateBody = Type.Object(
  {
    amountMinor: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'integer amount in the minor unit (e.g. cents)' }),
    currency: CurrencyCodeSchema,
  },
  { additionalProperties: false },
);
export type TopUpCreateInput = Static<typeof TopUpCreateBody>;

export const WalletTopUpBody = Type.Object(
  {
    id: Uuid,
    amountMinor: AmountMinor,
    currency: CurrencyCodeSchema,
    status: Type.Union(WALLET_TOP_UP_STATUSES.map((status) => Type.Literal(status))),
    failureCode: Nullable(Type.String()),
    creditedAt: Nullable(Timestamp),
    createdAt: Timestamp,
  },
  { $id: 'WalletTopUp', additionalProperties: false },
);

/** A started top-up and what Stripe.js needs to confirm it; `payment` is null once the money has arrived. */
export const TopUpStartBody = Type.Object(
  { topUp: WalletTopUpBody, payment: Type.Union([CardPaymentStartBody, Type.Null()]) },
  { $id: 'WalletTopUpStart', additionalProperties: false },
);
