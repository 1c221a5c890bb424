import type pg from 'pg';
import { IdempotencyRaceLost, isUniqueViolation, runIdempotent, type EarlierRequest } from '../../idempotency/idempotency.ts';
import type { ShopperActor } from '../../actor.ts';
import type { Config } from '../../config.ts';
import type { Database } from '../../database.ts';
import { assert, ValidationError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { CurrencyCode } from '../../money.ts';
import { noteOutboxWrite, OUTBOX_COLUMNS, outboxRowSql } from '../../outbox/outbox.ts';
import { allInOrder, commitBehind, withPoolTransaction, type Queryable } from '../../pool-transaction.ts';
import { addressSnapshotJsonSql } from '../fulfilment/address-book.service.ts';
import {
  checkFulfilmentRequest,
  fulfilmentFeeMinor,
  resolveFulfilment,
  type CheckedFulfilmentRequest,
  type Fulfilment,
  type FulfilmentRequest,
} from '../fulfilment/checkout-fulfilment.ts';
import type { AddressSnapshot } from '../fulfilment/fulfilment.schemas.ts';
import type { ShopFulfilmentSettings } from '../fulfilment/shop-fulfilment-settings.ts';
import type { QrService } from '../qr/qr.service.ts';
import { prepared } from '../../prepared-statements.ts';
import { sha256Hex } from '../../secrets.ts';
import { SqlParameters } from '../../sql-parameters.ts';
import type { Order } from './order.entity.ts';
import type { OrderLine } from './order-line.entity.ts';
import { loadLines, ORDER_EVENT_COLUMNS, orderEventPayload, orderEventRowSql, orderSelectList } from './order-records.ts';
import {
  CartEmptyError,
  CheckoutShopNotFoundError,
  InsufficientStockError,
  OrderAmountTooLargeError,
  ProductUnavailableError,
  UnknownVariantError,
} from './orders.errors.ts';
import type { CheckoutInput } from './orders.schemas.ts';
import type { StockLine } from './stock-reservations.ts';
import { cartOfShopperSql, type CartKey } from '../carts/cart-view.ts';
import { ATTRIBUTION_INSERT_SQL } from '../referrals/referral-attribution.ts';

export type PlacedOrder = Order & { lines: OrderLine[] };

export interface CheckoutResult {
  order: PlacedOrder;
  /** True when an earlier request with the same Idempotency-Key created the order. */
  replayed: boolean;
}

interface ShopRow extends ShopFulfilmentSettings {
  id: string;
  merchantId: string;
  currency: CurrencyCode;
  cartId: string | null;
  /** The address book entry named by addressId, if it is this shopper's (read by the same statement). */
  savedAddress: AddressSnapshot | null;
}

/** The unique key of (shopper, Idempotency-Key) on shop_order: a twin request's order is already there. */
const ORDER_IDEMPOTENCY_CONSTRAINT = 'shop_order_shopper_id_idempotency_key_key';

/** Checkout's first statement: the order this shopper already placed with the Idempotency-Key `$3`, if any. */
const EXISTING_ORDER_COLUMN = `(select id from shop_order where shopper_id = $2 and idempotency_key = $3) as "existingOrderId"`;

/** The shop columns checkout's first statement reads, beside the replay check and the cart. */
const SHOP_COLUMNS = `shop.id, shop.merchant_id as "merchantId", shop.currency, shop.fulfilment_methods as "fulfilmentMethods",
            shop.position, shop.delivery,
            (select ${addressSnapshotJsonSql('address')} from shopper_address address where address.id = $4 and address.shopper_id = $2) as "savedAddress"`;

function shopOf(row: ShopRow, cartId: string | null): ShopRow {
  return {
    id: row.id,
    merchantId: row.merchantId,
    currency: row.currency,
    cartId,
    fulfilmentMethods: row.fulfilmentMethods,
    position: row.position,
    delivery: row.delivery,
    savedAddress: row.savedAddress,
  };
}

/**
 * Checkout: a cart, or one "buy now" line, becomes an order awaiting payment, with prices copied from
 * the catalog and stock reserved by conditional updates, in one transaction on the raw pool. This is
 * the hot path, so it takes two round trips: the shop (the cart locked, and any order already placed with
 * this Idempotency-Key) with the cart's variants locked in id order (so that concurrent checkouts queue
 * rather than deadlock) and the reservation behind it; then the order with everything that goes with it,
 * and the commit.
 */
export class CheckoutService {
  constructor(
    private readonly database: Database,
    private readonly config: Pick<Config, 'orders'>,
    /** Verifies table tokens (HMAC, in process: no round trip on the hot path). */
    private readonly qr: Pick<QrService, 'verify'>,
  ) {}

  async place(actor: ShopperActor, input: CheckoutInput & { shopSlug: string; idempotencyKey?: string | undefined }): Promise<CheckoutResult> {
    const fulfilment = checkFulfilmentRequest(input, this.qr);
    const request = normaliseRequest(input, fulfilment);
    const key = input.idempotencyKey ?? null;
    const { result, replayed } = await runIdempotent<PlacedOrder>({
      key,
      request,
      // The transaction's first statement looks the key up itself: no read before it on the hot path.
      lookFirst: false,
      find: (existingKey) => this.findEarlier(actor, existingKey),
      perform: () => withPoolTransaction(this.database.pool, (client) => this.placeInTransaction(client, actor, request, fulfilment, key)),
      twinInFlight: (error) => isUniqueViolation(error, ORDER_IDEMPOTENCY_CONSTRAINT),
    });
    return { order: result, replayed };
  }

  private async findEarlier(actor: ShopperActor, key: string): Promise<EarlierRequest<PlacedOrder> | null> {
    const { rows } = await this.database.pool.query<Order>(`select ${orderSelectList()} from shop_order where shopper_id = $1 and idempotency_key = $2`, [
      actor.shopperId,
      key,
    ]);
    const existing = rows[0];
    if (!existing) return null;
    return { request: existing.idempotencyRequest, answer: async () => Object.assign(existing, { lines: await loadLines(this.database.pool, existing.id) }) };
  }

  private async placeInTransaction(
    client: pg.PoolClient,
    actor: ShopperActor,
    request: NormalisedRequest,
    fulfilmentRequest: CheckedFulfilmentRequest,
    key: string | null,
  ): Promise<PlacedOrder> {
    // The first statement also looks for an order placed with this key: a retry is answered before
    // anything else is checked (the cart it emptied, a shop closed since) and rolls back untouched. The
    // reservation leaves with it, in its round trip: whatever it reserved is rolled back with the
    // transaction when the answers say no.
    const addressId = fulfilmentRequest.addressId;
    const found = request.source === 'cart' ? await lockCartAndReserve(client, actor, request.shopSlug, key, addressId) : await buyNowReserved(client, actor, request, key, addressId);
    if (found === 'replay') throw new IdempotencyRaceLost();
    const { shop, variants } = found;
    // Where the order goes is refused before the stock is (a shopper fixes the address first).
    const fulfilment = resolveFulfilment(shop, fulfilmentRequest, shop.savedAddress);
    const fieldOf = (variantId: string) => (request.source === 'cart' ? `lines.${variantId}` : 'variantId');
    if (variants.some((variant) => variant.reserved === null)) throw refusal(variants, shop.id, request.source, fieldOf);
    const reserved = variants.map((variant) => variant.reserved as ReservedVariant);

    let subtotalMinor = 0n;
    for (const variant of reserved) subtotalMinor += BigInt(variant.priceMinor) * BigInt(variant.quantity);
    if (subtotalMinor > BigInt(Number.MAX_SAFE_INTEGER)) throw new OrderAmountTooLargeError();
    const deliveryFeeMinor = fulfilmentFeeMinor(shop, fulfilment, Number(subtotalMinor));
    const totalMinor = subtotalMinor + BigInt(deliveryFeeMinor);
    if (totalMinor > BigInt(Number.MAX_SAFE_INTEGER)) throw new OrderAmountTooLargeError();

    const orderId = newId();
    const inserting = insertOrder(client, actor, {
      id: orderId,
      shop,
      request,
      key,
      totalMinor: Number(totalMinor),
      deliveryFeeMinor,
      fulfilment,
      itemCount: reserved.reduce((sum, variant) => sum + variant.quantity, 0),
      paymentDueAt: new Date(Date.now() + this.config.orders.paymentTimeoutSeconds * 1000),
      lines: reserved,
    });
    // The commit, sent behind the order, in its round trip (the transaction is pipelined,
    // db/src/pool-transaction.ts). Nothing is checked after it: a concurrent request with the same key that
    // committed first makes the order's insert fail, and with it the whole transaction, reservation included.
    commitBehind(client);
    return inserting;
  }
}

type NormalisedRequest = { shopSlug: string; source: 'cart' | 'buy_now'; variantId: string | null; quantity: number | null } & Omit<FulfilmentRequest, 'address'> & {
    /** The inline address's digest (`sha256:<hex>`): enough to tell a retry from another request, without a second copy. */
    address?: string;
  };

function normaliseRequest(input: CheckoutInput & { shopSlug: string }, fulfilmentRequest: CheckedFulfilmentRequest): NormalisedRequest {
  // Fulfilment fields are kept only when sent, so a retry of an order placed before they existed still matches.
  const fulfilment: Omit<NormalisedRequest, 'shopSlug' | 'source' | 'variantId' | 'quantity'> = {};
  if (input.fulfilmentMethod !== undefined) fulfilment.fulfilmentMethod = input.fulfilmentMethod;
  if (input.addressId !== undefined) fulfilment.addressId = input.addressId;
  if (fulfilmentRequest.address) fulfilment.address = `sha256:${sha256Hex(JSON.stringify(fulfilmentRequest.address))}`;
  if (input.tableToken !== undefined) fulfilment.tableToken = input.tableToken;
  if (input.source === 'buy_now') {
    if (input.variantId === undefined) throw new ValidationError({ variantId: 'is required to buy now' });
    return { shopSlug: input.shopSlug, source: 'buy_now', variantId: input.variantId, quantity: input.quantity ?? 1, ...fulfilment };
  }
  if (input.variantId !== undefined || input.quantity !== undefined) {
    throw new ValidationError({ [input.variantId !== undefined ? 'variantId' : 'quantity']: 'is only for source buy_now; a cart checkout takes the cart as it is' });
  }
  return { shopSlug: input.shopSlug, source: 'cart', variantId: null, quantity: null, ...fulfilment };
}

/** The open shop at `slug`, and the order this shopper already placed with this Idempotency-Key, if any. */
async function findShop(client: Queryable, actor: ShopperActor, slug: string, key: string | null, addressId: string | null): Promise<ShopRow | 'replay'> {
  const { rows } = await client.query<ShopRow & { existingOrderId: string | null }>(
    prepared(
      `select ${EXISTING_ORDER_COLUMN},
            ${SHOP_COLUMNS}
       from (values (1)) as always_one_row
       left join shop on shop.slug = $1 and shop.status = 'open'`,
      [slug, actor.shopperId, key, addressId],
    ),
  );
  const row = rows[0] as ShopRow & { existingOrderId: string | null };
  if (row.existingOrderId) return 'replay';
  if (!row.id) throw new CheckoutShopNotFoundError(slug);
  return shopOf(row, null);
}

/** The shop, and the one line named reserved (sent behind the shop's read, in its round trip). */
async function buyNowReserved(
  client: Queryable,
  actor: ShopperActor,
  request: NormalisedRequest,
  key: string | null,
  addressId: string | null,
): Promise<{ shop: ShopRow; variants: VariantOutcome[] } | 'replay'> {
  const line: StockLine = { variantId: request.variantId as string, quantity: request.quantity as number };
  const [shop, variants] = await allInOrder([findShop(client, actor, request.shopSlug, key, addressId), reserveStock(client, { shopSlug: request.shopSlug, lines: [line] })]);
  if (shop === 'replay') return shop;
  return { shop, variants };
}

/**
 * The shop and the shopper's cart, locked so that the shopper's taps on it wait until the checkout has
 * taken its lines, then the variants of a cart of two lines or more locked in id order (two carts never
 * wait on each other crosswise) and its lines reserved: three statements in one round trip. The lines are
 * read by the reservation, after the lock was granted: a checkout that waited for another one of the same
 * cart sees the cart as that one left it (emptied), never the lines of the snapshot it started with. No row
 * from the lock: a replay, no such shop, or no cart.
 */
async function lockCartAndReserve(
  client: Queryable,
  actor: ShopperActor,
  slug: string,
  key: string | null,
  addressId: string | null,
): Promise<{ shop: ShopRow; variants: VariantOutcome[] } | 'replay'> {
  const cart: CartKey = { shopperId: actor.shopperId, shopSlug: slug };
  const locking = client.query<ShopRow & { existingOrderId: string | null }>(
    prepared(
      `select ${EXISTING_ORDER_COLUMN},
            ${SHOP_COLUMNS}, cart.id as "cartId"
       from shop
       join cart on cart.shop_id = shop.id and cart.shopper_id = $2
      where shop.slug = $1 and shop.status = 'open'
      for no key update of cart`,
      [slug, actor.shopperId, key, addressId],
    ),
  );
  // A cart of one line locks nothing here: the reservation's update locks its one variant, and a single lock
  // cannot be taken crosswise (each lock taken ahead of the update is one more write to the row's page and the WAL).
  const variantsLocked = client.query(
    prepared(
      `with cart_row as (${cartOfShopperSql('$1', '$2')}),
            line as (select line.variant_id from cart_row join cart_line line on line.cart_id = cart_row.id)
       select variant.id from variant
        where variant.id in (select variant_id from line) and (select count(*) from line) > 1
        order by variant.id
        for no key update of variant`,
      [cart.shopSlug, cart.shopperId],
    ),
  );
  const [{ rows }, , variants] = await allInOrder([locking, variantsLocked, reserveStock(client, { cart })]);
  const [row] = rows;
  if (!row) {
    if ((await findShop(client, actor, slug, key, addressId)) === 'replay') return 'replay';
    throw new CartEmptyError();
  }
  if (row.existingOrderId) return 'replay';
  if (variants.length === 0) throw new CartEmptyError();
  return { shop: shopOf(row, row.cartId), variants };
}

interface ReservedVariant extends StockLine {
  productId: string;
  sku: string;
  title: string;
  productTitle: string;
  priceMinor: number;
}

interface VariantOutcome {
  variantId: string;
  /** What was reserved, from the row as the reservation left it (its price is the one the order carries). */
  reserved: ReservedVariant | null;
  /** Why not, from the rows as they were when the statement began. */
  shopId: string | null;
  productStatus: string | null;
  availableQuantity: number | null;
}

/** What a checkout reserves: the lines of the shopper's cart in an open shop, or lines named in an open shop. */
type WantedLines = { cart: CartKey } | { shopSlug: string; lines: StockLine[] };

/** The wanted lines (variant_id, quantity, position) and the shop (id) as CTEs, with their parameters. */
function wantedLinesSql(wanted: WantedLines): { sql: string; parameters: unknown[] } {
  if ('cart' in wanted) {
    return {
      sql: `cart_row as (${cartOfShopperSql('$1', '$2')}),
            wanted as (select line.variant_id, line.quantity, row_number() over (order by line.created_at, line.id) as position
                         from cart_row join cart_line line on line.cart_id = cart_row.id),
            shop_row as (select shop_id as id from cart_row)`,
      parameters: [wanted.cart.shopSlug, wanted.cart.shopperId],
    };
  }
  return {
    sql: `wanted as (select * from unnest($1::uuid[], $2::int[]) with ordinality as w(variant_id, quantity, position)),
          shop_row as (select id from shop where slug = $3 and status = 'open')`,
    parameters: [wanted.lines.map((line) => line.variantId), wanted.lines.map((line) => line.quantity), wanted.shopSlug],
  };
}

/**
 * Reserves every wanted line that is sold in the shop and has the stock, in one statement: a conditional
 * update per variant, and for the lines it could not reserve, what the catalog says about them. The
 * statement needs nothing an earlier answer returns, so it is sent behind them. The caller rolls back
 * unless every line was reserved; no rows for no lines.
 */
function reserveStock(client: Queryable, wanted: WantedLines): Promise<VariantOutcome[]> {
  const lines = wantedLinesSql(wanted);
  return client
    .query<VariantOutcome & { productId: string; sku: string; title: string; productTitle: string; priceMinor: number; quantity: number; isReserved: boolean }>(
      prepared(
        `with ${lines.sql},
            reserved as (
              update variant v set stock_reserved = v.stock_reserved + w.quantity
                from wanted w, product p, shop_row
               where v.id = w.variant_id and p.id = v.product_id and p.shop_id = shop_row.id and p.status = 'active'
                 and v.stock_on_hand - v.stock_reserved >= w.quantity
              returning v.id, v.product_id, v.sku, v.title, v.price_minor, p.title as product_title
            )
       select w.variant_id as "variantId", w.quantity, r.id is not null as "isReserved",
              r.product_id as "productId", r.sku, r.title, r.product_title as "productTitle", r.price_minor as "priceMinor",
              p.shop_id as "shopId", p.status as "productStatus", v.stock_on_hand - v.stock_reserved as "availableQuantity"
         from wanted w
         left join reserved r on r.id = w.variant_id
         left join variant v on v.id = w.variant_id
         left join product p on p.id = v.product_id
        order by w.position`,
        lines.parameters,
      ),
    )
    .then(({ rows }) =>
      rows.map((row) => ({
        variantId: row.variantId,
        reserved: row.isReserved
          ? { variantId: row.variantId, quantity: row.quantity, productId: row.productId, sku: row.sku, title: row.title, productTitle: row.productTitle, priceMinor: row.priceMinor }
          : null,
        shopId: row.shopId,
        productStatus: row.productStatus,
        availableQuantity: row.availableQuantity,
      })),
    );
}

/** The first reason, in order of precedence, why some line could not be reserved. */
function refusal(variants: VariantOutcome[], shopId: string, source: 'cart' | 'buy_now', fieldOf: (variantId: string) => string): Error {
  // A variant the shopper named is unknown here (400); one in their cart has left the shop since (422).
  const unknown = variants.find((variant) => variant.shopId !== shopId);
  if (unknown && source === 'buy_now') return new UnknownVariantError(fieldOf(unknown.variantId));
  const inactive = variants.filter((variant) => variant.shopId !== shopId || variant.productStatus !== 'active');
  if (inactive.length) return new ProductUnavailableError(Object.fromEntries(inactive.map((variant) => [fieldOf(variant.variantId), 'is no longer on sale'])));
  const short = variants.filter((variant) => variant.reserved === null);
  return new InsufficientStockError(
    Object.fromEntries(
      short.map((variant) => {
        const available = Math.max(variant.availableQuantity ?? 0, 0);
        return [source === 'cart' ? fieldOf(variant.variantId) : 'quantity', available === 0 ? 'is sold out' : `only ${available} available`];
      }),
    ),
  );
}

interface NewOrder {
  id: string;
  shop: ShopRow;
  request: NormalisedRequest;
  key: string | null;
  totalMinor: number;
  deliveryFeeMinor: number;
  fulfilment: Fulfilment;
  itemCount: number;
  paymentDueAt: Date;
  lines: ReservedVariant[];
}

/**
 * The order, its lines, its first event and its `order.placed` outbox row (which starts the payment
 * timeout), and for a cart checkout the emptied cart: one statement. If another request with the same
 * Idempotency-Key committed first, it fails on ORDER_IDEMPOTENCY_CONSTRAINT (after waiting for that one to
 * commit or roll back, as PostgreSQL does for a unique key) and the transaction with it.
 */
async function insertOrder(client: Queryable, actor: ShopperActor, order: NewOrder): Promise<PlacedOrder> {
  const parameters = new SqlParameters();
  const lines: OrderLine[] = order.lines.map((line, position) => ({
    id: newId(),
    orderId: order.id,
    merchantId: order.shop.merchantId,
    position,
    variantId: line.variantId,
    productId: line.productId,
    sku: line.sku,
    productTitle: line.productTitle,
    variantTitle: line.title,
    unitPriceMinor: line.priceMinor,
    quantity: line.quantity,
    lineTotalMinor: line.priceMinor * line.quantity,
    refundedQuantity: 0,
    refundedMinor: 0,
  }));
  const column = <Key extends keyof OrderLine>(key: Key, cast: string) => parameters.add(lines.map((line) => line[key]), cast);
  const orderId = parameters.add(order.id, 'uuid');
  const merchantId = parameters.add(order.shop.merchantId, 'uuid');
  const event = orderEventRowSql(parameters, { id: order.id, merchantId: order.shop.merchantId }, actor, { type: 'status_changed', fromStatus: null, toStatus: 'pending_payment' });
  const outbox = outboxRowSql(parameters, {
    type: 'order.placed',
    aggregateType: 'order',
    aggregateId: order.id,
    merchantId: order.shop.merchantId,
    payload: orderEventPayload(
      { id: order.id, number: null, shopId: order.shop.id, shopperId: actor.shopperId, status: 'pending_payment', currency: order.shop.currency, totalMinor: order.totalMinor, refundedMinor: 0 },
      null,
    ),
    // No job per order: the unpaid-order timeout reads the database (order.expire_overdue).
  });
  // The number is the database's; everything else in the payload is known here.
  const [outboxId, type, aggregateType, aggregateId, outboxMerchantId, payload, jobs] = outbox.expressions;
  const cartId = order.request.source === 'cart' ? order.shop.cartId : null;

  const { rows } = await client.query<Order>(
    prepared(
      `with placed as (
       insert into shop_order (id, merchant_id, shop_id, shopper_id, status, currency, item_count, total_minor, source, cart_id,
                               idempotency_key, idempotency_request, payment_due_at,
                               fulfilment_method, delivery_fee_minor, delivery_address, delivery_distance_meters, table_label)
       values (${orderId}, ${merchantId}, ${parameters.add(order.shop.id, 'uuid')}, ${parameters.add(actor.shopperId, 'uuid')}, 'pending_payment',
               ${parameters.add(order.shop.currency, 'text')}, ${parameters.add(order.itemCount, 'int')}, ${parameters.add(order.totalMinor, 'bigint')},
               ${parameters.add(order.request.source, 'text')}, ${parameters.add(cartId, 'uuid')}, ${parameters.add(order.key, 'text')},
               ${parameters.add(JSON.stringify(order.request), 'jsonb')}, ${parameters.add(order.paymentDueAt, 'timestamptz')},
               ${parameters.add(order.fulfilment.method, 'text')}, ${parameters.add(order.deliveryFeeMinor, 'bigint')},
               ${parameters.add(order.fulfilment.address && JSON.stringify(order.fulfilment.address), 'jsonb')},
               ${parameters.add(order.fulfilment.distanceMeters, 'int')}, ${parameters.add(order.fulfilment.tableLabel, 'text')})
       returning ${orderSelectList('shop_order')}
     ),
     lines as (
       insert into order_line (id, order_id, merchant_id, position, variant_id, product_id, sku, product_title, variant_title,
                               unit_price_minor, quantity, line_total_minor)
       select l.id, placed.id, placed."merchantId", l.position, l.variant_id, l.product_id, l.sku, l.product_title, l.variant_title,
              l.unit_price_minor, l.quantity, l.unit_price_minor * l.quantity
         from placed, unnest(${column('id', 'uuid[]')}, ${column('position', 'int[]')}, ${column('variantId', 'uuid[]')}, ${column('productId', 'uuid[]')},
                             ${column('sku', 'text[]')}, ${column('productTitle', 'text[]')}, ${column('variantTitle', 'text[]')},
                             ${column('unitPriceMinor', 'bigint[]')}, ${column('quantity', 'int[]')})
           as l(id, position, variant_id, product_id, sku, product_title, variant_title, unit_price_minor, quantity)
     ),
     event as (insert into order_event (${ORDER_EVENT_COLUMNS}) select ${event.join(', ')} from placed),
     box as (
       insert into outbox (${OUTBOX_COLUMNS})
       select ${outboxId}, ${type}, ${aggregateType}, ${aggregateId}, ${outboxMerchantId}, ${payload} || jsonb_build_object('number', placed.number), ${jobs}
         from placed
     ),
     emptied as (delete from cart_line where cart_id = ${parameters.add(cartId, 'uuid')} and exists (select 1 from placed)),
     -- The sharer who brought this shopper here, if any (docs/social.md §3).
     attributed as (${ATTRIBUTION_INSERT_SQL})
     select * from placed`,
      parameters.values,
    ),
  );
  const placed = rows[0];
  assert(placed, 'an order insert that did not fail returns the order');
  noteOutboxWrite(client);
  // The row is ours: lines go onto it rather than into a spread copy (docs/performance.md, "Spreads").
  return Object.assign(placed, { lines });
}
