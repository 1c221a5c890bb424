import type pg from 'pg';
import type { ShopperActor } from '../../actor.ts';
import type { Database } from '../../database.ts';
import { assert } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { CurrencyCode } from '../../money.ts';
import { allInOrder, commitBehind, withPoolTransaction, type Queryable } from '../../pool-transaction.ts';
import { prepared } from '../../prepared-statements.ts';
import { cartOfShopperSql, cartView, readCartLines, type CartHeader, type LineRow } from './cart-view.ts';
import { CartAmountTooLargeError, CartFullError, CartInsufficientStockError, StoreShopNotFoundError, VariantNotSoldHereError } from './carts.errors.ts';
import { MAX_CART_LINES, type CartView } from './carts.schemas.ts';

interface ShopAndCartRow {
  currency: CurrencyCode;
  cart_id: string | null;
  cart_updated_at: Date | null;
}

/**
 * A cart write sent (not awaited), naming the cart by its shopper and shop: `refusal` reads its answer and
 * names why nothing was written (null: it was written); `updatedAt` is the cart's stamp after it.
 */
interface SentWrite {
  answered: Promise<{ refusal: Error | null; updatedAt: Date | null }>;
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

const SHOP_AND_CART_COLUMNS = `shop.currency, cart.id as cart_id, cart.updated_at as cart_updated_at`;

/**
 * The open shop at `$1` and the cart of shopper `$2` there. With `lock`, the cart row is locked for the
 * transaction, so that concurrent writes to one cart (the line limit) take turns; PostgreSQL cannot lock the
 * nullable side of an outer join, so the locking read joins the cart inner (no row without a cart).
 */
function shopAndCartSql(lock: boolean): string {
  return `select ${SHOP_AND_CART_COLUMNS}
            from shop ${lock ? 'join' : 'left join'} cart on cart.shop_id = shop.id and cart.shopper_id = $2
           where shop.slug = $1 and shop.status = 'open'
           ${lock ? 'for no key update of cart' : ''}`;
}

function cartHeaderOf(row: ShopAndCartRow, shopSlug: string): CartHeader {
  assert(row.cart_id !== null && row.cart_updated_at !== null, 'a cart row comes with its id and stamp');
  return { id: row.cart_id, shopSlug, currency: row.currency, updatedAt: row.cart_updated_at };
}

/** What a cart write answers: its refusal, else the cart as the write left it. */
function answerOf(cart: CartHeader, answer: { refusal: Error | null; updatedAt: Date | null }, lines: LineRow[]): CartView {
  if (answer.refusal) throw answer.refusal;
  return { ...cartView(cart, lines), updatedAt: answer.updatedAt ?? cart.updatedAt };
}

/** Deletes the cart's lines (all, or those `condition` picks with `$3`) and stamps the cart, in one statement. */
function removeLines(client: pg.PoolClient, condition: string, parameters: unknown[]): SentWrite {
  return {
    answered: client
      .query<{ updated_at: Date }>(
        prepared(
          `with cart_row as (${cartOfShopperSql('$1', '$2')}),
                removed as (delete from cart_line where cart_id = (select id from cart_row) ${condition})
           update cart set updated_at = now() where id = (select id from cart_row) returning updated_at`,
          parameters,
        ),
      )
      .then(({ rows }) => ({ refusal: null, updatedAt: rows[0]?.updated_at ?? null })),
  };
}

/**
 * Carts: one per shopper and shop, created on first sight, lines by variant and quantity. Prices,
 * totals and availability are always computed here from the catalog; a client only ever sends quantities.
 * Runs on the raw pool with few round trips: a cart is read on every widget render and written on every tap.
 */
export class CartsService {
  constructor(private readonly database: Database) {}

  async get(actor: ShopperActor, shopSlug: string): Promise<CartView> {
    const cart = await this.openCart(this.database.pool, actor, shopSlug, false);
    return cartView(cart, await readCartLines(this.database.pool, { shopperId: actor.shopperId, shopSlug }));
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
    return this.write(actor, input.shopSlug, (client) => ({
      answered: client
        .query<LineCheckRow & { updated_at: Date | null }>(
          prepared(
            `with cart_row as (${cartOfShopperSql('$1', '$2')}),
             checked as (
               select variant.price_minor,
                      variant.stock_on_hand - variant.stock_reserved as available_quantity,
                      (select quantity from cart_line where cart_id = cart_row.id and variant_id = variant.id) as current_quantity,
                      (select count(*)::int from cart_line where cart_id = cart_row.id) as line_count,
                      (select coalesce(sum(other.price_minor::numeric * line.quantity), 0)
                         from cart_line line join variant other on other.id = line.variant_id
                        where line.cart_id = cart_row.id and line.variant_id <> variant.id) as other_lines_minor,
                      cart_row.id as cart_id, cart_row.merchant_id
                 from variant
                 join product on product.id = variant.product_id
                 join cart_row on cart_row.shop_id = product.shop_id
                where variant.id = $4 and product.status = 'active'
             ), line as (
               insert into cart_line (id, cart_id, merchant_id, variant_id, quantity)
               select $3::uuid, cart_id, merchant_id, $4::uuid, $5::int from checked
                where ($5 <= coalesce(current_quantity, 0) or $5 <= available_quantity)
                  and (current_quantity is not null or line_count < $6)
                  and price_minor::numeric * $5 + other_lines_minor <= $7::numeric
               on conflict (cart_id, variant_id) do update set quantity = excluded.quantity, updated_at = now()
               returning cart_id
             ), touched as (
               update cart set updated_at = now() where id = (select cart_id from line) returning updated_at
             )
             select checked.price_minor, checked.available_quantity, checked.current_quantity, checked.line_count, checked.other_lines_minor,
                    (select updated_at from touched) as updated_at
               from (select) as always left join checked on true`,
            [input.shopSlug, actor.shopperId, newId(), input.variantId, input.quantity, MAX_CART_LINES, Number.MAX_SAFE_INTEGER],
          ),
        )
        .then(({ rows: [row] }) => ({
          refusal: row!.updated_at === null ? refusalOf(row!, input.variantId, input.quantity) : null,
          updatedAt: row!.updated_at,
        })),
    }));
  }

  async removeLine(actor: ShopperActor, input: { shopSlug: string; variantId: string }): Promise<CartView> {
    return this.write(actor, input.shopSlug, (client) => removeLines(client, 'and variant_id = $3', [input.shopSlug, actor.shopperId, input.variantId]));
  }

  async clear(actor: ShopperActor, shopSlug: string): Promise<CartView> {
    return this.write(actor, shopSlug, (client) => removeLines(client, '', [shopSlug, actor.shopperId]));
  }

  /**
   * One write to a locked cart, answered with the cart as it is after the write, in the same transaction.
   * The usual case, a cart that exists, is one round trip: the cart's lock, the write and the view behind it,
   * then the commit. The write and the view name the cart by shopper and shop, so none of them waits for the
   * lock's answer, and each starts only after the one before (the transaction is pipelined,
   * db/src/pool-transaction.ts): after the lock was granted, on the cart as the lock left it. A refused write
   * changes nothing, so the commit can go with it (the view refuses a total beyond the safe range only for a
   * cart already there before the write, from raised prices). The first write in a shop makes the cart first,
   * in a transaction of its own that keeps the cart only with the write. (Should another request of the same
   * shopper make the cart between the lock and the write, the write lands on it and is then made again, which
   * every cart write allows: each sets a state, none adds to one.)
   */
  private async write(actor: ShopperActor, shopSlug: string, change: (client: pg.PoolClient) => SentWrite): Promise<CartView> {
    const key = { shopperId: actor.shopperId, shopSlug };
    const existing = await withPoolTransaction(this.database.pool, async (client) => {
      const locked = this.lockCart(client, actor, shopSlug);
      const { answered } = change(client);
      const lines = readCartLines(client, key);
      commitBehind(client);
      const [cart, answer, rows] = await allInOrder([locked, answered, lines]);
      // No cart (or no open shop): the write and the view found none, so nothing was written.
      return cart ? answerOf(cart, answer, rows) : null;
    });
    if (existing) return existing;
    return withPoolTransaction(this.database.pool, async (client) => {
      const cart = await this.openCart(client, actor, shopSlug, true);
      const [answer, rows] = await allInOrder([change(client).answered, readCartLines(client, key)]);
      return answerOf(cart, answer, rows);
    });
  }

  /** The shopper's cart in the open shop at `shopSlug`, locked for the transaction; null if there is none (yet). */
  private async lockCart(client: pg.PoolClient, actor: ShopperActor, shopSlug: string): Promise<CartHeader | null> {
    const { rows } = await client.query<ShopAndCartRow>(prepared(shopAndCartSql(true), [shopSlug, actor.shopperId]));
    return rows[0] ? cartHeaderOf(rows[0], shopSlug) : null;
  }

  /** The open shop at `shopSlug` and this shopper's cart there (shopAndCartSql), created if missing. */
  private async openCart(queryable: Queryable, actor: ShopperActor, shopSlug: string, lock: boolean): Promise<CartHeader> {
    const { rows } = await queryable.query<ShopAndCartRow>(prepared(shopAndCartSql(lock), [shopSlug, actor.shopperId]));
    let row = rows[0];
    if (!row || row.cart_id === null) {
      const shop = (
        await queryable.query<{ shop_id: string; merchant_id: string }>(`select id as shop_id, merchant_id from shop where slug = $1 and status = 'open'`, [shopSlug])
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
          `select ${SHOP_AND_CART_COLUMNS} from shop join cart on cart.shop_id = shop.id and cart.shopper_id = $2 where shop.id = $1 ${lock ? 'for no key update of cart' : ''}`,
          [shop.shop_id, actor.shopperId],
        )
      ).rows[0];
    }
    assert(row, 'a cart exists once it has been inserted');
    return cartHeaderOf(row, shopSlug);
  }
}
