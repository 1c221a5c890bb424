import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../ids.ts';
import { verifyPassword } from '../modules/auth/passwords.ts';
import { createTestEnvironment, type TestEnvironment } from '../testing/databases.ts';
import { DEMO_LOGINS, DemoSeedRefusedError, seedDemo } from './demo.ts';
import { DEMO_PASSWORD } from './demo-catalog.ts';

const SEEDED_TABLES = ['merchant', 'staff_user', 'membership', 'operator', 'shop', 'category', 'product', 'variant', 'stock_movement'];

async function rowCounts(environment: TestEnvironment): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of SEEDED_TABLES) {
    const { rows } = await environment.database.pool.query(`select count(*)::int as count from ${table}`);
    counts[table] = rows[0].count;
  }
  return counts;
}

describe('the demo seed', () => {
  let environment: TestEnvironment;
  const options = () => environment.config;
  beforeAll(async () => {
    environment = await createTestEnvironment();
  });
  afterAll(() => environment?.cleanup());

  it('fills an empty database with merchants, shops, a catalog with stock, and logins', async () => {
    const summary = await seedDemo(environment.database, options());
    expect(summary).toMatchObject({ seeded: true, merchants: 2, shops: 3, password: DEMO_PASSWORD });
    if (!summary.seeded) return;
    expect(summary.products).toBeGreaterThanOrEqual(20);

    const { pool } = environment.database;
    const shops = await pool.query('select slug, currency, m.name as merchant from shop join merchant m on m.id = shop.merchant_id order by slug');
    expect(shops.rows).toEqual([
      { slug: 'lotus-dumplings', currency: 'EUR', merchant: 'Lotus Trading Co.' },
      { slug: 'lotus-tea-house', currency: 'EUR', merchant: 'Lotus Trading Co.' },
      { slug: 'neon-sneakers', currency: 'USD', merchant: 'Neon Footwear LLC' },
    ]);
    expect(await rowCounts(environment)).toMatchObject({ product: summary.products, variant: summary.variants, stock_movement: summary.stockMovements });
  });

  it('lets the dumpling shop deliver by distance, hand over at the counter and serve tables; the others offer pickup', async () => {
    const { rows } = await environment.database.pool.query(`select slug, fulfilment_methods, position is not null as placed, delivery->'fee'->>'kind' as fee from shop order by slug`);
    expect(rows).toEqual([
      { slug: 'lotus-dumplings', fulfilment_methods: ['delivery', 'pickup', 'table'], placed: true, fee: 'distance_bands' },
      { slug: 'lotus-tea-house', fulfilment_methods: ['pickup'], placed: false, fee: null },
      { slug: 'neon-sneakers', fulfilment_methods: ['pickup'], placed: false, fee: null },
    ]);
  });

  it('gives every product a variant, a placeholder picture and a category of its own shop', async () => {
    const { rows } = await environment.database.pool.query(`
      select p.title, p.images, p.status, count(v.id)::int as variants, bool_and(c.shop_id = p.shop_id) as category_in_shop
        from product p join variant v on v.product_id = p.id join category c on c.id = p.category_id
       group by p.id`);
    expect(rows.length).toBeGreaterThanOrEqual(20);
    for (const product of rows) {
      expect(product.variants, product.title).toBeGreaterThan(0);
      expect(product.category_in_shop, product.title).toBe(true);
      expect(product.status).toBe('active');
      expect(product.images).toEqual([{ url: expect.stringMatching(/^\/media\/placeholder\/[a-z0-9-]+\.svg$/), alt: product.title }]);
    }
  });

  it('opens the stock journal of every stocked variant with one initial movement equal to its stock', async () => {
    const { rows } = await environment.database.pool.query(`
      select v.sku, v.stock_on_hand, count(m.id)::int as movements, coalesce(sum(m.quantity_delta), 0)::int as journal,
             bool_and(m.reason = 'initial' and m.stock_on_hand_after = v.stock_on_hand and m.merchant_id = v.merchant_id) as initial
        from variant v left join stock_movement m on m.variant_id = v.id
       group by v.id`);
    for (const variant of rows) {
      expect(variant.journal, variant.sku).toBe(variant.stock_on_hand);
      expect(variant.movements, variant.sku).toBe(variant.stock_on_hand > 0 ? 1 : 0);
      if (variant.movements) expect(variant.initial, variant.sku).toBe(true);
    }
    expect(rows.some((variant) => variant.stock_on_hand === 0)).toBe(true);
  });

  it('creates one working login per role, the operator and the second merchant owner', async () => {
    const { rows } = await environment.database.pool.query(`
      select u.email, u.password_hash, m.role, merchant.name as merchant, (o.id is not null) as operator
        from staff_user u left join membership m on m.user_id = u.id left join merchant on merchant.id = m.merchant_id
        left join operator o on o.user_id = u.id order by u.email`);
    const byEmail = (a: unknown[], b: unknown[]) => (String(a[0]) < String(b[0]) ? -1 : 1);
    expect(rows.map((row) => [row.email, row.operator ? 'operator' : row.role, row.merchant]).sort(byEmail)).toEqual(
      DEMO_LOGINS.map((login) => [login.email, login.role, login.merchant]).sort(byEmail),
    );
    expect(rows.map((row) => row.email)).toEqual(
      expect.arrayContaining(['operator@demo.minishop.dev', 'owner@demo.minishop.dev', 'manager@demo.minishop.dev', 'clerk@demo.minishop.dev', 'finance@demo.minishop.dev', 'owner2@demo.minishop.dev']),
    );
    for (const row of rows) {
      expect(await verifyPassword(row.password_hash, DEMO_PASSWORD), row.email).toBe(true);
      expect(await verifyPassword(row.password_hash, 'not-the-password'), row.email).toBe(false);
    }
    expect(new Set(rows.map((row) => row.password_hash)).size).toBe(rows.length);
  });

  it('changes nothing on a second run and says so', async () => {
    const before = await rowCounts(environment);
    const summary = await seedDemo(environment.database, options());
    expect(summary).toEqual({ seeded: false, reason: expect.stringContaining('already holds data (2 merchants, 6 staff users)') });
    expect(await rowCounts(environment)).toEqual(before);
  });
});

describe('the demo seed on a database someone already uses', () => {
  let environment: TestEnvironment;
  beforeAll(async () => {
    environment = await createTestEnvironment();
  });
  afterAll(() => environment?.cleanup());

  it('leaves a database with a merchant alone', async () => {
    await environment.database.pool.query(`insert into merchant (id, name) values ($1, 'Real Merchant')`, [newId()]);
    const before = await rowCounts(environment);
    const summary = await seedDemo(environment.database, environment.config);
    expect(summary).toMatchObject({ seeded: false, reason: expect.stringContaining('1 merchants') });
    expect(await rowCounts(environment)).toEqual(before);
  });

  it('seeds once when two runs race', async () => {
    const fresh = await createTestEnvironment();
    try {
      const results = await Promise.all([1, 2].map(() => seedDemo(fresh.database, fresh.config)));
      expect(results.map((result) => result.seeded).sort()).toEqual([false, true]);
      expect((await rowCounts(fresh)).merchant).toBe(2);
    } finally {
      await fresh.cleanup();
    }
  });
});

describe('the demo seed with NODE_ENV=production', () => {
  let environment: TestEnvironment;
  beforeAll(async () => {
    environment = await createTestEnvironment();
  });
  afterAll(() => environment?.cleanup());

  it('refuses to create the published logins, names SEED_DEMO_IN_PRODUCTION, and writes nothing', async () => {
    const production = { ...environment.config, environment: 'production' as const, seed: { demoInProduction: false } };
    const before = await rowCounts(environment);
    await expect(seedDemo(environment.database, production)).rejects.toThrow(DemoSeedRefusedError);
    await expect(seedDemo(environment.database, production)).rejects.toThrow(/SEED_DEMO_IN_PRODUCTION=yes/);
    expect(await rowCounts(environment)).toEqual(before);
    expect(before.staff_user).toBe(0);
  });

  it('seeds a demo server when SEED_DEMO_IN_PRODUCTION=yes asks for it', async () => {
    const summary = await seedDemo(environment.database, { ...environment.config, environment: 'production', seed: { demoInProduction: true } });
    expect(summary).toMatchObject({ seeded: true, merchants: 2 });
  });
});
