import type { FastifyInstance } from 'fastify';
import { newId } from '../../../db/src/ids.ts';
import type { CurrencyCode } from '../../../db/src/money.ts';
import { assertLedgerInvariants } from '../../../db/src/testing/ledger-invariants.ts';
import { buildTestApp, type TestApp } from './app.ts';
import { createGuestShopper, createStoreFixture, type ShopperSession, type StoreFixture } from './shoppers.ts';
import { createMerchantWithStaff, type StaffSession } from './staff.ts';

/** Order test helpers: money into wallets, checkout and payment through the real routes, stock as stored. */
export async function fundWallet(app: FastifyInstance, shopperId: string, amountMinor: number, currency: CurrencyCode = 'EUR'): Promise<void> {
  const legs = await app.services.ledger.recipes.topUp({ eventId: newId(), shopperId, currency, amountMinor, source: 'world' });
  await app.services.ledger.record(legs);
}

export async function walletBalanceMinor(app: FastifyInstance, shopperId: string, currency: CurrencyCode = 'EUR'): Promise<number> {
  const { rows } = await app.database.pool.query<{ balance: number }>(
    `select credits_posted - debits_posted - debits_pending as balance from ledger_account where kind = 'shopper_wallet' and owner_id = $1 and currency = $2`,
    [shopperId, currency],
  );
  return rows[0]?.balance ?? 0;
}

export async function escrowBalanceMinor(app: FastifyInstance, currency: CurrencyCode = 'EUR'): Promise<number> {
  const { rows } = await app.database.pool.query<{ balance: number }>(
    // Escrow is split into sub-accounts (docs/ledger.md §5): the escrow balance is their sum.
    `select coalesce(sum(credits_posted - debits_posted), 0)::bigint as balance from ledger_account where kind = 'escrow' and currency = $1`,
    [currency],
  );
  return rows[0]?.balance ?? 0;
}

export async function stockOf(app: FastifyInstance, variantId: string): Promise<{ onHand: number; reserved: number }> {
  const { rows } = await app.database.pool.query<{ onHand: number; reserved: number }>(
    `select stock_on_hand as "onHand", stock_reserved as reserved from variant where id = $1`,
    [variantId],
  );
  return rows[0] as { onHand: number; reserved: number };
}

export function checkout(app: FastifyInstance, shopper: ShopperSession, slug: string, payload: object, idempotencyKey?: string) {
  return app.inject({
    method: 'POST',
    url: `/api/store/shops/${slug}/orders`,
    headers: { ...shopper.headers, ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
    payload,
  });
}

export function pay(app: FastifyInstance, shopper: ShopperSession, orderId: string) {
  return app.inject({ method: 'POST', url: `/api/store/orders/${orderId}/pay`, headers: shopper.headers, payload: { method: 'wallet' } });
}

/**
 * Units of a variant held the way the product holds them: another shopper's order awaiting payment. cancel()
 * gives them back, as that shopper cancelling would.
 */
export async function reserveByAnotherShopper(app: FastifyInstance, slug: string, variantId: string, quantity: number): Promise<{ cancel(): Promise<void> }> {
  const other = await createGuestShopper(app);
  const placed = await checkout(app, other, slug, { source: 'buy_now', variantId, quantity });
  if (placed.statusCode !== 201) throw new Error(`checkout answered ${placed.statusCode}: ${placed.body}`);
  return {
    async cancel() {
      const cancelled = await app.inject({ method: 'POST', url: `/api/store/orders/${placed.json().id}/cancel`, headers: other.headers });
      if (cancelled.statusCode !== 200) throw new Error(`cancel answered ${cancelled.statusCode}: ${cancelled.body}`);
    },
  };
}

/** Checks out one "buy now" line and pays it by wallet (funding the wallet first); returns the paid order. */
export async function placePaidOrder(app: FastifyInstance, shopper: ShopperSession, slug: string, variantId: string, quantity = 1): Promise<{ id: string; totalMinor: number; lines: { id: string }[] }> {
  const placed = await checkout(app, shopper, slug, { source: 'buy_now', variantId, quantity });
  if (placed.statusCode !== 201) throw new Error(`checkout answered ${placed.statusCode}: ${placed.body}`);
  const order = placed.json();
  await fundWallet(app, shopper.shopperId, order.totalMinor, order.currency);
  const paid = await pay(app, shopper, order.id);
  if (paid.statusCode !== 200) throw new Error(`pay answered ${paid.statusCode}: ${paid.body}`);
  return paid.json();
}

export async function countRows(app: FastifyInstance, table: 'shop_order' | 'order_line' | 'order_event' | 'order_refund' | 'outbox' | 'stock_movement' | 'ledger_transfer'): Promise<number> {
  const { rows } = await app.database.pool.query<{ count: number }>(`select count(*)::int as count from ${table}`);
  return rows[0]?.count ?? 0;
}

export interface OrdersFixture {
  testApp: TestApp;
  owner: StaffSession;
  shop: StoreFixture;
  shopper: ShopperSession;
}

/** An app with one merchant (and its owner), one shop selling the given variants, and one guest shopper. */
export async function createOrdersFixture(variants: NonNullable<Parameters<typeof createStoreFixture>[2]>['variants']): Promise<OrdersFixture> {
  const testApp = await buildTestApp();
  const owner = await createMerchantWithStaff(testApp.app, 'owner');
  const shop = await createStoreFixture(testApp.app, owner.merchantId, { variants });
  const shopper = await createGuestShopper(testApp.app);
  return { testApp, owner, shop, shopper };
}

/** Closes the fixture's app after checking that every money movement of the file kept the ledger whole. */
export async function closeOrdersFixture(testApp: TestApp | undefined): Promise<void> {
  if (!testApp) return;
  await assertLedgerInvariants(testApp.database);
  await testApp.close();
}
