import { Type, type Static } from '@sinclair/typebox';
import { AmountMinor, Timestamp, Uuid } from '../../schema-types.ts';
import { CurrencyCodeSchema, ShopSlug } from '../shops/shops.schemas.ts';

/** What can be shared; a new kind is one literal here and one entry in SHARE_TARGETS (share-targets.ts). */
export const ShareLinkKind = Type.Union([Type.Literal('product'), Type.Literal('shop'), Type.Literal('group_buy'), Type.Literal('group_buy_team')], {
  description: 'what the link opens (targetId: the product, the group buy or the team; none for a shop)',
});

export const ShareLinkCode = Type.String({ pattern: '^[A-Za-z0-9]{10}$', description: 'the short code of /r/<code>' });
export const ShareLinkCodeParams = Type.Object({ code: ShareLinkCode });

export const ShareLinkCreateBody = Type.Object(
  {
    kind: ShareLinkKind,
    shopSlug: ShopSlug,
    targetId: Type.Optional({ ...Uuid, description: 'the product, group buy or group-buy team shared' }),
  },
  { additionalProperties: false },
);
export type ShareLinkCreateInput = Static<typeof ShareLinkCreateBody>;

export const ShareCardBody = Type.Object({
  kind: Type.String(),
  shopSlug: Type.String(),
  shopName: Type.String(),
  title: Type.String(),
  description: Type.String(),
  priceMinor: Type.Union([AmountMinor, Type.Null()]),
  currency: CurrencyCodeSchema,
  imageUrl: Type.Union([Type.String(), Type.Null()]),
});

export const ShareLinkBody = Type.Object({
  id: Uuid,
  code: Type.String(),
  url: Type.String({ description: 'the address to share: its page unfurls in chats and opens the widget there' }),
  kind: Type.String(),
  targetId: Type.Union([Uuid, Type.Null()]),
  card: ShareCardBody,
  createdAt: Timestamp,
});

export const ShareOpenBody = Type.Object({
  attributed: Type.Boolean({ description: 'false when the opener is the sharer (nothing to attribute)' }),
  shopSlug: Type.String(),
  touchedAt: Type.Union([Timestamp, Type.Null()]),
});

export const CommissionStatusSchema = Type.Union([Type.Literal('pending'), Type.Literal('paid'), Type.Literal('cancelled')]);
export type CommissionStatus = Static<typeof CommissionStatusSchema>;

const commissionProperties = {
  id: { ...Uuid, description: 'the order id (one commission per order)' },
  orderId: Uuid,
  orderNumber: Type.Union([Type.Integer(), Type.Null()]),
  shopId: Uuid,
  shopName: Type.String(),
  status: CommissionStatusSchema,
  basisPoints: Type.Integer(),
  currency: CurrencyCodeSchema,
  commissionMinor: Type.Union([AmountMinor, Type.Null()]),
  takenBackMinor: AmountMinor,
  merchantBorneMinor: AmountMinor,
  orderTotalMinor: AmountMinor,
  touchedAt: Timestamp,
  paidAt: Type.Union([Timestamp, Type.Null()]),
  cancelledAt: Type.Union([Timestamp, Type.Null()]),
  createdAt: Timestamp,
};

/** What the referrer sees in the widget. */
export const ShopperCommissionBody = Type.Object(commissionProperties);
export const ShopperCommissionsBody = Type.Object({
  totals: Type.Array(Type.Object({ currency: CurrencyCodeSchema, pendingOrders: Type.Integer(), paidMinor: AmountMinor })),
  items: Type.Array(ShopperCommissionBody),
});

export const CommissionTransferBody = Type.Object({
  id: Uuid,
  reason: Type.String(),
  debitAccountId: Uuid,
  creditAccountId: Uuid,
  amountMinor: AmountMinor,
  currency: Type.String(),
  createdAt: Timestamp,
});

/** What the merchant sees in the console: the commission with the ledger transfers that moved it. */
export const MerchantCommissionBody = Type.Object({
  ...commissionProperties,
  referrerShopperId: Uuid,
  referrerName: Type.Union([Type.String(), Type.Null()]),
  transferId: Type.Union([Uuid, Type.Null()]),
  transfers: Type.Array(CommissionTransferBody),
});

export const CommissionListFilter = Type.Object(
  {
    id: Type.Optional(Type.Array(Uuid, { maxItems: 500 })),
    q: Type.Optional(Type.String({ maxLength: 200 })),
    status: Type.Optional(CommissionStatusSchema),
    shopId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);
export type CommissionListFilterInput = Static<typeof CommissionListFilter>;
export const COMMISSION_SORTABLE_FIELDS = ['createdAt', 'status', 'commissionMinor'] as const;
