import { Type, type Static } from '@sinclair/typebox';
import { AmountMinor, Timestamp, Uuid } from '../../schema-types.ts';
import { AccountKindSchema, TransferKindSchema } from '../ledger/ledger.schemas.ts';
import { CurrencyCodeSchema } from '../shops/shops.schemas.ts';

const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);
const SignedMinor = Type.Integer({ description: 'integer amount in the minor unit; may be negative' });
const DateTimeText = (description: string) => Type.String({ format: 'date-time', description });

export const BalanceQuerystring = Type.Object(
  { asOf: Type.Optional(DateTimeText('ISO 8601 time (UTC); transfers created at or before it count. Omitted: now.')) },
  { additionalProperties: false },
);
export type BalanceQueryInput = Static<typeof BalanceQuerystring>;

const Totals = {
  debitsPosted: AmountMinor,
  creditsPosted: AmountMinor,
  debitsPending: AmountMinor,
  creditsPending: AmountMinor,
  balanceMinor: Type.Integer({ description: 'posted balance on the account’s normal side' }),
  availableMinor: Type.Integer({ description: 'posted balance less pending holds' }),
};

export const BalanceSnapshotBody = Type.Object(Totals, { additionalProperties: false });

export const AccountBalanceBody = Type.Object(
  {
    accountId: Uuid,
    kind: AccountKindSchema,
    currency: CurrencyCodeSchema,
    asOf: NullableTimestamp,
    ...Totals,
    transfers: Type.Integer({ description: 'transfers of the account up to asOf' }),
    lastSequence: Type.Union([Type.Integer(), Type.Null()]),
  },
  { additionalProperties: false },
);

export const MAX_STATEMENT_LINES = 5_000;

export const StatementQuerystring = Type.Object(
  {
    from: Type.Optional(DateTimeText('start of the period, inclusive (UTC). Omitted: the beginning.')),
    to: Type.Optional(DateTimeText('end of the period, exclusive (UTC). Omitted: now.')),
    afterSequence: Type.Optional(Type.Integer({ minimum: 0, description: 'continue after this sequence (nextAfterSequence of the previous page)' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_STATEMENT_LINES, default: 1_000 })),
  },
  { additionalProperties: false },
);
export type StatementQueryInput = Static<typeof StatementQuerystring>;

export const StatementLineBody = Type.Object(
  {
    transferId: Uuid,
    sequence: Type.Integer(),
    createdAt: Timestamp,
    kind: TransferKindSchema,
    side: Type.Union([Type.Literal('debit'), Type.Literal('credit')]),
    counterpartyAccountId: Uuid,
    amountMinor: AmountMinor,
    debitMinor: Type.Integer({ description: 'posted money out of the account by this transfer (0 for holds)' }),
    creditMinor: Type.Integer({ description: 'posted money into the account by this transfer (0 for holds)' }),
    balanceMinor: SignedMinor,
    availableMinor: SignedMinor,
    reason: Type.String(),
    referenceType: Type.Union([Type.String(), Type.Null()]),
    referenceId: Type.Union([Type.String(), Type.Null()]),
    pendingId: Type.Union([Uuid, Type.Null()]),
    correctsId: Type.Union([Uuid, Type.Null()]),
  },
  { additionalProperties: false },
);

export const StatementBody = Type.Object(
  {
    accountId: Uuid,
    kind: AccountKindSchema,
    currency: CurrencyCodeSchema,
    from: NullableTimestamp,
    to: NullableTimestamp,
    opening: BalanceSnapshotBody,
    closing: BalanceSnapshotBody,
    debitsMinor: Type.Integer({ description: 'posted debits of the period' }),
    creditsMinor: Type.Integer({ description: 'posted credits of the period' }),
    movements: Type.Integer({ description: 'transfers of the period' }),
    lines: Type.Array(StatementLineBody, { description: 'the movements of this page, in sequence order, with running balances' }),
    nextAfterSequence: Type.Union([Type.Integer(), Type.Null()], { description: 'pass as afterSequence for the next page; null on the last page' }),
  },
  { additionalProperties: false },
);

export const MerchantBalanceBody = Type.Object(
  {
    currency: CurrencyCodeSchema,
    availableMinor: SignedMinor,
    balanceMinor: SignedMinor,
    heldForPayoutsMinor: AmountMinor,
    pendingSettlementMinor: SignedMinor,
  },
  { additionalProperties: false },
);

export const TrialBalanceQuerystring = BalanceQuerystring;

const TrialBalanceTotals = {
  debitsPosted: AmountMinor,
  creditsPosted: AmountMinor,
  debitsPending: AmountMinor,
  creditsPending: AmountMinor,
  debitBalancesMinor: AmountMinor,
  creditBalancesMinor: AmountMinor,
};

export const TrialBalanceBody = Type.Object(
  {
    asOf: NullableTimestamp,
    balanced: Type.Boolean({ description: 'every currency balances' }),
    currencies: Type.Array(
      Type.Object(
        {
          currency: CurrencyCodeSchema,
          balanced: Type.Boolean({ description: 'posted debits = posted credits and pending debits = pending credits' }),
          ...TrialBalanceTotals,
          kinds: Type.Array(
            Type.Object(
              { kind: AccountKindSchema, accounts: Type.Integer(), ...TrialBalanceTotals },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const MerchantJournalQuerystring = Type.Object(
  {
    from: Type.Optional(DateTimeText('start of the period, inclusive (UTC)')),
    to: Type.Optional(DateTimeText('end of the period, exclusive (UTC)')),
    accountId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);

export const OperatorJournalQuerystring = Type.Object(
  { ...MerchantJournalQuerystring.properties, merchantId: Type.Optional(Uuid) },
  { additionalProperties: false },
);
export type JournalQueryInput = Static<typeof OperatorJournalQuerystring>;

/** How a streamed export is documented: the body is text in the named content type, not JSON. */
export function streamedResponse(contentType: string, description: string) {
  return { description, content: { [contentType]: { schema: { type: 'string' as const } } } };
}
