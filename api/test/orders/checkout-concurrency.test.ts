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

describe('carts that share variants check out at once', () => {
  const CARTS = 24;
  it('never deadlock, whichever order their lines were added in, and one-line carts beside them reserve their unit', async () => {
    const owner = await createMerchantWithStaff(testApp.app, 'owner');
    const crosswise = await createStoreFixture(testApp.app, owner.merchantId, {
      variants: [
        { priceMinor: PRICE_MINOR, stockOnHand: 1_000 },
        { priceMinor: PRICE_MINOR, stockOnHand: 1_000 },
      ],
    });
    const [first, second] = crosswise.variantIds as [string, string];
    // A third of the carts hold [first, second], a third [second, first] (a cart keeps its lines in the order they
    // were added), a third only one line, which locks nothing ahead of its reservation.
    const lineOrders = Array.from({ length: CARTS }, (_, index) => [[first, second], [second, first], [index % 2 ? first : second]][index % 3] as string[]);
    const buyers = shoppers.slice(0, CARTS);
    await Promise.all(
      buyers.map(async (shopper, index) => {
        for (const variantId of lineOrders[index]!) {
          const put = await testApp.app.inject({ method: 'PUT', url: `/api/store/shops/${crosswise.slug}/cart/lines/${variantId}`, headers: shopper.headers, payload: { quantity: 1 } });
          expect(put.statusCode).toBe(200);
        }
      }),
    );

    const responses = await Promise.all(buyers.map((shopper) => checkout(testApp.app, shopper, crosswise.slug, { source: 'cart' })));
    expect(responses.map((response) => response.statusCode)).toEqual(buyers.map(() => 201));
    const wanted = (variantId: string) => lineOrders.filter((lines) => lines.includes(variantId)).length;
    expect(await stockOf(testApp.app, first)).toEqual({ onHand: 1_000, reserved: wanted(first) });
    expect(await stockOf(testApp.app, second)).toEqual({ onHand: 1_000, reserved: wanted(second) });
  }, 60_000);
});
