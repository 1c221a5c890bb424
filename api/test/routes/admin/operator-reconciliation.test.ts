import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../../db/src/ids.ts';
import { LocalPaymentsProvider } from '../../../../db/src/modules/payouts/local-payout-provider.ts';
import { assertLedgerInvariants } from '../../../../db/src/testing/ledger-invariants.ts';
import { buildStripeTestApp, type StripeTestApp } from '../../helpers/card-payments.ts';
import { operatorHeaders } from '../../helpers/finance.ts';
import { checkout } from '../../helpers/orders.ts';
import { fundMerchantThroughOrder } from '../../helpers/settled-orders.ts';
import { createGuestShopper, createStoreFixture, type ShopperSession, type StoreFixture } from '../../helpers/shoppers.ts';
import { createMerchantWithStaff, type StaffSession } from '../../helpers/staff.ts';

/**
 * Reconciliation (docs/finance.md §7): payouts against the payouts provider, card clearing against
 * Stripe's balance transactions, read through the real SDK from the Stripe-compatible test server.
 */
let context: StripeTestApp;
let operator: { authorization: string };
let owner: StaffSession;
let shop: StoreFixture;
const app = () => context.testApp.app;
const url = '/api/admin/operator/finance';

beforeAll(async () => {
  context = await buildStripeTestApp();
  operator = await operatorHeaders(app());
  owner = await createMerchantWithStaff(app(), 'owner');
  shop = await createStoreFixture(app(), owner.merchantId, { variants: [{ priceMinor: 20_00, stockOnHand: 100 }] });
});
afterEach(() => assertLedgerInvariants(context.testApp.database));
afterAll(() => context.close());

const get = (path: string) => app().inject({ method: 'GET', url: `${url}${path}`, headers: operator });
const post = (path: string, payload: Record<string, unknown>) => app().inject({ method: 'POST', url: `${url}${path}`, headers: operator, payload });
const deliver = (type: string, object: unknown) => context.stripe.deliverWebhook(type, object, { url: context.webhookUrl });

/** A wallet top-up paid by card; Stripe's webhook is delivered unless `lost`. */
async function cardTopUp(shopper: ShopperSession, amountMinor: number, options: { lost?: boolean } = {}): Promise<string> {
  const started = await app().inject({ method: 'POST', url: '/api/store/wallet/top-ups', headers: { ...shopper.headers, 'idempotency-key': newId() }, payload: { amountMinor, currency: 'EUR' } });
  expect(started.statusCode, started.body).toBe(201);
  const { paymentIntentId } = started.json().payment;
  const intent = context.stripe.succeedPaymentIntent(paymentIntentId);
  if (!options.lost) expect((await deliver('payment_intent.succeeded', intent)).statusCode).toBe(200);
  return paymentIntentId;
}

/** An order paid by card through checkout and Stripe's webhook, then refunded in parts by the merchant. */
async function cardOrderRefundedInParts(shopper: ShopperSession, refundsMinor: number[]): Promise<{ orderId: string; paymentIntentId: string }> {
  const order = (await checkout(app(), shopper, shop.slug, { source: 'buy_now', variantId: shop.variantIds[0], quantity: 1 })).json();
  const started = await app().inject({ method: 'POST', url: `/api/store/orders/${order.id}/card-payment`, headers: shopper.headers });
  const { paymentIntentId } = started.json();
  expect((await deliver('payment_intent.succeeded', context.stripe.succeedPaymentIntent(paymentIntentId))).statusCode).toBe(200);
  for (const amountMinor of refundsMinor) {
    const refunded = await app().inject({ method: 'POST', url: `/api/admin/orders/${order.id}/refunds`, headers: { ...owner.headers, 'idempotency-key': newId() }, payload: { amountMinor } });
    expect(refunded.statusCode, refunded.body).toBe(201);
  }
  const { rows } = await app().database.pool.query<{ id: string }>(`select id from order_refund where order_id = $1 and status = 'pending'`, [order.id]);
  // What the order.card_refund job does for each refund.
  for (const { id } of rows) expect(await app().services.orders.completeCardRefund(id)).toEqual({ status: 'succeeded' });
  return { orderId: order.id, paymentIntentId };
}

describe('/api/admin/operator/finance/reconciliation', () => {
  it("matches card clearing against Stripe's balance transactions, and lists what either side lacks", async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    const shopper = await createGuestShopper(app());
    const matched = await cardTopUp(shopper, 30_00);
    // Stripe took the money but its webhook never reached us: missing on our side.
    const unseen = await cardTopUp(shopper, 12_00, { lost: true });
    // Two partial refunds of one order: two Stripe refunds, two ledger legs, matched as one sum per payment intent.
    const refunded = await cardOrderRefundedInParts(shopper, [5_00, 7_00]);
    // Our books naming a payment Stripe never saw, and one booked at the wrong amount (a bookkeeping slip
    // made through the ledger's own recipes, as a faulty integration would).
    const { ledger } = app().services;
    await ledger.record(await ledger.recipes.topUp({ eventId: newId(), shopperId: shopper.shopperId, source: 'card', currency: 'EUR', amountMinor: 9_00, paymentIntentId: 'pi_never_at_stripe' }));
    const short = await cardTopUp(shopper, 15_00, { lost: true });
    await ledger.record(await ledger.recipes.topUp({ eventId: newId(), shopperId: shopper.shopperId, source: 'card', currency: 'EUR', amountMinor: 14_99, paymentIntentId: short }));
    const to = new Date(Date.now() + 60_000).toISOString();

    context.stripe.clearRequests();
    const response = await get(`/reconciliation?from=${from}&to=${to}`);
    expect(response.statusCode, response.body).toBe(200);
    const report = response.json();
    // Read from Stripe through the SDK: the period as a created range, 100 a page, sources expanded.
    const listed = context.stripe.requestsTo('GET', '/v1/balance_transactions');
    expect(listed.length).toBeGreaterThanOrEqual(1);
    expect(listed[0]!.parameters).toMatchObject({ created: { gte: String(Math.floor(Date.parse(from) / 1000)), lt: String(Math.ceil(Date.parse(to) / 1000)) }, limit: '100', expand: ['data.source'] });
    expect(report.cardProcessor).toBe('stripe');
    expect(report.cardClearing.counts).toEqual({ matched: 3, missing_on_our_side: 1, missing_at_provider: 1, amount_mismatch: 1, status_mismatch: 0 });
    const item = (kind: string, paymentIntentId: string) =>
      report.cardClearing.items.find((entry: { kind: string; paymentIntentId: string }) => entry.kind === kind && entry.paymentIntentId === paymentIntentId);
    expect(item('charge', matched)).toMatchObject({ status: 'matched', ourAmountMinor: 30_00, providerAmountMinor: 30_00, differenceMinor: 0 });
    expect(item('charge', matched).providerReferences).toEqual([expect.stringMatching(/^txn_/)]);
    expect(item('charge', unseen)).toMatchObject({ status: 'missing_on_our_side', ourAmountMinor: 0, providerAmountMinor: 12_00, transferIds: [] });
    expect(item('charge', refunded.paymentIntentId)).toMatchObject({ status: 'matched', ourAmountMinor: 20_00, referenceType: 'order', referenceId: refunded.orderId });
    expect(item('refund', refunded.paymentIntentId)).toMatchObject({ status: 'matched', ourAmountMinor: 12_00, providerAmountMinor: 12_00 });
    expect(item('refund', refunded.paymentIntentId).transferIds).toHaveLength(2);
    expect(item('refund', refunded.paymentIntentId).providerReferences).toHaveLength(2);
    expect(item('charge', 'pi_never_at_stripe')).toMatchObject({ status: 'missing_at_provider', providerReferences: [] });
    expect(item('charge', short)).toMatchObject({ status: 'amount_mismatch', ourAmountMinor: 14_99, providerAmountMinor: 15_00, differenceMinor: 1 });
    // The report's copy of Stripe's records is gone once it answered.
    expect((await app().database.pool.query('select count(*)::int as count from provider_record_copy')).rows[0].count).toBe(0);

    // Earlier periods know nothing of today's records.
    const empty = (await get('/reconciliation?from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z')).json();
    expect(empty.cardClearing.items).toEqual([]);
    expect(empty.payouts.items).toEqual([]);
  });

  it('pages through a period in keyset order: every item once, counts for the whole period on every page', async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const whole = (await get(`/reconciliation?from=${from}&to=${to}&limit=5000`)).json();
    const expected = whole.cardClearing.items.map((entry: { kind: string; paymentIntentId: string }) => `${entry.kind} ${entry.paymentIntentId}`);
    expect(expected.length).toBeGreaterThan(3);
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page: { cardClearing: { counts: unknown; items: { kind: string; paymentIntentId: string }[]; nextAfter: string | null } } = (await get(`/reconciliation?from=${from}&to=${to}&limit=2${after ? `&cardClearingAfter=${encodeURIComponent(after)}` : ''}`)).json();
      expect(page.cardClearing.counts).toEqual(whole.cardClearing.counts);
      expect(page.cardClearing.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.cardClearing.items.map((entry) => `${entry.kind} ${entry.paymentIntentId}`));
      after = page.cardClearing.nextAfter;
      pages += 1;
    } while (after);
    expect(seen).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 2));
  });

  it('lists matched, missing on either side and mismatched payouts', async () => {
    const { pool } = context.testApp.database;
    const from = new Date(Date.now() - 60_000).toISOString();
    const finance = await createMerchantWithStaff(app(), 'finance', owner.merchantId);
    await fundMerchantThroughOrder(context, owner.merchantId, 50_00);

    const request = async (amountMinor: number) =>
      (await app().inject({ method: 'POST', url: '/api/admin/finance/payouts', headers: { ...finance.headers, 'idempotency-key': newId() }, payload: { amountMinor, currency: 'EUR' } })).json();
    const matched = await request(1_00);
    await post(`/local-provider/payouts/${matched.providerReference}/settle`, { outcome: 'paid' });
    const lost = await request(2_00);
    await pool.query(`delete from local_provider_record where provider_reference = $1`, [lost.providerReference]);
    const different = await request(3_00);
    await pool.query(`update local_provider_record set amount_minor = 301 where provider_reference = $1`, [different.providerReference]);
    const silent = await request(4_00);
    await pool.query(`update local_provider_record set status = 'succeeded' where provider_reference = $1`, [silent.providerReference]);
    await new LocalPaymentsProvider(pool).createPayout({ payoutId: newId(), merchantId: owner.merchantId, amountMinor: 5_00, currency: 'EUR' });
    const to = new Date(Date.now() + 60_000).toISOString();

    const report = (await get(`/reconciliation?from=${from}&to=${to}`)).json();
    expect(report.provider).toBe('local');
    expect(report.payouts.counts).toEqual({ matched: 1, missing_on_our_side: 1, missing_at_provider: 1, amount_mismatch: 1, status_mismatch: 1 });
    const byPayout = Object.fromEntries(report.payouts.items.filter((entry: { payoutId: string | null }) => entry.payoutId).map((entry: { payoutId: string }) => [entry.payoutId, entry]));
    expect(byPayout[matched.id]).toMatchObject({ status: 'matched', ourStatus: 'posted', ledgerStatus: 'posted', providerStatus: 'succeeded' });
    expect(byPayout[lost.id]).toMatchObject({ status: 'missing_at_provider', providerAmountMinor: null });
    expect(byPayout[different.id]).toMatchObject({ status: 'amount_mismatch', ourAmountMinor: 3_00, providerAmountMinor: 3_01 });
    expect(byPayout[silent.id]).toMatchObject({ status: 'status_mismatch', ourStatus: 'pending', providerStatus: 'succeeded' });
    expect(report.payouts.items.find((entry: { status: string }) => entry.status === 'missing_on_our_side')).toMatchObject({ payoutId: null, providerAmountMinor: 5_00 });
  });

  it('refuses a missing or reversed period', async () => {
    expect((await get('/reconciliation')).statusCode).toBe(400);
    const reversed = await get('/reconciliation?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z');
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json().code).toBe('invalid_period');
  });
});
