import { Type, type Static } from '@sinclair/typebox';
import { Timestamp, Uuid } from '../../schema-types.ts';

const Nullable = <Schema extends ReturnType<typeof Type.String>>(schema: Schema) => Type.Union([schema, Type.Null()]);

export const MONEY_RECORD_KINDS = ['order_refund', 'payout', 'wallet_top_up'] as const;
export type MoneyRecordKind = (typeof MONEY_RECORD_KINDS)[number];

/** One refund, payout or top-up that an operator must look at, with why and what was last tried. */
export const MoneyAttentionItemBody = Type.Object(
  {
    kind: Type.Union(MONEY_RECORD_KINDS.map((kind) => Type.Literal(kind))),
    id: Uuid,
    merchantId: Type.Union([Uuid, Type.Null()]),
    amountMinor: Type.Integer(),
    currency: Type.String(),
    status: Type.String(),
    /** retries_exhausted, card_refund_refused, hold_expired, paid_after_hold_expired ... */
    attentionReason: Type.String(),
    needsAttentionAt: Timestamp,
    attemptCount: Type.Integer(),
    lastError: Nullable(Type.String()),
    /** The order of a refund, the provider's reference of a payout, the payment intent of a top-up. */
    referenceId: Nullable(Type.String()),
    createdAt: Timestamp,
  },
  { $id: 'MoneyAttentionItem', additionalProperties: false },
);
export type MoneyAttentionItem = Static<typeof MoneyAttentionItemBody>;

export const MoneyAttentionQuery = Type.Object(
  { kind: Type.Optional(Type.Union(MONEY_RECORD_KINDS.map((kind) => Type.Literal(kind)))) },
  { additionalProperties: false },
);
export type MoneyAttentionQueryInput = Static<typeof MoneyAttentionQuery>;

export const MoneyRecordParams = Type.Object({ kind: Type.Union(MONEY_RECORD_KINDS.map((kind) => Type.Literal(kind))), id: Uuid });

export const MoneyAttentionResolveBody = Type.Object(
  { resolution: Type.String({ minLength: 1, maxLength: 1000, description: 'what the operator did (paid the shopper by bank transfer, confirmed with the provider ...)' }) },
  { additionalProperties: false },
);
export type MoneyAttentionResolveInput = Static<typeof MoneyAttentionResolveBody>;

const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);

/** A refund, payout or top-up's recovery state, as an operator's retry or resolution leaves it. */
export const MoneyRecordStateBody = Type.Object(
  {
    kind: Type.Union(MONEY_RECORD_KINDS.map((kind) => Type.Literal(kind))),
    id: Uuid,
    status: Type.String(),
    attemptCount: Type.Integer(),
    lastError: Nullable(Type.String()),
    needsAttentionAt: NullableTimestamp,
    attentionReason: Nullable(Type.String()),
    attentionResolvedAt: NullableTimestamp,
    attentionResolvedBy: Nullable(Type.String()),
    attentionResolution: Nullable(Type.String()),
  },
  { $id: 'MoneyRecordState', additionalProperties: false },
);
export type MoneyRecordState = Static<typeof MoneyRecordStateBody>;
