import { Type, type Static } from '@sinclair/typebox';
import { Timestamp, Uuid } from '../../schema-types.ts';

/** A merchant offers a team price for one variant (docs/social.md §2). */
export const GroupBuyCreateBody = Type.Object(
  {
    variantId: Uuid,
    teamPriceMinor: Type.Integer({ minimum: 1, description: 'What each member pays, in minor units of the shop currency' }),
    teamSize: Type.Optional(Type.Integer({ minimum: 2, maximum: 50, default: 2, description: 'Members a team needs to form (default 2)' })),
    windowSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_592_000, default: 86_400, description: 'How long a team has to fill once opened (default 24 hours; at least GROUP_BUY_MIN_WINDOW_SECONDS)' })),
    teamCap: Type.Integer({ minimum: 1, maximum: 100_000, description: 'The most teams this offer may open' }),
  },
  { additionalProperties: false },
);
export type GroupBuyCreateInput = Static<typeof GroupBuyCreateBody>;

export const GROUP_BUY_STATUSES = ['active', 'ended'] as const;
export const GROUP_BUY_TEAM_STATUSES = ['open', 'formed', 'expired'] as const;
const TeamStatusSchema = Type.Union(GROUP_BUY_TEAM_STATUSES.map((status) => Type.Literal(status)));

/** What a shopper sees of an offer (the store's card: product, usual and team price, team size, window). */
export const GroupBuyBody = Type.Object(
  {
    id: Uuid,
    merchantId: Uuid,
    shopId: Uuid,
    shopSlug: Type.String(),
    shopName: Type.String(),
    variantId: Uuid,
    productId: Uuid,
    productTitle: Type.String(),
    variantTitle: Type.String(),
    imageUrl: Type.Union([Type.String(), Type.Null()]),
    currency: Type.String(),
    regularPriceMinor: Type.Integer(),
    teamPriceMinor: Type.Integer(),
    teamSize: Type.Integer(),
    windowSeconds: Type.Integer(),
    teamCap: Type.Integer(),
    openedTeams: Type.Integer(),
    status: Type.Union(GROUP_BUY_STATUSES.map((status) => Type.Literal(status))),
    createdAt: Timestamp,
  },
  { additionalProperties: false },
);
export type GroupBuy = Static<typeof GroupBuyBody>;

export const GroupBuyMemberBody = Type.Object(
  {
    shopperId: Uuid,
    displayName: Type.String(),
    position: Type.Integer(),
    joinedAt: Timestamp,
    holdTransferId: Uuid,
    orderId: Type.Union([Uuid, Type.Null()]),
    paymentTransferId: Type.Union([Uuid, Type.Null()]),
    releaseTransferId: Type.Union([Uuid, Type.Null()]),
  },
  { additionalProperties: false },
);
export type GroupBuyMember = Static<typeof GroupBuyMemberBody>;

export const GroupBuyTeamBody = Type.Object(
  {
    id: Uuid,
    groupBuyId: Uuid,
    leaderShopperId: Uuid,
    teamSize: Type.Integer(),
    memberCount: Type.Integer(),
    status: TeamStatusSchema,
    expiresAt: Timestamp,
    formedAt: Type.Union([Timestamp, Type.Null()]),
    expiredAt: Type.Union([Timestamp, Type.Null()]),
    createdAt: Timestamp,
    members: Type.Array(GroupBuyMemberBody),
    groupBuy: GroupBuyBody,
    me: Type.Optional(
      Type.Union([Type.Object({ position: Type.Integer(), orderId: Type.Union([Uuid, Type.Null()]) }, { additionalProperties: false }), Type.Null()], {
        description: "The asking shopper's seat (and, once formed, their order); null when they are not in the team",
      }),
    ),
  },
  { additionalProperties: false },
);
export type GroupBuyTeam = Static<typeof GroupBuyTeamBody>;

export const GroupBuyJoinedBody = Type.Object(
  { team: GroupBuyTeamBody, duplicate: Type.Boolean({ description: 'true: this shopper was already in the team; the same seat again' }) },
  { additionalProperties: false },
);

/** One ledger transfer behind a team, for the console. */
export const GroupBuyTransferBody = Type.Object(
  {
    id: Uuid,
    kind: Type.String(),
    reason: Type.String(),
    debitAccountId: Uuid,
    creditAccountId: Uuid,
    amountMinor: Type.Integer(),
    currency: Type.String(),
    pendingId: Type.Union([Uuid, Type.Null()]),
    referenceType: Type.Union([Type.String(), Type.Null()]),
    referenceId: Type.Union([Type.String(), Type.Null()]),
    createdAt: Timestamp,
  },
  { additionalProperties: false },
);
export type GroupBuyTransfer = Static<typeof GroupBuyTransferBody>;

export const MerchantGroupBuyTeamBody = Type.Object(
  { ...Type.Omit(GroupBuyTeamBody, ['groupBuy', 'me']).properties, transfers: Type.Array(GroupBuyTransferBody) },
  { additionalProperties: false },
);
export type MerchantGroupBuyTeam = Static<typeof MerchantGroupBuyTeamBody>;

/** The console's view of an offer: its counts by team status and (on show) its teams with their transfers. */
export const MerchantGroupBuyBody = Type.Object(
  {
    ...GroupBuyBody.properties,
    openTeams: Type.Integer(),
    formedTeams: Type.Integer(),
    expiredTeams: Type.Integer(),
    teams: Type.Optional(Type.Array(MerchantGroupBuyTeamBody)),
  },
  { additionalProperties: false },
);
export type MerchantGroupBuy = Static<typeof MerchantGroupBuyBody>;

export const GroupBuyListFilter = Type.Object(
  {
    id: Type.Optional(Type.Array(Uuid, { maxItems: 500 })),
    status: Type.Optional(Type.Union(GROUP_BUY_STATUSES.map((status) => Type.Literal(status)))),
    q: Type.Optional(Type.String({ maxLength: 200, description: "searches the product's and variant's titles" })),
  },
  { additionalProperties: false },
);
export const GROUP_BUY_SORTABLE_FIELDS = ['id', 'createdAt'];

export const GroupBuyTeamListFilter = Type.Object(
  {
    id: Type.Optional(Type.Array(Uuid, { maxItems: 500 })),
    groupBuyId: Type.Optional(Uuid),
    status: Type.Optional(TeamStatusSchema),
    q: Type.Optional(Type.String({ maxLength: 200, description: "searches the leader's display name" })),
  },
  { additionalProperties: false },
);
export const GROUP_BUY_TEAM_SORTABLE_FIELDS = ['id', 'createdAt', 'expiresAt'];
