import type { CurrencyCode } from '../../money.ts';
import type { Queryable } from '../../pool-transaction.ts';
import { prepared } from '../../prepared-statements.ts';
import { CartAmountTooLargeError } from './carts.errors.ts';
import type { CartLineProblem, CartLineView, CartView } from './carts.schemas.ts';

/** The cart row with what the view needs of its shop. */
export interface CartHeader {
  id: string;
  shopId: string;
  shopSlug: string;
  currency: CurrencyCode;
  updatedAt: Date;
}

interface LineRow {
  variant_id: string;
  product_id: string;
  product_title: string;
  variant_title: string;
  sku: string;
  price_minor: number;
  quantity: number;
  available_quantity: number;
  sellable: boolean;
}

export function lineProblem(row: { sellable: boolean; available_quantity: number; quantity: number }): CartLineProblem | null {
  if (!row.sellable) return 'product_inactive';
  if (row.available_quantity <= 0) return 'unavailable';
  if (row.quantity > row.available_quantity) return 'insufficient_stock';
  return null;
}

/**
 * A cart priced from the catalog as it is now: unit prices, availability and problems are never stored
 * with the cart. Checkout calls this inside its own transaction (pass its client) to price the order from
 * the same rows it reserves. Totals are summed in bigint and refused if they leave the safe range.
 */
export async function loadCartView(queryable: Queryable, cart: CartHeader): Promise<CartView> {
  const lines = await queryable.query<LineRow>(
    prepared(
      `select line.variant_id, variant.product_id, product.title as product_title, variant.title as variant_title, variant.sku,
              variant.price_minor, line.quantity,
              greatest(variant.stock_on_hand - variant.stock_reserved, 0) as available_quantity,
              (product.status = 'active' and product.shop_id = $2) as sellable
         from cart_line line
         join variant on variant.id = line.variant_id
         join product on product.id = variant.product_id
        where line.cart_id = $1
        order by line.created_at, line.id`,
      [cart.id, cart.shopId],
    ),
  );

  let totalMinor = 0n;
  let itemCount = 0;
  const views: CartLineView[] = lines.rows.map((row) => {
    const lineTotal = BigInt(row.price_minor) * BigInt(row.quantity);
    totalMinor += lineTotal;
    itemCount += row.quantity;
    return {
      variantId: row.variant_id,
      productId: row.product_id,
      productTitle: row.product_title,
      variantTitle: row.variant_title,
      sku: row.sku,
      unitPriceMinor: row.price_minor,
      quantity: row.quantity,
      lineTotalMinor: Number(lineTotal),
      availableQuantity: row.available_quantity,
      problem: lineProblem(row),
    };
  });
  if (totalMinor > BigInt(Number.MAX_SAFE_INTEGER)) throw new CartAmountTooLargeError();
  return {
    id: cart.id,
    shopSlug: cart.shopSlug,
    currency: cart.currency,
    lines: views,
    itemCount,
    totalMinor: Number(totalMinor),
    hasProblems: views.some((line) => line.problem !== null),
    updatedAt: cart.updatedAt,
  };
}
