import { Type, type Static } from '@sinclair/typebox';
import { Timestamp, Uuid } from '../../schema-types.ts';
import { CurrencyCodeSchema } from '../shops/shops.schemas.ts';

const PositiveAmountMinor = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'integer amount in the minor unit (e.g. cents)' });
const NullableString = Type.Union([Type.String(), Type.Null()]);
const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);
export const PayoutStatusSchema = Type.Union([Type.Literal('pending'), Type.Literal('posted'), Type.Literal('voided'), Type.Literal('expired')]);

export const PayoutBody = Type.Object(
  {
    id: Uuid,
    merchantId: Uuid,
    currency: CurrencyCodeSchema,
    amountMinor: PositiveAmountMinor,
    status: PayoutStatusSchema,
    provider: Type.String(),
    providerReference: NullableString,
    sourceAccountId: Uuid,
    holdTransferId: Uuid,
    resolutionTransferId: Type.Union([Uuid, Type.Null()]),
    failureCode: NullableString,
    failureMessage: NullableString,
    requestedBy: NullableString,
    idempotencyKey: NullableString,
    createdAt: Timestamp,
    updatedAt: Timestamp,
    postedAt: NullableTimestamp,
    voidedAt: NullableTimestamp,
    /** The ledger's hold timed out before the provider answered: the money is available again. */
    expiredAt: NullableTimestamp,
    /** How often the provider was asked, and its last error: a payout it never accepted is retried by the sweeper. */
    attemptCount: Type.Integer(),
    lastError: NullableString,
    /** Set when the sweeper stopped retrying, or the provider spoke after the hold expired: an operator must look. */
    needsAttentionAt: NullableTimestamp,
    attentionReason: NullableString,
  },
  { $id: 'Payout', additionalProperties: false },
);

export const PayoutCreateBody = Type.Object({ amountMinor: PositiveAmountMinor, currency: CurrencyCodeSchema }, { additionalProperties: false });
export type PayoutCreateInput = Static<typeof PayoutCreateBody>;

export const PayoutListFilter = Type.Object(
  {
    id: Type.Optional(Type.Array(Uuid, { maxItems: 500 })),
    status: Type.Optional(PayoutStatusSchema),
    currency: Type.Optional(CurrencyCodeSchema),
    merchantId: Type.Optional(Uuid),
    q: Type.Optional(Type.String({ maxLength: 200, description: 'searches the reference the payout provider gave' })),
  },
  { additionalProperties: false },
);
export type PayoutListFilterInput = Static<typeof PayoutListFilter>;
export const PAYOUT_SORTABLE_FIELDS = ['createdAt', 'amountMinor', 'status', 'currency'] as const;

export const ProviderEventBody = Type.Object(
  {
    provider: Type.String({ minLength: 1, maxLength: 64 }),
    eventId: Type.String({ minLength: 1, maxLength: 200 }),
    type: Type.Union([Type.Literal('payout.paid'), Type.Literal('payout.failed')]),
    providerReference: Type.String({ minLength: 1, maxLength: 200 }),
    failureCode: Type.Optional(Type.String({ maxLength: 100 })),
    failureMessage: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);

export const ProviderEventResultBody = Type.Object(
  {
    outcome: Type.Union([Type.Literal('applied'), Type.Literal('duplicate')], { description: 'duplicate: this event was applied before; nothing changed' }),
    payout: PayoutBody,
  },
  { additionalProperties: false },
);

export const LocalProviderReferenceParams = Type.Object({ providerReference: Type.String({ minLength: 1, maxLength: 200 }) });

export const LocalSettleBody = Type.Object(
  { outcome: Type.Union([Type.Literal('paid'), Type.Literal('failed')]), failureCode: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) },
  { additionalProperties: false },
);
export type LocalSettleInput = Static<typeof LocalSettleBody>;

export const LocalSettleResultBody = Type.Object(
  { event: ProviderEventBody, outcome: ProviderEventResultBody.properties.outcome, payout: PayoutBody },
  { additionalProperties: false },
);

export const ProviderRecordKindSchema = Type.Union([Type.Literal('payout'), Type.Literal('charge'), Type.Literal('refund')]);

export const CardMovementBody = Type.Object(
  {
    kind: Type.Union([Type.Literal('charge'), Type.Literal('refund')]),
    amountMinor: PositiveAmountMinor,
    currency: CurrencyCodeSchema,
    referenceType: Type.String({ minLength: 1, maxLength: 128 }),
    referenceId: Type.String({ minLength: 1, maxLength: 128 }),
    status: Type.Optional(Type.Union([Type.Literal('succeeded'), Type.Literal('failed')])),
  },
  { additionalProperties: false },
);

export const ProviderRecordBody = Type.Object(
  {
    providerReference: Type.String(),
    kind: ProviderRecordKindSchema,
    amountMinor: PositiveAmountMinor,
    currency: Type.String(),
    status: Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]),
    referenceType: NullableString,
    referenceId: NullableString,
    createdAt: Timestamp,
  },
  { additionalProperties: false },
);

export const ReconciliationQuerystring = Type.Object(
  {
    from: Type.String({ format: 'date-time', description: 'start of the period, inclusive (UTC)' }),
    to: Type.String({ format: 'date-time', description: 'end of the period, exclusive (UTC)' }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5_000, default: 500, description: 'items per section and page' })),
    payoutsAfter: Type.Optional(Type.String({ maxLength: 400, description: "the payouts section's nextAfter of the previous page" })),
    cardClearingAfter: Type.Optional(Type.String({ maxLength: 400, description: "the card clearing section's nextAfter of the previous page" })),
  },
  { additionalProperties: false },
);

const MatchStatusSchema = Type.Union(
  ['matched', 'missing_on_our_side', 'missing_at_provider', 'amount_mismatch', 'status_mismatch'].map((status) => Type.Literal(status)),
);
const MatchCounts = Type.Object(
  {
    matched: Type.Integer(),
    missing_on_our_side: Type.Integer(),
    missing_at_provider: Type.Integer(),
    amount_mismatch: Type.Integer(),
    status_mismatch: Type.Integer(),
  },
  { additionalProperties: false },
);
const NullableInteger = Type.Union([Type.Integer(), Type.Null()]);

export const ReconciliationBody = Type.Object(
  {
    provider: Type.String(),
    cardProcessor: Type.String(),
    from: Timestamp,
    to: Timestamp,
    payouts: Type.Object({
      counts: MatchCounts,
      nextAfter: NullableString,
      items: Type.Array(
        Type.Object(
          {
            status: MatchStatusSchema,
            payoutId: Type.Union([Uuid, Type.Null()]),
            merchantId: Type.Union([Uuid, Type.Null()]),
            providerReference: NullableString,
            currency: Type.String(),
            ourAmountMinor: NullableInteger,
            providerAmountMinor: NullableInteger,
            ourStatus: Type.Union([PayoutStatusSchema, Type.Null()]),
            ledgerStatus: NullableString,
            providerStatus: NullableString,
          },
          { additionalProperties: false },
        ),
      ),
    }),
    cardClearing: Type.Object({
      counts: MatchCounts,
      nextAfter: NullableString,
      items: Type.Array(
        Type.Object(
          {
            status: MatchStatusSchema,
            kind: Type.Union([Type.Literal('charge'), Type.Literal('refund')]),
            currency: Type.String(),
            paymentIntentId: NullableString,
            referenceType: NullableString,
            referenceId: NullableString,
            ourAmountMinor: Type.Integer(),
            providerAmountMinor: Type.Integer(),
            differenceMinor: Type.Integer({ description: 'provider minus ours' }),
            transferIds: Type.Array(Uuid),
            providerReferences: Type.Array(Type.String()),
          },
          { additionalProperties: false },
        ),
      ),
    }),
  },
  { additionalProperties: false },
);
