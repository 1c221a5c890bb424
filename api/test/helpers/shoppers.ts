import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { MerchantActor } from '../../../db/src/actor.ts';
import { newId } from '../../../db/src/ids.ts';
import type { CurrencyCode } from '../../../db/src/money.ts';
import { bearer, logIn, TEST_PASSWORD } from './auth.ts';

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

/** A platform operator, made as `npm run operator:grant` makes one, signed in through the real sign-in route. */
export async function createOperator(app: FastifyInstance): Promise<{ userId: string; headers: { authorization: string } }> {
  const email = `operator.${newId()}@example.test`;
  const { userId } = await app.services.auth.grantOperator({ email, name: 'Operator', password: TEST_PASSWORD });
  const response = await logIn(app, email);
  if (response.statusCode !== 200) throw new Error(`operator sign-in answered ${response.statusCode}: ${response.body}`);
  return { userId, headers: bearer(response.json().accessToken) };
}

export interface StoreFixture {
  shopId: string;
  slug: string;
  productId: string;
  variantIds: string[];
}

/**
 * A member of the merchant acting in the console's services: the fixture below goes through the same
 * service calls the console's routes make (opening stock lands in the stock journal as `initial`), so a
 * test starts from a state the product itself creates.
 */
async function consoleActorOf(app: FastifyInstance, merchantId: string): Promise<MerchantActor> {
  const { rows } = await app.database.pool.query<{ user_id: string }>('select user_id from membership where merchant_id = $1 order by created_at limit 1', [merchantId]);
  if (!rows[0]) throw new Error(`merchant ${merchantId} has no staff: create it with createMerchantWithStaff first`);
  return { type: 'staff', userId: rows[0].user_id, merchantId, role: 'owner', isOperator: false };
}

/** A shop with one product and its variants, made through the console's services. Each variant is `{priceMinor, stockOnHand}`. */
export async function createStoreFixture(
  app: FastifyInstance,
  merchantId: string,
  options: {
    slug?: string;
    currency?: CurrencyCode;
    shopStatus?: 'open' | 'closed';
    productStatus?: 'draft' | 'active' | 'archived';
    variants?: { priceMinor: number; stockOnHand: number; title?: string }[];
  } = {},
): Promise<StoreFixture> {
  const actor = await consoleActorOf(app, merchantId);
  const slug = options.slug ?? `shop-${newId().slice(-12)}`;
  const shop = await app.services.shops.create(actor, { slug, name: `Shop ${slug}`, currency: options.currency ?? 'EUR', status: options.shopStatus ?? 'open' });
  const productId = await addProduct(app, merchantId, shop.id, options);
  const { rows } = await app.database.pool.query<{ id: string }>('select id from variant where product_id = $1 order by position', [productId]);
  return { shopId: shop.id, slug, productId, variantIds: rows.map((row) => row.id) };
}

/** A product with its variants in the shop, made through the console's services; answers its id. */
export async function addProduct(
  app: FastifyInstance,
  merchantId: string,
  shopId: string,
  options: { productStatus?: 'draft' | 'active' | 'archived'; title?: string; variants?: { priceMinor: number; stockOnHand: number; title?: string }[] } = {},
): Promise<string> {
  const actor = await consoleActorOf(app, merchantId);
  const status = options.productStatus ?? 'active';
  // An archived product was once on sale: created active, then archived, as in the console.
  const product = await app.services.products.create(actor, { shopId, title: options.title ?? 'Jasmine Tea', status: status === 'archived' ? 'active' : status });
  const variants = options.variants ?? [{ priceMinor: 1299, stockOnHand: 10 }];
  for (const [position, variant] of variants.entries()) {
    await app.services.variants.create(actor, {
      productId: product.id,
      sku: `SKU-${newId()}`,
      title: variant.title ?? `Variant ${position + 1}`,
      priceMinor: variant.priceMinor,
      stockOnHand: variant.stockOnHand,
      position,
    });
  }
  if (status === 'archived') await app.services.products.update(actor, product.id, { status: 'archived' });
  return product.id;
}
