import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.ts';
import { buildTestApp, type TestApp } from '../../helpers/app.ts';
import { createProduct, createShop, createVariant } from '../../helpers/catalog.ts';
import { createMerchantWithStaff, type StaffSession } from '../../helpers/staff.ts';

/**
 * Two API instances on one PostgreSQL and one Redis, as in production behind a load balancer. The TTL
 * is long, so only an invalidation over Redis can explain an instance seeing another one's write.
 */
let first: TestApp;
let second: FastifyInstance;
let owner: StaffSession;

beforeAll(async () => {
  first = await buildTestApp({ CATALOG_CACHE_TTL_MS: '600000' });
  second = await buildApp(first.config, { database: first.database, logger: false });
  await second.ready();
  owner = await createMerchantWithStaff(first.app, 'owner');
});
afterAll(async () => {
  await second.close();
  await first.close();
});

async function storeTitles(app: FastifyInstance, slug: string): Promise<string[]> {
  const response = await app.inject({ method: 'GET', url: `/api/store/shops/${slug}/products` });
  return response.json().items.map((item: { title: string }) => item.title);
}

async function eventually<Value>(read: () => Promise<Value>, expected: Value, timeoutMs = 2_000): Promise<number> {
  const startedAtMs = Date.now();
  for (;;) {
    const value = await read();
    if (JSON.stringify(value) === JSON.stringify(expected)) return Date.now() - startedAtMs;
    if (Date.now() - startedAtMs > timeoutMs) expect(value).toEqual(expected);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('catalog cache invalidation across instances', () => {
  it("drops the other instance's cached answers when one instance writes", async () => {
    const heardBefore = second.services.catalogInvalidations.receivedCount;
    const shop = await createShop(first.app, owner);
    await createProduct(first.app, owner, shop.id, { title: 'First' });
    // The product's own invalidation must have arrived first, or it would (rightly) discard the fill below.
    await eventually(async () => second.services.catalogInvalidations.receivedCount > heardBefore, true);
    expect(await storeTitles(second, shop.slug)).toEqual(['First']);

    // Proof that the second instance answers from its cache: a change it is not told about stays unseen.
    await first.database.pool.query(`update product set title = 'Unannounced' where shop_id = $1`, [shop.id]);
    expect(await storeTitles(second, shop.slug)).toEqual(['First']);

    const product = await createProduct(first.app, owner, shop.id, { title: 'Second' });
    await eventually(() => storeTitles(second, shop.slug), ['Second', 'Unannounced']);

    await createVariant(first.app, owner, product.id, { priceMinor: 4200 });
    await eventually(async () => (await second.inject({ method: 'GET', url: `/api/store/shops/${shop.slug}/products` })).json().items[0].priceFromMinor, 4200);
  });

  it("drops the first instance's cache when the second one writes, and leaves other shops' entries alone", async () => {
    const changed = await createShop(first.app, owner);
    const untouched = await createShop(first.app, owner);
    await createProduct(first.app, owner, changed.id, { title: 'Before' });
    await createProduct(first.app, owner, untouched.id, { title: 'Kept' });
    expect(await storeTitles(first.app, changed.slug)).toEqual(['Before']);
    expect(await storeTitles(first.app, untouched.slug)).toEqual(['Kept']);
    await first.database.pool.query(`update product set title = 'Unannounced' where shop_id = $1`, [untouched.id]);

    const response = await second.inject({ method: 'PUT', url: `/api/admin/shops/${changed.id}`, headers: owner.headers, payload: { status: 'closed' } });
    expect(response.statusCode).toBe(200);
    await eventually(async () => (await first.app.inject({ method: 'GET', url: `/api/store/shops/${changed.slug}` })).statusCode, 404);
    expect(await storeTitles(first.app, untouched.slug)).toEqual(['Kept']);
  });

  it('stops serving from the cache once it can no longer hear invalidations', async () => {
    const shop = await createShop(first.app, owner);
    await createProduct(first.app, owner, shop.id, { title: 'Cached' });
    const third = await buildApp(first.config, { database: first.database, logger: false });
    await third.ready();
    try {
      expect(await storeTitles(third, shop.slug)).toEqual(['Cached']);
      await third.services.catalogInvalidations.close();
      await first.database.pool.query(`update product set title = 'Fresh from the database' where shop_id = $1`, [shop.id]);
      expect(await storeTitles(third, shop.slug)).toEqual(['Fresh from the database']);
    } finally {
      await third.close();
    }
  });
});
