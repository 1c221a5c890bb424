import type pg from 'pg';
import type { ShopperActor } from '../../actor.ts';
import type { Database } from '../../database.ts';
import { assert } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { CurrencyCode } from '../../money.ts';
import { allInOrder, commitBehind, withPoolTransaction, type Queryable } from '../../pool-transaction.ts';
import { prepared } from '../../prepared-statements.ts';
import { loadCartView, type CartHeader } from './cart-view.ts';
import { CartAmountTooLargeError, CartFullError, CartInsufficientStockError, StoreShopNotFoundError, VariantNotSoldHereError } from './carts.errors.ts';
import { MAX_CART_LINES, type CartView } from './carts.schemas.ts';

interface ShopAndCartRow {
  shop_id: string;
  merchant_id: string;
  currency: CurrencyCode;
  cart_id: string | null;
  cart_updated_at: Date | null;
}

/** `created`: this request inserted the cart (it did not exist before). */
type OpenCart = CartHeader & { merchantId: string; created: boolean };

/** A cart write on its way to PostgreSQL, wrapped so that returning it from an async function does not await it. */
interface SentWrite {
  written: Promise<pg.QueryResult<{ updated_at: Date }>>;
}

function sent(written: Promise<pg.QueryResult<{ updated_at: Date }>>): SentWrite {
  return { written };
}

/** What the cart line write read before writing: null columns where the variant is not sold here. */
interface LineCheckRow {
  price_minor: number | null;
  available_quantity: number | null;
  current_quantity: number | null;
  line_count: number | null;
  /** The cart's other lines at today's prices (numeric, so a string), which the write keeps within the safe range too. */
  other_lines_minor: string | null;
}

/** Why a line was not written, from what its statement read (the same checks, in the same order). */
function refusalOf(row: LineCheckRow, variantId: string, quantity: number): Error {
  if (row.price_minor === null || row.available_quantity === null) return new VariantNotSoldHereError(variantId);
  const currentQuantity = row.current_quantity ?? 0;
  // Lowering a line that exceeds the stock stays possible; only growth is refused.
  if (quantity > currentQuantity && quantity > row.available_quantity) return new CartInsufficientStockError(variantId, Math.max(row.available_quantity, 0));
  if (row.current_quantity === null && (row.line_count ?? 0) >= MAX_CART_LINES) return new CartFullError(MAX_CART_LINES);
  if (BigInt(row.price_minor) * BigInt(quantity) + BigInt(row.other_lines_minor ?? 0) > BigInt(Number.MAX_SAFE_INTEGER)) return new CartAmountTooLargeError();
  assert(false, 'a cart line that passed every check is written');
}

const SHOP_AND_CART_COLUMNS = `shop.id as shop_id, shop.merchant_id, shop.currency, cart.id as cart_id, cart.updated_at as cart_updated_at`;

/** Each write changes the lines and stamps the cart in one statement: `$1` is always the cart id. */
const TOUCH_CART = 'update cart set updated_at = now() where id = $1 returning updated_at';

/**
 * Carts: one per shopper and shop, created on first sight, lines by variant and quantity. Prices,
 * totals and availability are always computed here from the catalog; a client only ever sends quantities.
 * Runs on the raw pool with few round trips: a cart is read on every widget render and written on every tap.
 */
export class CartsService {
  constructor(private readonly database: Database) {}

  async get(actor: ShopperActor, shopSlug: string): Promise<CartView> {
    const cart = await this.openCart(this.database.pool, actor, shopSlug, false);
    return loadCartView(this.database.pool, cart);
  }

  /**
   * Sets a line's quantity (0 removes it). Only lines that grow are checked against stock and the line
   * limit; every write keeps the cart's total (all lines at today's prices) within the safe integer range,
   * so that the view read behind it cannot refuse what it wrote. The checks and the write are one
   * statement: the line is written only where every check passes, and the row the checks read comes back
   * to name the refusal (refusalOf).
   */
  async setLineQuantity(actor: ShopperActor, input: { shopSlug: string; variantId: string; quantity: number }): Promise<CartView> {
    if (input.quantity === 0) return this.removeLine(actor, input);
    return this.write(actor, input.shopSlug, async (client, cart) =>
      sent(
        client
          .query<LineCheckRow & { updated_at: Date | null }>(
            prepared(
              `with checked as (
                 select variant.price_minor,
                        variant.stock_on_hand - variant.stock_reserved as available_quantity,
                        (select quantity from cart_line where cart_id = $1 and variant_id = variant.id) as current_quantity,
                        (select count(*)::int from cart_line where cart_id = $1) as line_count,
                        (select coalesce(sum(other.price_minor::numeric * line.quantity), 0)
                           from cart_line line join variant other on other.id = line.variant_id
                          where line.cart_id = $1 and line.variant_id <> variant.id) as other_lines_minor
                   from variant join product on product.id = variant.product_id
                  where variant.id = $4 and product.shop_id = $6 and product.status = 'active'
               ), line as (
                 insert into cart_line (id, cart_id, merchant_id, variant_id, quantity)
                 select $2::uuid, $1::uuid, $3::uuid, $4::uuid, $5::int from checked
                  where ($5 <= coalesce(current_quantity, 0) or $5 <= available_quantity)
                    and (current_quantity is not null or line_count < $7)
                    and price_minor::numeric * $5 + other_lines_minor <= $8::numeric
                 on conflict (cart_id, variant_id) do update set quantity = excluded.quantity, updated_at = now()
                 returning 1
               ), touched as (
                 update cart set updated_at = now() where id = $1 and exists (select from line) returning updated_at
               )
               select checked.*, (select updated_at from touched) as updated_at from (select) as always left join checked on true`,
              [cart.id, newId(), cart.merchantId, input.variantId, input.quantity, cart.shopId, MAX_CART_LINES, Number.MAX_SAFE_INTEGER],
            ),
          )
          .then((result) => {
            const row = result.rows[0]!;
            if (row.updated_at === null) throw refusalOf(row, input.variantId, input.quantity);
            return result as pg.QueryResult<{ updated_at: Date }>;
          }),
      ),
    );
  }

  async removeLine(actor: ShopperActor, input: { shopSlug: string; variantId: string }): Promise<CartView> {
    return this.write(actor, input.shopSlug, async (client, cart) =>
      sent(client.query<{ updated_at: Date }>(`with removed as (delete from cart_line where cart_id = $1 and variant_id = $2) ${TOUCH_CART}`, [cart.id, input.variantId])),
    );
  }

  async clear(actor: ShopperActor, shopSlug: string): Promise<CartView> {
    return this.write(actor, shopSlug, async (client, cart) => sent(client.query<{ updated_at: Date }>(`with removed as (delete from cart_line where cart_id = $1) ${TOUCH_CART}`, [cart.id])));
  }

  /**
   * One write to a locked cart, answered with the cart as it is after the write, in the same transaction.
   * `change` makes its checks, then sends its write without awaiting it; the view is read in the same
   * round trip, behind the write (the transaction is pipelined, db/src/pool-transaction.ts).
   */
  private async write(
    actor: ShopperActor,
    shopSlug: string,
    change: (client: pg.PoolClient, cart: OpenCart) => Promise<SentWrite>,
  ): Promise<CartView> {
    return withPoolTransaction(this.database.pool, async (client) => {
      const cart = await this.openCart(client, actor, shopSlug, true);
      const { written } = await change(client, cart);
      const viewed = loadCartView(client, cart);
      // The write changes nothing where its checks refuse, so the commit can go with it (one round trip
      // less): a cart that existed before is kept as it was. A cart this request made is committed only
      // after the write succeeded, so a refused first tap leaves no empty cart behind. (The view refuses a
      // total beyond the safe range only for a cart already there before the write, from raised prices.)
      if (!cart.created) commitBehind(client);
      const [{ rows }, view] = await allInOrder([written, viewed]);
      return { ...view, updatedAt: rows[0]?.updated_at ?? cart.updatedAt };
    });
  }

  /**
   * The open shop at `shopSlug` and this shopper's cart there, created if missing. With `lock`, the cart
   * row is locked for the transaction, so that concurrent writes to one cart (the line limit) take turns.
   * The usual case, an existing cart, costs one query either way.
   */
  private async openCart(queryable: Queryable, actor: ShopperActor, shopSlug: string, lock: boolean): Promise<OpenCart> {
    const parameters = [shopSlug, actor.shopperId];
    // PostgreSQL cannot lock the nullable side of an outer join, so the locking read joins the cart inner.
    const { rows } = await queryable.query<ShopAndCartRow>(
      prepared(
        `select ${SHOP_AND_CART_COLUMNS}
           from shop ${lock ? 'join' : 'left join'} cart on cart.shop_id = shop.id and cart.shopper_id = $2
          where shop.slug = $1 and shop.status = 'open'
          ${lock ? 'for update of cart' : ''}`,
        parameters,
      ),
    );
    let row = rows[0];
    const created = !row || row.cart_id === null;
    if (created) {
      const shop = (
        await queryable.query<Pick<ShopAndCartRow, 'shop_id' | 'merchant_id'>>(`select id as shop_id, merchant_id from shop where slug = $1 and status = 'open'`, [shopSlug])
      ).rows[0];
      if (!shop) throw new StoreShopNotFoundError(shopSlug);
      await queryable.query(`insert into cart (id, shopper_id, shop_id, merchant_id) values ($1, $2, $3, $4) on conflict (shopper_id, shop_id) do nothing`, [
        newId(),
        actor.shopperId,
        shop.shop_id,
        shop.merchant_id,
      ]);
      row = (
        await queryable.query<ShopAndCartRow>(
          `select ${SHOP_AND_CART_COLUMNS} from shop join cart on cart.shop_id = shop.id and cart.shopper_id = $2 where shop.id = $1 ${lock ? 'for update of cart' : ''}`,
          [shop.shop_id, actor.shopperId],
        )
      ).rows[0];
    }
    assert(row && row.cart_id !== null && row.cart_updated_at !== null, 'a cart exists once it has been inserted');
    return { id: row.cart_id, shopId: row.shop_id, merchantId: row.merchant_id, shopSlug, currency: row.currency, updatedAt: row.cart_updated_at, created };
  }
}
