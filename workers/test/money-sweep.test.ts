import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../db/src/ids.ts';
import { assertLedgerInvariants } from '../../db/src/testing/ledger-invariants.ts';
import { buildStripeTestApp, ledgerLegs, type StripeTestApp } from '../../api/test/helpers/card-payments.ts';
import { checkout } from '../../api/test/helpers/orders.ts';
import { createGuestShopper, createStoreFixture, type StoreFixture } from '../../api/test/helpers/shoppers.ts';
import { createMerchantWithStaff, type StaffSession } from '../../api/test/helpers/staff.ts';
import { startJobWorkers, type JobWorkers } from '../src/job-workers.ts';
import { processors } from '../src/processors/index.ts';

/**
 * The sweeper as the workers run it: a card refund whose `order.card_refund` job never reached Redis
 * (no relay ran: the outbox row is still unpublished) is found in the database by the `money.sweep_stale`
 * job on a real BullMQ worker and finished once.
 */
let context: StripeTestApp;
let workers: JobWorkers;
let owner: StaffSession;
let shop: StoreFixture;
const app = () => context.testApp.app;

beforeAll(async () => {
  context = await buildStripeTestApp({ MONEY_SWEEP_STALE_SECONDS: '0' });
  workers = await startJobWorkers({ config: context.testApp.config, services: app().services, processors, logger: pino({ level: 'silent' }), scheduleRepeatableJobs: false });
  owner = await createMerchantWithStaff(app(), 'owner');
  shop = await createStoreFixture(app(), owner.merchantId, { variants: [{ priceMinor: 1_800, stockOnHand: 10 }] });
});
afterAll(async () => {
  await workers?.close();
  await assertLedgerInvariants(context.testApp.database);
  await context?.close();
});

async function until(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the money.sweep_stale job', () => {
  it('finishes a card refund whose job never reached Redis, once, from what the database says', async () => {
    const shopper = await createGuestShopper(app());
    const order = (await checkout(app(), shopper, shop.slug, { source: 'buy_now', variantId: shop.variantIds[0] })).json();
    const { paymentIntentId } = (await app().inject({ method: 'POST', url: `/api/store/orders/${order.id}/card-payment`, headers: shopper.headers })).json();
    await context.stripe.deliverWebhook('payment_intent.succeeded', context.stripe.succeedPaymentIntent(paymentIntentId), { url: context.webhookUrl });
    const refunded = await app().inject({ method: 'POST', url: `/api/admin/orders/${order.id}/refunds`, headers: { ...owner.headers, 'idempotency-key': newId() }, payload: {} });
    expect(refunded.statusCode, refunded.body).toBe(201);
    const refundId = refunded.json().refunds[0].id;
    const { rows: unpublished } = await app().database.pool.query(`select published_at from outbox where type = 'order_refund.created' and aggregate_id = $1`, [order.id]);
    expect(unpublished).toEqual([{ published_at: null }]);
    expect(await workers.queues.queue('orders').getJob(`order.card_refund@${refundId}`)).toBeUndefined();

    const sweep = await workers.queues.enqueue('money.sweep_stale', {}, { key: `test-${newId()}` });
    await until(async () => (await sweep.getState()) === 'completed');
    const finished = await workers.queues.queue('maintenance').getJob(sweep.id as string);
    expect(finished?.returnvalue).toMatchObject({ refundsRetried: 1, flagged: 0 });

    const { rows } = await app().database.pool.query(`select status from order_refund where id = $1`, [refundId]);
    expect(rows).toEqual([{ status: 'succeeded' }]);
    expect(context.stripe.requestsTo('POST', '/v1/refunds').filter((request) => request.idempotencyKey === `order_refund:${refundId}`)).toHaveLength(1);
    expect((await ledgerLegs(app(), order.id)).map((leg) => leg.reason)).toEqual(['order_payment', 'refund']);

    // A second sweep finds nothing left to do.
    const again = await workers.queues.enqueue('money.sweep_stale', {}, { key: `test-${newId()}` });
    await until(async () => (await again.getState()) === 'completed');
    expect((await workers.queues.queue('maintenance').getJob(again.id as string))?.returnvalue).toMatchObject({ refundsRetried: 0 });
    expect(context.stripe.requestsTo('POST', '/v1/refunds')).toHaveLength(1);
  });
});
