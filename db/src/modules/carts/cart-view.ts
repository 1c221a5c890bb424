import type { CurrencyCode } from '../../money.ts';
import type { Queryable } from '../../pool-transaction.ts';
import { prepared } from '../../prepared-statements.ts';
import { CartAmountTooLargeError } from './carts.errors.ts';
import type { CartLineProblem, CartLineView, CartView } from './carts.schemas.ts';

/** The cart row with what the view needs of its shop. */
export interface CartHeader {
  id: string;
  shopSlug: string;
  currency: CurrencyCode;
  updatedAt: Date;
}

export interface LineRow {
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

/** A cart named by its shopper and shop, so that a statement can find it without waiting for its row to be read. */
export interface CartKey {
  shopperId: string;
  shopSlug: string;
}

/**
 * The cart of shopper `shopper` in the open shop `slug` (SQL expressions, usually parameters) as a CTE body:
 * its id, merchant and shop; no row when there is none.
 */
export function cartOfShopperSql(slug: string, shopper: string): string {
  return `select cart.id, cart.merchant_id, cart.shop_id from cart join shop on shop.id = cart.shop_id
           where shop.slug = ${slug} and shop.status = 'open' and cart.shopper_id = ${shopper}`;
}

/** Sends the read of a cart's lines at once (the caller may send more behind it); no rows for no cart. */
export function readCartLines(queryable: Queryable, key: CartKey): Promise<LineRow[]> {
  return queryable
    .query<LineRow>(
      prepared(
        `with cart_row as (${cartOfShopperSql('$1', '$2')})
         select line.variant_id, variant.product_id, product.title as product_title, variant.title as variant_title, variant.sku,
                variant.price_minor, line.quantity,
                greatest(variant.stock_on_hand - variant.stock_reserved, 0) as available_quantity,
                (product.status = 'active' and product.shop_id = cart_row.shop_id) as sellable
           from cart_row
           join cart_line line on line.cart_id = cart_row.id
           join variant on variant.id = line.variant_id
           join product on product.id = variant.product_id
          order by line.created_at, line.id`,
        [key.shopSlug, key.shopperId],
      ),
    )
    .then((result) => result.rows);
}

/**
 * A cart priced from the catalog as it is now, from its lines as readCartLines read them: unit prices,
 * availability and problems are never stored with the cart. Totals are summed in bigint and refused if they
 * leave the safe range.
 */
export function cartView(cart: CartHeader, lines: LineRow[]): CartView {
  let totalMinor = 0n;
  let itemCount = 0;
  const views: CartLineView[] = lines.map((row) => {
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
