import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { newId } from '../../../db/src/ids.ts';

export interface ShopperSession {
  shopperId: string;
  accessToken: string;
  /** Headers for app.inject: `{ authorization: 'Bearer ...' }`. */
  headers: { authorization: string };
}

/** A guest shopper signed in through the real sessions route, on a device of its own unless one is given. */
export async function createGuestShopper(app: FastifyInstance, deviceId = randomBytes(16).toString('base64url')): Promise<ShopperSession> {
  const response = await app.inject({ method: 'POST', url: '/api/store/sessions', payload: { provider: 'guest', deviceId } });
  if (response.statusCode !== 201) throw new Error(`guest session failed: ${response.statusCode} ${response.body}`);
  const body = response.json();
  return { shopperId: body.shopper.id, accessToken: body.accessToken, headers: { authorization: `Bearer ${body.accessToken}` } };
}

/** A platform operator (staff user + operator row) signed in with a real staff access token. */
export async function createOperator(app: FastifyInstance): Promise<{ userId: string; headers: { authorization: string } }> {
  const userId = newId();
  await app.database.pool.query(`insert into staff_user (id, email, name, password_hash) values ($1, $2, 'Operator', 'not-a-password-hash')`, [
    userId,
    `operator.${userId}@example.test`,
  ]);
  await app.database.pool.query('insert into operator (id, user_id) values ($1, $2)', [newId(), userId]);
  return { userId, headers: { authorization: `Bearer ${await app.services.auth.signAccessToken({ sub: userId, isOperator: true })}` } };
}

export interface StoreFixture {
  shopId: string;
  slug: string;
  productId: string;
  variantIds: string[];
}

/**
 * A shop with one product and its variants, written straight to the database so that store tests do not
 * depend on the catalog admin API. Each variant is `{priceMinor, stockOnHand, stockReserved?}`.
 */
export async function createStoreFixture(
  app: FastifyInstance,
  merchantId: string,
  options: {
    slug?: string;
    currency?: string;
    shopStatus?: 'open' | 'closed';
    productStatus?: 'draft' | 'active' | 'archived';
    variants?: { priceMinor: number; stockOnHand: number; stockReserved?: number; title?: string }[];
  } = {},
): Promise<StoreFixture> {
  const { pool } = app.database;
  const shopId = newId();
  const slug = options.slug ?? `shop-${shopId.slice(-12)}`;
  await pool.query(`insert into shop (id, merchant_id, slug, name, currency, status) values ($1, $2, $3, $4, $5, $6)`, [
    shopId,
    merchantId,
    slug,
    `Shop ${slug}`,
    options.currency ?? 'EUR',
    options.shopStatus ?? 'open',
  ]);
  const productId = await addProduct(app, merchantId, shopId, options);
  const { rows } = await pool.query<{ id: string }>('select id from variant where product_id = $1 order by position', [productId]);
  return { shopId, slug, productId, variantIds: rows.map((row) => row.id) };
}

export async function addProduct(
  app: FastifyInstance,
  merchantId: string,
  shopId: string,
  options: { productStatus?: 'draft' | 'active' | 'archived'; title?: string; variants?: { priceMinor: number; stockOnHand: number; stockReserved?: number; title?: string }[] } = {},
): Promise<string> {
  const { pool } = app.database;
  const productId = newId();
  await pool.query(`insert into product (id, merchant_id, shop_id, title, status) values ($1, $2, $3, $4, $5)`, [
    productId,
    merchantId,
    shopId,
    options.title ?? 'Jasmine Tea',
    options.productStatus ?? 'active',
  ]);
  const variants = options.variants ?? [{ priceMinor: 1299, stockOnHand: 10 }];
  for (const [position, variant] of variants.entries()) {
    await pool.query(
      `insert into variant (id, merchant_id, product_id, sku, title, price_minor, stock_on_hand, stock_reserved, position)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [newId(), merchantId, productId, `SKU-${newId()}`, variant.title ?? `Variant ${position + 1}`, variant.priceMinor, variant.stockOnHand, variant.stockReserved ?? 0, position],
    );
  }
  return productId;
}
