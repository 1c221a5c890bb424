import { Type, type Static } from '@sinclair/typebox';
import { AmountMinor, Timestamp, Uuid } from '../../schema-types.ts';
import { CurrencyCodeSchema, ShopSlug } from '../shops/shops.schemas.ts';

export const MAX_CART_LINES = 50;
export const MAX_LINE_QUANTITY = 99;

export const CART_LINE_PROBLEMS = ['unavailable', 'insufficient_stock', 'product_inactive'] as const;
export type CartLineProblem = (typeof CART_LINE_PROBLEMS)[number];

export const CartParams = Type.Object({ slug: ShopSlug });
export const CartLineParams = Type.Object({ slug: ShopSlug, variantId: Uuid });

export const CartLineQuantityBody = Type.Object(
  { quantity: Type.Integer({ minimum: 0, maximum: MAX_LINE_QUANTITY, description: '1..99; 0 removes the line' }) },
  { additionalProperties: false },
);
export type CartLineQuantityInput = Static<typeof CartLineQuantityBody>;

export const CartLineBody = Type.Object(
  {
    variantId: Uuid,
    productId: Uuid,
    productTitle: Type.String(),
    variantTitle: Type.String(),
    sku: Type.String(),
    unitPriceMinor: AmountMinor,
    quantity: Type.Integer(),
    lineTotalMinor: AmountMinor,
    availableQuantity: Type.Integer({ description: 'stock on hand minus reserved, now' }),
    problem: Type.Union([...CART_LINE_PROBLEMS.map((problem) => Type.Literal(problem)), Type.Null()], {
      description: 'null when the line can be checked out as it is',
    }),
  },
  { additionalProperties: false },
);

export const CartBody = Type.Object(
  {
    id: Uuid,
    shopSlug: Type.String(),
    currency: CurrencyCodeSchema,
    lines: Type.Array(CartLineBody),
    itemCount: Type.Integer({ description: 'sum of the quantities' }),
    totalMinor: AmountMinor,
    hasProblems: Type.Boolean({ description: 'some line has a problem; checkout refuses until it is fixed' }),
    updatedAt: Timestamp,
  },
  { $id: 'Cart', additionalProperties: false },
);
export type CartView = Static<typeof CartBody>;
export type CartLineView = Static<typeof CartLineBody>;
