import { Type, type Static } from '@sinclair/typebox';
import { Timestamp, Uuid } from '../../schema-types.ts';
import { GroupProofBody } from '../shoppers/shoppers.schemas.ts';
import { CurrencyCodeSchema } from '../shops/shops.schemas.ts';
import { RED_ENVELOPE_MODES } from './red-envelope-shares.ts';

export const RedEnvelopeModeSchema = Type.Union(RED_ENVELOPE_MODES.map((mode) => Type.Literal(mode)), {
  description: 'equal: even shares; double_mean: WeChat-style random shares; fair: random shares with the same distribution for every claim position',
});

const EnvelopeFields = {
  mode: RedEnvelopeModeSchema,
  currency: CurrencyCodeSchema,
  amountMinor: Type.Integer({ minimum: 1, description: 'The whole envelope, in minor units; at least one per share, at most RED_ENVELOPE_MAX_AMOUNT_MINOR' }),
  shareCount: Type.Integer({ minimum: 1, description: 'How many members can claim; at most RED_ENVELOPE_MAX_SHARES' }),
  message: Type.Optional(Type.String({ maxLength: 200 })),
};

/** A shopper sends from the wallet to a group they prove they are in. */
export const ShopperRedEnvelopeCreateBody = Type.Object({ ...EnvelopeFields, group: GroupProofBody }, { additionalProperties: false });
export type ShopperRedEnvelopeCreateInput = Static<typeof ShopperRedEnvelopeCreateBody>;

/** A merchant sends from its available balance to a group a chat host vouches for. */
export const MerchantRedEnvelopeCreateBody = Type.Object({ ...EnvelopeFields, group: GroupProofBody }, { additionalProperties: false });
export type MerchantRedEnvelopeCreateInput = Static<typeof MerchantRedEnvelopeCreateBody>;

export const RedEnvelopeGroupBody = Type.Object({ group: GroupProofBody }, { additionalProperties: false });

export const RedEnvelopeClaimBody = Type.Object(
  { position: Type.Integer(), shopperId: Uuid, displayName: Type.String(), amountMinor: Type.Integer(), claimedAt: Timestamp },
  { additionalProperties: false },
);
export type RedEnvelopeClaim = Static<typeof RedEnvelopeClaimBody>;

export const RedEnvelopeBody = Type.Object(
  {
    id: Uuid,
    senderType: Type.Union([Type.Literal('shopper'), Type.Literal('merchant')]),
    senderShopperId: Type.Union([Uuid, Type.Null()]),
    merchantId: Type.Union([Uuid, Type.Null()]),
    groupKey: Type.String(),
    mode: RedEnvelopeModeSchema,
    currency: Type.String(),
    amountMinor: Type.Integer(),
    shareCount: Type.Integer(),
    claimedCount: Type.Integer(),
    claimedMinor: Type.Integer(),
    message: Type.Union([Type.String(), Type.Null()]),
    status: Type.Union([Type.Literal('open'), Type.Literal('claimed'), Type.Literal('returned')]),
    expiresAt: Timestamp,
    returnedMinor: Type.Union([Type.Integer(), Type.Null()]),
    returnedAt: Type.Union([Timestamp, Type.Null()]),
    fundTransferId: Uuid,
    returnTransferId: Type.Union([Uuid, Type.Null()]),
    createdAt: Timestamp,
    claims: Type.Array(RedEnvelopeClaimBody),
  },
  { additionalProperties: false },
);
export type RedEnvelope = Static<typeof RedEnvelopeBody>;

export const RedEnvelopeClaimedBody = Type.Object(
  { claim: RedEnvelopeClaimBody, envelope: RedEnvelopeBody, duplicate: Type.Boolean({ description: 'true: this shopper had claimed before; the same claim again' }) },
  { additionalProperties: false },
);

/** One ledger transfer behind an envelope, for the console. */
export const RedEnvelopeTransferBody = Type.Object(
  { id: Uuid, kind: Type.String(), reason: Type.String(), debitAccountId: Uuid, creditAccountId: Uuid, amountMinor: Type.Integer(), currency: Type.String(), createdAt: Timestamp },
  { additionalProperties: false },
);
export type RedEnvelopeTransfer = Static<typeof RedEnvelopeTransferBody>;

export const MerchantRedEnvelopeBody = Type.Object({ ...RedEnvelopeBody.properties, transfers: Type.Array(RedEnvelopeTransferBody) }, { additionalProperties: false });
export type MerchantRedEnvelope = Static<typeof MerchantRedEnvelopeBody>;

export const RedEnvelopeListFilter = Type.Object(
  {
    id: Type.Optional(Type.Array(Uuid, { maxItems: 500 })),
    status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('claimed'), Type.Literal('returned')])),
    q: Type.Optional(Type.String({ maxLength: 200, description: "searches the envelope's message" })),
  },
  { additionalProperties: false },
);
export const RED_ENVELOPE_SORTABLE_FIELDS = ['id', 'createdAt'];
