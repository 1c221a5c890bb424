import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../db/src/ids.ts';
import { assertLedgerInvariants } from '../../../db/src/testing/ledger-invariants.ts';
import { buildStripeTestApp, type StripeTestApp } from '../helpers/card-payments.ts';
import { fundWallet, placePaidOrder } from '../helpers/orders.ts';
import { createGuestShopper, createOperator, createStoreFixture, type ShopperSession, type StoreFixture } from '../helpers/shoppers.ts';
import { groupProof, registerChatHost, signInThroughHost } from '../social/social-helpers.ts';
import { createMerchantWithStaff, type StaffSession } from '../helpers/staff.ts';
import { fundMerchantThroughOrder } from '../helpers/settled-orders.ts';

/**
 * Issue 7 item 1: one idempotency mechanism on every route that moves money. Refunds, payouts, counter
 * charges and top-ups require `Idempotency-Key`; without it they answer 400 naming the header and change
 * nothing. The same key and body answer the first answer; another body is a 409 naming the field that
 * differs; ten concurrent duplicates make one effect.
 */
let context: StripeTestApp;
let owner: StaffSession;
let shop: StoreFixture;
const app = () => context.testApp.app;

beforeAll(async () => {
  context = await buildStripeTestApp({ PAYMENT_CODE_CONFIRMATION_THRESHOLD_MINOR: '100000' });
  owner = await createMerchantWithStaff(app(), 'owner');
  shop = await createStoreFixture(app(), owner.merchantId, { variants: [{ priceMinor: 2_000, stockOnHand: 1_000 }] });
});
afterAll(async () => {
  await assertLedgerInvariants(context.testApp.database);
  await context.close();
});

/** One money request made ready: the body, another body that differs in `changedField`, and how many effects it made. */
interface PreparedRequest {
  send(idempotencyKey: string | null, body?: Record<string, unknown>): Promise<LightMyRequestResponse>;
  body: Record<string, unknown>;
  changedBody: Record<string, unknown>;
  changedField: string;
  /** The records this request makes (refunds of the order, payouts of the merchant ...). */
  effects(): Promise<number>;
}

interface MoneyRoute {
  name: string;
  prepare(): Promise<PreparedRequest>;
}

function post(url: string, headers: Record<string, string>, idempotencyKey: string | null, payload: Record<string, unknown>) {
  return app().inject({ method: 'POST', url, headers: { ...headers, ...(idempotencyKey === null ? {} : { 'idempotency-key': idempotencyKey }) }, payload });
}

async function count(sql: string, parameters: unknown[]): Promise<number> {
  return (await app().database.pool.query<{ count: number }>(sql, parameters)).rows[0]!.count;
}

const routes: MoneyRoute[] = [
  {
    name: 'POST /api/admin/orders/:id/refunds',
    async prepare() {
      const shopper = await createGuestShopper(app());
      const order = await placePaidOrder(app(), shopper, shop.slug, shop.variantIds[0] as string, 2);
      return {
        send: (key, body = { amountMinor: 500 }) => post(`/api/admin/orders/${order.id}/refunds`, owner.headers, key, body),
        body: { amountMinor: 500 },
        changedBody: { amountMinor: 600 },
        changedField: 'amountMinor',
        effects: () => count(`select count(*)::int as count from order_refund where order_id = $1`, [order.id]),
      };
    },
  },
  {
    name: 'POST /api/admin/finance/payouts',
    async prepare() {
      const merchant = await createMerchantWithStaff(app(), 'owner');
      await fundMerchantThroughOrder(context, merchant.merchantId, 100_00);
      return {
        send: (key, body = { amountMinor: 10_00, currency: 'EUR' }) => post('/api/admin/finance/payouts', merchant.headers, key, body),
        body: { amountMinor: 10_00, currency: 'EUR' },
        changedBody: { amountMinor: 11_00, currency: 'EUR' },
        changedField: 'amountMinor',
        effects: () => count(`select count(*)::int as count from payout where merchant_id = $1`, [merchant.merchantId]),
      };
    },
  },
  {
    name: 'POST /api/admin/payment-code-charges',
    async prepare() {
      const shopper = await createGuestShopper(app());
      await fundWallet(app(), shopper.shopperId, 50_00);
      const code = await app().inject({ method: 'POST', url: `/api/store/shops/${shop.slug}/payment-codes`, headers: shopper.headers });
      expect(code.statusCode, code.body).toBe(201);
      const body = { shopId: shop.shopId, token: code.json().token, amountMinor: 12_00 };
      return {
        send: (key, payload = body) => post('/api/admin/payment-code-charges', owner.headers, key, payload),
        body,
        changedBody: { ...body, amountMinor: 13_00 },
        changedField: 'amountMinor',
        effects: () => count(`select count(*)::int as count from payment_code_charge where shopper_id = $1`, [shopper.shopperId]),
      };
    },
  },
  {
    name: 'POST /api/store/wallet/top-ups',
    async prepare() {
      const shopper: ShopperSession = await createGuestShopper(app());
      return {
        send: (key, body = { amountMinor: 30_00, currency: 'EUR' }) => post('/api/store/wallet/top-ups', shopper.headers, key, body),
        body: { amountMinor: 30_00, currency: 'EUR' },
        changedBody: { amountMinor: 31_00, currency: 'EUR' },
        changedField: 'amountMinor',
        effects: () => count(`select count(*)::int as count from wallet_top_up where shopper_id = $1`, [shopper.shopperId]),
      };
    },
  },
  {
    name: 'POST /api/store/red-envelopes',
    async prepare() {
      const host = await registerChatHost(app(), (await createOperator(app())).headers);
      const sender = await signInThroughHost(app(), host);
      await fundWallet(app(), sender.shopperId, 50_00);
      const body = { mode: 'fair', currency: 'EUR', amountMinor: 10_00, shareCount: 4, group: await groupProof(host, sender, 'idempotency-group') };
      return {
        send: (key, payload = body) => post('/api/store/red-envelopes', sender.headers, key, payload),
        body,
        changedBody: { ...body, amountMinor: 11_00 },
        changedField: 'amountMinor',
        effects: () => count(`select count(*)::int as count from red_envelope where sender_shopper_id = $1`, [sender.shopperId]),
      };
    },
  },
  {
    name: 'POST /api/admin/red-envelopes',
    async prepare() {
      const host = await registerChatHost(app(), (await createOperator(app())).headers);
      const merchant = await createMerchantWithStaff(app(), 'owner');
      await fundMerchantThroughOrder(context, merchant.merchantId, 100_00);
      const body = { mode: 'equal', currency: 'EUR', amountMinor: 10_00, shareCount: 5, group: await groupProof(host, null, 'idempotency-promotion') };
      return {
        send: (key, payload = body) => post('/api/admin/red-envelopes', merchant.headers, key, payload),
        body,
        changedBody: { ...body, shareCount: 6 },
        changedField: 'shareCount',
        effects: () => count(`select count(*)::int as count from red_envelope where merchant_id = $1`, [merchant.merchantId]),
      };
    },
  },
  {
    name: 'POST /api/store/group-buys/:id/teams',
    async prepare() {
      const merchant = await createMerchantWithStaff(app(), 'owner');
      const merchantShop = await createStoreFixture(app(), merchant.merchantId, { variants: [{ priceMinor: 2_000, stockOnHand: 100 }] });
      const offer = async () =>
        (
          await post('/api/admin/group-buys', merchant.headers, newId(), { variantId: merchantShop.variantIds[0] as string, teamPriceMinor: 1_500, teamCap: 50 })
        ).json().id as string;
      const shopper = await createGuestShopper(app());
      await fundWallet(app(), shopper.shopperId, 30_00);
      // The offer is in the path; the request the key stands for is (offer).
      const body = { groupBuyId: await offer() };
      return {
        send: (key, payload = body) => post(`/api/store/group-buys/${payload.groupBuyId as string}/teams`, shopper.headers, key, {}),
        body,
        changedBody: { groupBuyId: await offer() },
        changedField: 'groupBuyId',
        effects: () => count(`select count(*)::int as count from group_buy_team where leader_shopper_id = $1`, [shopper.shopperId]),
      };
    },
  },
];

/** Every row a money request may write, and every request Stripe received: "changes nothing" means none of these moved. */
async function everything() {
  const tables = ['order_refund', 'payout', 'payment_code_charge', 'wallet_top_up', 'red_envelope', 'red_envelope_share', 'group_buy_team', 'group_buy_member', 'ledger_transfer', 'outbox', 'order_event', 'stock_movement', 'payment_attempt', 'local_provider_record'];
  const counts: Record<string, number> = {};
  for (const table of tables) counts[table] = await count(`select count(*)::int as count from ${table}`, []);
  return { ...counts, stripeRequests: context.stripe.requests.length };
}

describe('every route that moves money requires an Idempotency-Key', () => {
  it.each(routes)('$name without Idempotency-Key answers 400 naming the header and changes nothing', async (route) => {
    const prepared = await route.prepare();
    const before = await everything();
    const response = await prepared.send(null);
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json()).toMatchObject({ type: 'validation', errors: { 'idempotency-key': expect.any(String) } });
    expect(await everything()).toEqual(before);
    // The same request with a key goes through: nothing was used up (a payment code, a balance) by the refusal.
    const accepted = await prepared.send(newId());
    expect(accepted.statusCode, accepted.body).toBe(201);
    expect(await prepared.effects()).toBe(1);
  });

  it.each(routes)('$name answers a retry with the same key and body with the first answer, and makes nothing new', async (route) => {
    const prepared = await route.prepare();
    const key = newId();
    const first = await prepared.send(key);
    expect(first.statusCode, first.body).toBe(201);
    const before = await everything();
    const retry = await prepared.send(key);
    expect(retry.statusCode).toBe(first.statusCode);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    const id = (response: LightMyRequestResponse) => response.json().id ?? response.json().topUp?.id;
    expect(id(retry)).toBe(id(first));
    expect({ ...(await everything()), stripeRequests: 0 }).toEqual({ ...before, stripeRequests: 0 });
    expect(await prepared.effects()).toBe(1);
  });

  it.each(routes)('$name refuses the same key with another body with 409 naming the field, changing nothing', async (route) => {
    const prepared = await route.prepare();
    const key = newId();
    expect((await prepared.send(key)).statusCode).toBe(201);
    const before = await everything();
    const changed = await prepared.send(key, prepared.changedBody);
    expect(changed.statusCode).toBe(409);
    expect(changed.json()).toMatchObject({ code: 'idempotency_key_reused', errors: { [prepared.changedField]: expect.any(String) } });
    expect(await everything()).toEqual(before);
  });

  it.each(routes)('$name makes one effect for ten concurrent duplicates, and every one answers with it', async (route) => {
    const prepared = await route.prepare();
    const key = newId();
    const responses = await Promise.all(Array.from({ length: 10 }, () => prepared.send(key)));
    expect(responses.map((response) => response.statusCode)).toEqual(Array(10).fill(201));
    expect(responses.filter((response) => response.headers['idempotent-replayed'] === 'true')).toHaveLength(9);
    const ids = new Set(responses.map((response) => response.json().id ?? response.json().topUp?.id));
    expect(ids.size).toBe(1);
    expect(await prepared.effects()).toBe(1);
  });
});

describe('checkout keeps the key optional', () => {
  it('places an order without Idempotency-Key', async () => {
    const shopper = await createGuestShopper(app());
    const response = await post(`/api/store/shops/${shop.slug}/orders`, shopper.headers, null, { source: 'buy_now', variantId: shop.variantIds[0] as string });
    expect(response.statusCode, response.body).toBe(201);
  });
});
