import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertLedgerInvariants } from '../../../db/src/testing/ledger-invariants.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { checkout, escrowBalanceMinor, fundWallet, pay, stockOf } from '../helpers/orders.ts';
import { createGuestShopper, createStoreFixture, type ShopperSession, type StoreFixture } from '../helpers/shoppers.ts';
import { createMerchantWithStaff } from '../helpers/staff.ts';

const SHOPPERS = 400;
const STOCK = 50;
const PRICE_MINOR = 1_999;

let testApp: TestApp;
let shop: StoreFixture;
let shoppers: ShopperSession[];

beforeAll(async () => {
  testApp = await buildTestApp({ DATABASE_POOL_MAX: '20' });
  const owner = await createMerchantWithStaff(testApp.app, 'owner');
  shop = await createStoreFixture(testApp.app, owner.merchantId, { variants: [{ priceMinor: PRICE_MINOR, stockOnHand: STOCK }] });
  shoppers = [];
  for (let index = 0; index < SHOPPERS; index += 50) {
    shoppers.push(...(await Promise.all(Array.from({ length: 50 }, () => createGuestShopper(testApp.app)))));
  }
}, 120_000);
afterAll(() => testApp.close());

describe(`${SHOPPERS} shoppers check out at once for ${STOCK} units`, () => {
  it('gives stock to exactly 50 orders, never oversells, and the ledger holds once the paid ones settle', async () => {
    const variantId = shop.variantIds[0] as string;
    // Watches the variant row through the storm: sold plus reserved never exceeds stock.
    let watching = true;
    const violations: unknown[] = [];
    const watcher = (async () => {
      while (watching) {
        const { rows } = await testApp.database.pool.query('select stock_on_hand, stock_reserved from variant where id = $1', [variantId]);
        const row = rows[0];
        if (row.stock_reserved > row.stock_on_hand || row.stock_on_hand - row.stock_reserved < 0) violations.push(row);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();

    const responses = await Promise.all(shoppers.map((shopper) => checkout(testApp.app, shopper, shop.slug, { source: 'buy_now', variantId, quantity: 1 })));
    watching = false;
    await watcher;

    const placed = responses.filter((response) => response.statusCode === 201);
    const refused = responses.filter((response) => response.statusCode !== 201);
    expect(placed).toHaveLength(STOCK);
    expect(refused).toHaveLength(SHOPPERS - STOCK);
    expect(new Set(refused.map((response) => `${response.statusCode} ${response.json().code}`))).toEqual(new Set(['422 insufficient_stock']));
    expect(violations).toEqual([]);
    expect(await stockOf(testApp.app, variantId)).toEqual({ onHand: STOCK, reserved: STOCK });
    const { rows } = await testApp.database.pool.query<{ count: number }>(`select count(*)::int as count from shop_order where status = 'pending_payment'`);
    expect(rows[0]?.count).toBe(STOCK);

    // The winners pay at once; each payment commits its unit as a sale.
    const winners = placed.map((response) => response.json() as { id: string; shopperId: string });
    const byShopper = new Map(shoppers.map((shopper) => [shopper.shopperId, shopper]));
    await Promise.all(winners.map((order) => fundWallet(testApp.app, order.shopperId, PRICE_MINOR)));
    const payments = await Promise.all(winners.map((order) => pay(testApp.app, byShopper.get(order.shopperId) as ShopperSession, order.id)));
    expect(payments.map((response) => response.statusCode)).toEqual(winners.map(() => 200));

    expect(await stockOf(testApp.app, variantId)).toEqual({ onHand: 0, reserved: 0 });
    const sales = await testApp.database.pool.query<{ count: number; sold: number }>(
      `select count(*)::int as count, -sum(quantity_delta)::int as sold from stock_movement where variant_id = $1 and reason = 'sale'`,
      [variantId],
    );
    expect(sales.rows[0]).toEqual({ count: STOCK, sold: STOCK });
    expect(await escrowBalanceMinor(testApp.app)).toBe(STOCK * PRICE_MINOR);
    await assertLedgerInvariants(testApp.database);
  }, 120_000);
});
