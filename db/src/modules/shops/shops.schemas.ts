import { Type, type Static } from '@sinclair/typebox';
import { SUPPORTED_CURRENCIES } from '../../money.ts';
import { Timestamp, Uuid } from '../../schema-types.ts';
import { shopFulfilmentProperties } from '../fulfilment/fulfilment.schemas.ts';

export const ShopSlug = Type.String({ pattern: '^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$', description: 'Lower-case letters, digits and dashes; unique across the platform.' });
export const EmbedOrigin = Type.String({ pattern: '^https?://[^/\\s?#]+$', maxLength: 200, description: 'scheme://host[:port], no path' });
export const CurrencyCodeSchema = Type.Union(SUPPORTED_CURRENCIES.map((code) => Type.Literal(code)), { description: 'ISO 4217 code' });
export const ShopStatusSchema = Type.Union([Type.Literal('open'), Type.Literal('closed')]);

export const ShopBody = Type.Object(
  {
    id: Uuid,
    merchantId: Uuid,
    slug: ShopSlug,
    name: Type.String(),
    description: Type.String(),
    currency: CurrencyCodeSchema,
    status: ShopStatusSchema,
    allowedEmbedOrigins: Type.Array(Type.String()),
    ...shopFulfilmentProperties,
    autoConfirmDays: Type.Integer({ description: 'Days after delivery until receipt is confirmed automatically and the order settles.' }),
    referralCommissionBasisPoints: Type.Integer({ description: "The referrer's commission on attributed orders, in basis points of the goods (0: none)." }),
    referralWindowDays: Type.Integer({ description: 'Days an open of a share link attributes orders to its sharer (last touch wins).' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Shop', additionalProperties: false },
);

export const ShopCreateBody = Type.Object(
  {
    slug: ShopSlug,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    currency: CurrencyCodeSchema,
    status: Type.Optional(ShopStatusSchema),
    allowedEmbedOrigins: Type.Optional(Type.Array(EmbedOrigin, { maxItems: 20, uniqueItems: true })),
    fulfilmentMethods: Type.Optional({ ...shopFulfilmentProperties.fulfilmentMethods, description: 'what checkout may choose; default [pickup]' }),
    position: Type.Optional(shopFulfilmentProperties.position),
    delivery: Type.Optional(shopFulfilmentProperties.delivery),
    autoConfirmDays: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 90, description: 'Days after delivery until receipt is confirmed automatically (0: at once); default ORDER_AUTO_CONFIRM_DAYS.' }),
    ),
    referralCommissionBasisPoints: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 5000, description: "The referrer's commission on attributed orders, basis points of the goods (single level; 0: none, the default)." }),
    ),
    referralWindowDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 90, description: 'Days an open of a share link attributes orders to its sharer; default 7.' })),
  },
  { additionalProperties: false },
);
export type ShopCreateInput = Static<typeof ShopCreateBody>;

/** The currency of a shop is fixed at creation: prices and ledger accounts depend on it. */
export const ShopUpdateBody = Type.Partial(Type.Omit(ShopCreateBody, ['currency']), { additionalProperties: false });
export type ShopUpdateInput = Static<typeof ShopUpdateBody>;

export const ShopListFilter = Type.Object(
  {
    id: Type.Optional(Type.Array(Uuid, { maxItems: 500 })),
    q: Type.Optional(Type.String({ maxLength: 200 })),
    status: Type.Optional(ShopStatusSchema),
  },
  { additionalProperties: false },
);
export type ShopListFilterInput = Static<typeof ShopListFilter>;

/** The operator's list of every merchant's shops (a merchant's page shows its own through merchantId). */
export const OperatorShopListFilter = Type.Object(
  { ...ShopListFilter.properties, merchantId: Type.Optional(Uuid) },
  { additionalProperties: false },
);
export type OperatorShopListFilterInput = Static<typeof OperatorShopListFilter>;
export const SHOP_SORTABLE_FIELDS = ['createdAt', 'name', 'slug', 'status'] as const;
