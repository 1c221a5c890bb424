import { Type, type Static, type TLiteral, type TUnion } from '@sinclair/typebox';
import { AmountMinor, Timestamp, Uuid } from '../../schema-types.ts';
import { CurrencyCodeSchema } from '../shops/shops.schemas.ts';
import { ACCOUNT_KINDS, LEDGER_ERROR_CODES, OWNER_TYPES, TRANSFER_KINDS } from './ledger.types.ts';

/** The most transfers one submission may carry (TigerBeetle's batch size, rounded). */
export const MAX_TRANSFERS_PER_SUBMISSION = 8_000;

/** A union of string literals that keeps the literal types, so that Static<> gives the string union. */
const literals = <Values extends readonly string[]>(values: Values) => Type.Union(values.map((value) => Type.Literal(value))) as unknown as TUnion<TLiteral<Values[number]>[]>;

export const AccountKindSchema = literals(ACCOUNT_KINDS);
export const TransferKindSchema = literals(TRANSFER_KINDS);
const PositiveAmountMinor = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'integer amount in the minor unit (e.g. cents)' });
const ReferenceText = Type.String({ minLength: 1, maxLength: 128 });

export const LedgerAccountBody = Type.Object(
  {
    id: Uuid,
    kind: AccountKindSchema,
    currency: CurrencyCodeSchema,
    ownerType: literals(OWNER_TYPES),
    ownerId: Type.Union([Uuid, Type.Null()]),
    merchantId: Type.Union([Uuid, Type.Null()]),
    debitsMustNotExceedCredits: Type.Boolean({ description: 'the balance, pending holds included, can never go below zero' }),
    debitsPosted: AmountMinor,
    creditsPosted: AmountMinor,
    debitsPending: AmountMinor,
    creditsPending: AmountMinor,
    balanceMinor: Type.Integer({ description: 'posted balance on the account’s normal side' }),
    availableMinor: Type.Integer({ description: 'posted balance less pending holds' }),
    createdAt: Timestamp,
  },
  { $id: 'LedgerAccount', additionalProperties: false },
);

export const AccountOpenBody = Type.Object(
  {
    kind: AccountKindSchema,
    currency: CurrencyCodeSchema,
    ownerId: Type.Optional(Uuid),
    merchantId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);
export type AccountOpenInput = Static<typeof AccountOpenBody>;

export const TransferInputSchema = Type.Object(
  {
    id: Uuid,
    kind: Type.Optional(TransferKindSchema),
    debitAccountId: Type.Optional(Uuid),
    creditAccountId: Type.Optional(Uuid),
    amountMinor: Type.Optional(PositiveAmountMinor),
    currency: Type.Optional(CurrencyCodeSchema),
    pendingId: Type.Optional(Uuid),
    timeoutSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647 })),
    linked: Type.Optional(Type.Boolean()),
    reason: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_.]{0,63}$' })),
    referenceType: Type.Optional(ReferenceText),
    referenceId: Type.Optional(ReferenceText),
    correctsId: Type.Optional(Uuid),
    metadata: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);

export const TransferBatchBody = Type.Object(
  { transfers: Type.Array(TransferInputSchema, { minItems: 1, maxItems: MAX_TRANSFERS_PER_SUBMISSION }) },
  { additionalProperties: false },
);
export type TransferBatchInput = Static<typeof TransferBatchBody>;

export const LedgerTransferBody = Type.Object(
  {
    id: Uuid,
    sequence: Type.Union([Type.Integer(), Type.Null()], { description: 'place in the hash chain; null for the moment between commit and sealing (docs/ledger.md §4)' }),
    kind: TransferKindSchema,
    debitAccountId: Uuid,
    creditAccountId: Uuid,
    amountMinor: PositiveAmountMinor,
    currency: Type.String(),
    pendingId: Type.Union([Uuid, Type.Null()]),
    timeoutSeconds: Type.Integer(),
    linked: Type.Boolean(),
    reason: Type.String(),
    referenceType: Type.Union([Type.String(), Type.Null()]),
    referenceId: Type.Union([Type.String(), Type.Null()]),
    correctsId: Type.Union([Uuid, Type.Null()]),
    metadata: Type.Record(Type.String(), Type.Unknown()),
    bodyHash: Type.String(),
    previousHash: Type.Union([Type.String(), Type.Null()]),
    hash: Type.Union([Type.String(), Type.Null()]),
    createdAt: Timestamp,
  },
  { $id: 'LedgerTransfer', additionalProperties: false },
);

/** One transfer's outcome on the wire: small, so that 8,000 of them stay cheap to send. */
export const TransferResultBody = Type.Object(
  {
    id: Type.String(),
    status: literals(['created', 'exists', 'failed'] as const),
    sequence: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
    amountMinor: Type.Optional(Type.Integer()),
    createdAt: Type.Optional(Timestamp),
    code: Type.Optional(literals(LEDGER_ERROR_CODES)),
    message: Type.Optional(Type.String()),
    field: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const TransferBatchResponse = Type.Object({
  type: Type.Optional(Type.String()),
  code: Type.Optional(Type.String()),
  message: Type.Optional(Type.String()),
  errors: Type.Optional(Type.Record(Type.String(), Type.String())),
  /** Absent only when the request itself was refused (authentication, validation). */
  results: Type.Optional(Type.Array(TransferResultBody)),
});

export const VerificationBody = Type.Object({
  ok: Type.Boolean(),
  transfers: Type.Optional(Type.Integer()),
  accounts: Type.Optional(Type.Integer()),
  lastSequence: Type.Optional(Type.Integer()),
  lastHash: Type.Optional(Type.String()),
  problem: Type.Optional(
    Type.Object({
      code: Type.String(),
      message: Type.String(),
      transferId: Type.Optional(Type.String()),
      sequence: Type.Optional(Type.Integer()),
      accountId: Type.Optional(Type.String()),
      currency: Type.Optional(Type.String()),
    }),
  ),
});

/** A verification run (docs/ledger.md §4): queued by an operator, run by the workers, read by id. */
export const VerificationRunBody = Type.Object({
  id: Uuid,
  status: Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed')]),
  requestedBy: Type.Union([Uuid, Type.Null()]),
  ok: Type.Union([Type.Boolean(), Type.Null()]),
  report: Type.Union([VerificationBody, Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
  startedAt: Type.Union([Timestamp, Type.Null()]),
  finishedAt: Type.Union([Timestamp, Type.Null()]),
});

export const AccountListFilter = Type.Object(
  {
    id: Type.Optional(Type.Array(Uuid, { maxItems: 500 })),
    kind: Type.Optional(AccountKindSchema),
    currency: Type.Optional(CurrencyCodeSchema),
    ownerType: Type.Optional(literals(OWNER_TYPES)),
    ownerId: Type.Optional(Uuid),
    merchantId: Type.Optional(Uuid),
    q: Type.Optional(Type.String({ maxLength: 200, description: 'searches the kind and the currency' })),
  },
  { additionalProperties: false },
);
export type AccountListFilterInput = Static<typeof AccountListFilter>;
export const ACCOUNT_SORTABLE_FIELDS = ['createdAt', 'kind', 'currency', 'debitsPosted', 'creditsPosted'] as const;

export const TransferListFilter = Type.Object(
  {
    id: Type.Optional(Type.Array(Uuid, { maxItems: 500 })),
    accountId: Type.Optional(Uuid),
    kind: Type.Optional(TransferKindSchema),
    currency: Type.Optional(CurrencyCodeSchema),
    reason: Type.Optional(Type.String({ maxLength: 64 })),
    referenceType: Type.Optional(ReferenceText),
    referenceId: Type.Optional(ReferenceText),
    pendingId: Type.Optional(Uuid),
    correctsId: Type.Optional(Uuid),
    q: Type.Optional(Type.String({ maxLength: 200, description: 'searches the reason and the reference id' })),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'created at or after (UTC)' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'created before (UTC)' })),
  },
  { additionalProperties: false },
);
export type TransferListFilterInput = Static<typeof TransferListFilter>;
export const TRANSFER_SORTABLE_FIELDS = ['sequence', 'createdAt', 'amountMinor'] as const;
