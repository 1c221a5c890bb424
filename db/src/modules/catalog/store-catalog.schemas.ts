import { Type, type Static } from '@sinclair/typebox';
import { AmountMinor, Uuid } from '../../schema-types.ts';
import { CurrencyCodeSchema, ShopSlug, ShopStatusSchema } from '../shops/shops.schemas.ts';
import { DeliveryFeeRuleSchema, FulfilmentMethodSchema } from '../fulfilment/fulfilment.schemas.ts';
import { ProductImages } from './products.schemas.ts';
import { ProductPhotos } from './product-photos.schemas.ts';

/** The public face of the catalog: what a shopper's widget may see of an open shop. */
export const StoreShopBody = Type.Object(
  {
    slug: ShopSlug,
    name: Type.String(),
    description: Type.String(),
    currency: CurrencyCodeSchema,
    status: ShopStatusSchema,
    fulfilmentMethods: Type.Array(FulfilmentMethodSchema, { description: 'what checkout may choose' }),
    delivery: Type.Union([Type.Object({ fee: DeliveryFeeRuleSchema, freeFromSubtotalMinor: Type.Union([AmountMinor, Type.Null()]) }), Type.Null()], {
      description: 'how delivery is charged (the server computes the fee at checkout); null without delivery',
    }),
  },
  { $id: 'StoreShop' },
);

export const StoreCategoryBody = Type.Object(
  { id: Uuid, name: Type.String(), position: Type.Integer(), productCount: Type.Integer({ description: 'active products in the category' }) },
  { $id: 'StoreCategory' },
);

export const StoreProductSummaryBody = Type.Object(
  {
    id: Uuid,
    title: Type.String(),
    images: ProductImages,
    photos: ProductPhotos,
    priceFromMinor: Type.Union([AmountMinor, Type.Null()]),
    currency: CurrencyCodeSchema,
    categoryId: Type.Union([Uuid, Type.Null()]),
    available: Type.Boolean({ description: 'some variant has stock that is not reserved' }),
  },
  { $id: 'StoreProductSummary' },
);

export const StoreProductPageBody = Type.Object(
  { items: Type.Array(StoreProductSummaryBody), page: Type.Integer(), pageSize: Type.Integer(), total: Type.Integer() },
  { $id: 'StoreProductPage' },
);

export const StoreVariantBody = Type.Object({
  id: Uuid,
  sku: Type.String(),
  title: Type.String(),
  priceMinor: AmountMinor,
  available: Type.Integer({ minimum: 0, description: 'units on hand and not reserved' }),
});

export const StoreProductBody = Type.Object(
  {
    id: Uuid,
    title: Type.String(),
    description: Type.String(),
    images: ProductImages,
    photos: ProductPhotos,
    categoryId: Type.Union([Uuid, Type.Null()]),
    currency: CurrencyCodeSchema,
    priceFromMinor: Type.Union([AmountMinor, Type.Null()]),
    available: Type.Boolean(),
    variants: Type.Array(StoreVariantBody),
  },
  { $id: 'StoreProduct' },
);

export const MAX_STORE_PAGE_SIZE = 100;

export const StoreProductQuery = Type.Object(
  {
    categoryId: Type.Optional(Uuid),
    q: Type.Optional(Type.String({ maxLength: 200 })),
    page: Type.Integer({ minimum: 1, maximum: 10_000, default: 1 }),
    pageSize: Type.Integer({ minimum: 1, maximum: MAX_STORE_PAGE_SIZE, default: 24 }),
  },
  { additionalProperties: false },
);
export type StoreProductQueryInput = Static<typeof StoreProductQuery>;
