import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../db/src/ids.ts';
import { assertLedgerInvariants } from '../../../db/src/testing/ledger-invariants.ts';
import { buildStripeTestApp, ledgerLegs, type StripeTestApp } from '../helpers/card-payments.ts';
import { countRows, stockOf, walletBalanceMinor } from '../helpers/orders.ts';
import { deliveredOrder, paidOrder, setPlatformFee, settledOrder, topUpByCard } from '../helpers/settled-orders.ts';
import { createGuestShopper, createOperator, createStoreFixture, type ShopperSession, type StoreFixture } from '../helpers/shoppers.ts';
import { createMerchantWithStaff, type StaffSession } from '../helpers/staff.ts';

/**
 * Receipt, completion and settlement through the API (docs/orders.md §10): the shopper confirms, the
 * settlement pays the merchant the goods less the platform fee, refunds after settlement come back out
 * of the merchant's balance. The jobs themselves run in workers/test/settlement-journey.test.ts.
 */
let context: StripeTestApp;
let owner: StaffSession;
let stranger: StaffSession;
let operator: { authorization: string };
let shop: StoreFixture;
const app = () => context.testApp.app;

beforeAll(async () => {
  context = await buildStripeTestApp();
  owner = await createMerchantWithStaff(app(), 'owner');
  stranger = await createMerchantWithStaff(app(), 'owner');
  operator = (await createOperator(app())).headers;
  shop = await createStoreFixture(app(), owner.merchantId, { variants: [{ priceMinor: 1299, stockOnHand: 500 }] });
});
afterEach(() => assertLedgerInvariants(context.testApp.database));
afterAll(() => context.close());

/** Every balance that settlement and refunds touch, in minor units. */
async function money(): Promise<{ escrow: number; platformFees: number; merchant: number }>;
async function money(shopper: ShopperSession): Promise<{ escrow: number; platformFees: number; merchant: number; wallet: number }>;
async function money(shopper?: ShopperSession) {
  const { rows } = await app().database.pool.query<{ kind: string; balance: number }>(
    `select kind, coalesce(sum(credits_posted - debits_posted), 0)::bigint as balance from ledger_account
      where currency = 'EUR' and (kind in ('escrow', 'platform_fees') or (kind = 'merchant_available' and owner_id = $1)) group by kind`,
    [owner.merchantId],
  );
  const balance = (kind: string) => Number(rows.find((row) => row.kind === kind)?.balance ?? 0);
  return {
    escrow: balance('escrow'),
    platformFees: balance('platform_fees'),
    merchant: balance('merchant_available'),
    ...(shopper ? { wallet: await walletBalanceMinor(app(), shopper.shopperId) } : {}),
  };
}

function post(url: string, headers: { authorization: string }, payload: object = {}) {
  return app().inject({ method: 'POST', url, headers, payload });
}

async function order(id: string) {
  return (await app().inject({ method: 'GET', url: `/api/admin/orders/${id}`, headers: owner.headers })).json();
}

function refund(orderId: string, payload: object) {
  return post(`/api/admin/orders/${orderId}/refunds`, { ...owner.headers, 'idempotency-key': newId() } as { authorization: string }, payload);
}

describe('confirming receipt and settling', () => {
  it('completes a delivered order when its shopper confirms receipt, and settles it to the merchant less the platform fee, to the cent', async () => {
    const { order: placed, shopper } = await deliveredOrder(context, { merchant: owner, shop, quantity: 3 });
    const before = await money(shopper);
    expect(placed.totalMinor).toBe(3897);

    const confirmed = await post(`/api/store/orders/${placed.id}/confirm-receipt`, shopper.headers);
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toMatchObject({ status: 'completed', completedAt: expect.any(String), settledAt: null });
    // Confirming again answers the same order and changes nothing.
    expect((await post(`/api/store/orders/${placed.id}/confirm-receipt`, shopper.headers)).json()).toMatchObject({ status: 'completed' });
    expect((await order(placed.id)).events.filter((event: { toStatus: string }) => event.toStatus === 'completed')).toHaveLength(1);
    const { rows: jobs } = await app().database.pool.query(`select jobs from outbox where aggregate_id = $1 and type = 'order.completed'`, [placed.id]);
    expect(jobs).toEqual([{ jobs: [{ name: 'order.settle', key: placed.id, payload: { orderId: placed.id }, runAt: null }] }]);

    // The default rate: 250 basis points of 38.97 is 0.97425, rounded half up to 0.97.
    expect(await app().services.settlement.settle(placed.id)).toEqual({ status: 'settled', grossMinor: 3897, platformFeeMinor: 97, netMinor: 3800 });
    expect(await money(shopper)).toEqual({ escrow: before.escrow - 3897, platformFees: before.platformFees + 97, merchant: before.merchant + 3800, wallet: before.wallet });
    expect((await ledgerLegs(app(), placed.id)).map((leg) => `${leg.reason} ${leg.amountMinor}: ${leg.direction}`)).toEqual([
      'order_payment 3897: shopper_wallet -> escrow',
      'settlement_net 3800: escrow -> merchant_available',
      'settlement_fee 97: escrow -> platform_fees',
    ]);
    expect(await order(placed.id)).toMatchObject({ status: 'completed', settledAt: expect.any(String), settledGrossMinor: 3897, platformFeeMinor: 97, platformFeeBasisPoints: 250 });
    const balances = (await app().inject({ method: 'GET', url: '/api/admin/finance/balances', headers: owner.headers })).json();
    expect(balances).toEqual([expect.objectContaining({ currency: 'EUR', availableMinor: before.merchant + 3800 })]);
  });

  it('settles exactly once however often and however concurrently the settlement runs', async () => {
    const { order: placed, shopper } = await deliveredOrder(context, { merchant: owner, shop, quantity: 2 });
    await post(`/api/store/orders/${placed.id}/confirm-receipt`, shopper.headers);
    const before = await money();
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => app().services.settlement.settle(placed.id)));
    expect(outcomes.filter((outcome) => outcome.status === 'settled')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.status === 'already_settled')).toHaveLength(5);
    expect(await app().services.settlement.settle(placed.id)).toEqual({ status: 'already_settled', grossMinor: 2598, platformFeeMinor: 65, netMinor: 2533 });
    expect(await money()).toEqual({ escrow: before.escrow - 2598, platformFees: before.platformFees + 65, merchant: before.merchant + 2533 });
    expect((await ledgerLegs(app(), placed.id)).filter((leg) => leg.reason.startsWith('settlement'))).toHaveLength(2);
  });

  it('refuses to confirm an order that is not delivered yet, and hides other shoppers\' orders', async () => {
    const { order: placed, shopper } = await paidOrder(context, { shop });
    const early = await post(`/api/store/orders/${placed.id}/confirm-receipt`, shopper.headers);
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ code: 'invalid_order_transition', errors: { status: 'is paid' } });
    const other = await createGuestShopper(app());
    expect((await post(`/api/store/orders/${placed.id}/confirm-receipt`, other.headers)).statusCode).toBe(404);
    expect((await app().inject({ method: 'POST', url: `/api/store/orders/${placed.id}/confirm-receipt` })).statusCode).toBe(401);
    expect(await app().services.settlement.settle(placed.id)).toEqual({ status: 'not_completed' });
    expect((await order(placed.id)).status).toBe('paid');
  });
});

describe('marking an order delivered (POST /api/admin/orders/:id/deliver)', () => {
  it("hands a packed order over, fixing its auto-confirm time from the shop's autoConfirmDays and scheduling the job", async () => {
    const updated = await app().inject({ method: 'PUT', url: `/api/admin/shops/${shop.shopId}`, headers: owner.headers, payload: { autoConfirmDays: 3 } });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json()).toMatchObject({ autoConfirmDays: 3 });
    const { order: placed } = await deliveredOrder(context, { merchant: owner, shop });
    const delivered = await order(placed.id);
    expect(delivered.status).toBe('delivered');
    expect(Date.parse(delivered.autoConfirmAt) - Date.parse(delivered.deliveredAt)).toBe(3 * 86_400_000);
    const { rows } = await app().database.pool.query(`select jobs from outbox where aggregate_id = $1 and type = 'order.delivered'`, [placed.id]);
    expect(rows[0].jobs).toEqual([{ name: 'order.auto_confirm', key: placed.id, payload: { orderId: placed.id }, runAt: new Date(delivered.autoConfirmAt).toISOString() }]);
    // Not due yet: the job leaves the order alone.
    expect(await app().services.settlement.autoConfirm(placed.id)).toMatchObject({ status: 'not_due' });
    expect(await app().services.settlement.autoConfirm(placed.id, new Date(Date.parse(delivered.autoConfirmAt) + 1))).toEqual({ status: 'completed' });
    expect(await order(placed.id)).toMatchObject({ status: 'completed' });
    expect((await order(placed.id)).events.at(-1)).toMatchObject({ fromStatus: 'delivered', toStatus: 'completed', actorType: 'system' });
    await app().inject({ method: 'PUT', url: `/api/admin/shops/${shop.shopId}`, headers: owner.headers, payload: { autoConfirmDays: 7 } });
  });

  it('refuses an order that is not packed yet, and another merchant\'s order is not found', async () => {
    const { order: placed } = await paidOrder(context, { shop });
    const early = await post(`/api/admin/orders/${placed.id}/deliver`, owner.headers);
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ code: 'invalid_order_transition' });
    expect((await post(`/api/admin/orders/${placed.id}/deliver`, stranger.headers)).statusCode).toBe(404);
    expect((await order(placed.id)).status).toBe('paid');
  });

  it('refuses an order its shipments carry with 409 delivery_tracked_by_shipments, and changes nothing', async () => {
    // The old ship verb: one shipment of everything, in transit.
    const { order: shipped } = await paidOrder(context, { shop });
    expect((await post(`/api/admin/orders/${shipped.id}/pack`, owner.headers)).statusCode).toBe(200);
    expect((await post(`/api/admin/orders/${shipped.id}/ship`, owner.headers)).statusCode).toBe(200);
    // Packed, with a shipment still at the shop: without it the verb would hand this order over.
    const { order: labelled } = await paidOrder(context, { shop });
    expect((await post(`/api/admin/orders/${labelled.id}/pack`, owner.headers)).statusCode).toBe(200);
    const created = await post(`/api/admin/orders/${labelled.id}/shipments`, owner.headers, { status: 'label_created' });
    expect(created.statusCode, created.body).toBe(201);
    for (const [orderId, status] of [[shipped.id, 'shipped'], [labelled.id, 'packed']] as const) {
      const eventsBefore = (await order(orderId)).events.length;
      const refused = await post(`/api/admin/orders/${orderId}/deliver`, owner.headers, { note: 'handed over' });
      expect(refused.statusCode, refused.body).toBe(409);
      expect(refused.json()).toMatchObject({ code: 'delivery_tracked_by_shipments', message: expect.stringContaining('shipment') });
      expect(await order(orderId)).toMatchObject({ status, deliveredAt: null, autoConfirmAt: null });
      expect((await order(orderId)).events).toHaveLength(eventsBefore);
    }
    // The shipment's own delivered event delivers the order.
    const shipment = (await app().inject({ method: 'GET', url: `/api/admin/shipments?filter=${encodeURIComponent(JSON.stringify({ orderId: shipped.id }))}`, headers: owner.headers })).json()[0];
    expect((await post(`/api/admin/shipments/${shipment.id}/events`, owner.headers, { status: 'delivered' })).statusCode).toBe(201);
    expect((await order(shipped.id)).status).toBe('delivered');
  });

  it('refuses an autoConfirmDays outside 0..90 with the field named', async () => {
    const response = await app().inject({ method: 'PUT', url: `/api/admin/shops/${shop.shopId}`, headers: owner.headers, payload: { autoConfirmDays: 91 } });
    expect(response.statusCode).toBe(400);
    expect(JSON.stringify(response.json())).toContain('autoConfirmDays');
  });
});

describe('an order delivered to the door, with a delivery fee', () => {
  let deliveryShop: StoreFixture;
  const doorstep = {
    fulfilmentMethod: 'delivery',
    address: { recipient: 'Ada Lovelace', phone: '+49 30 5550199', line1: 'Chausseestraße 8', city: 'Berlin', postalCode: '10115', country: 'DE' },
  };

  beforeAll(async () => {
    deliveryShop = await createStoreFixture(app(), owner.merchantId, { variants: [{ priceMinor: 1299, stockOnHand: 500 }] });
    const configured = await app().inject({
      method: 'PUT',
      url: `/api/admin/shops/${deliveryShop.shopId}`,
      headers: owner.headers,
      payload: { fulfilmentMethods: ['delivery', 'pickup'], delivery: { fee: { kind: 'flat', feeMinor: 450 }, area: { countries: ['DE'] } } },
    });
    expect(configured.statusCode, configured.body).toBe(200);
  });

  it('pays the merchant the goods less the fee on the goods, plus the whole delivery fee, to the cent, and empties escrow', async () => {
    const before = await money();
    // Untracked (no shipment): the merchant's own "deliver" verb still hands it over.
    const settled = await settledOrder(context, { merchant: owner, shop: deliveryShop, quantity: 3, fulfilment: doorstep });
    // Goods 38.97 + delivery 4.50 = 43.47. The fee is 2.5 % of the goods only: 0.97425, so 0.97 (not 1.09,
    // which 2.5 % of the total would be); the merchant gets 38.97 - 0.97 + 4.50 = 42.50.
    expect(settled).toMatchObject({ grossMinor: 4347, platformFeeMinor: 97, netMinor: 4250 });
    expect(await order(settled.orderId)).toMatchObject({ subtotalMinor: 3897, deliveryFeeMinor: 450, totalMinor: 4347, settledGrossMinor: 4347, platformFeeMinor: 97 });
    expect(await money()).toEqual({ escrow: before.escrow, platformFees: before.platformFees + 97, merchant: before.merchant + 4250 });
  });

  it('takes refunds after settlement back in the right shares: goods with their fee share first, the delivery fee from the merchant alone', async () => {
    const settled = await settledOrder(context, { merchant: owner, shop: deliveryShop, quantity: 3, fulfilment: doorstep });
    const before = await money(settled.shopper);
    const { lines } = await order(settled.orderId);
    // One good of three: 97 x 1299 / 3897 = 32.33, so 32 from the platform and 12.67 from the merchant.
    const first = await refund(settled.orderId, { lines: [{ lineId: lines[0].id, quantity: 1 }] });
    expect(first.statusCode, first.body).toBe(201);
    expect(await money(settled.shopper)).toEqual({ escrow: before.escrow, platformFees: before.platformFees - 32, merchant: before.merchant - 1267, wallet: before.wallet + 1299 });
    // The other goods: the rest of the fee (65) comes back, the merchant gives 25.98 - 0.65.
    const goods = await refund(settled.orderId, { lines: [{ lineId: lines[0].id, quantity: 2 }] });
    expect(goods.statusCode, goods.body).toBe(201);
    expect(await money(settled.shopper)).toEqual({ escrow: before.escrow, platformFees: before.platformFees - 97, merchant: before.merchant - 3800, wallet: before.wallet + 3897 });
    // The delivery fee last: the platform took nothing of it, so the merchant gives it all back.
    const fee = await refund(settled.orderId, { amountMinor: 450 });
    expect(fee.statusCode, fee.body).toBe(201);
    expect(fee.json()).toMatchObject({ status: 'refunded', refundedMinor: 4347 });
    expect(await money(settled.shopper)).toEqual({ escrow: before.escrow, platformFees: before.platformFees - 97, merchant: before.merchant - 4250, wallet: before.wallet + 4347 });
  });
});

describe("the platform fee rate (PUT /api/admin/operator/merchants/:id/platform-fee)", () => {
  it("is set by the operator per merchant and used by the next settlement; null goes back to the default", async () => {
    const url = `/api/admin/operator/merchants/${owner.merchantId}/platform-fee`;
    expect((await app().inject({ method: 'GET', url, headers: operator })).json()).toEqual({ merchantId: owner.merchantId, basisPoints: null, effectiveBasisPoints: 250 });
    await setPlatformFee(app(), operator, owner.merchantId, 1_000);
    const before = await money();
    const settled = await settledOrder(context, { merchant: owner, shop });
    // 10 % of 12.99 is 1.299: 1.30 to the platform, 11.69 to the merchant.
    expect(settled).toMatchObject({ grossMinor: 1299, platformFeeMinor: 130, netMinor: 1169 });
    expect(await money()).toEqual({ escrow: before.escrow, platformFees: before.platformFees + 130, merchant: before.merchant + 1169 });
    await setPlatformFee(app(), operator, owner.merchantId, null);
    expect((await app().inject({ method: 'GET', url, headers: operator })).json()).toMatchObject({ basisPoints: null, effectiveBasisPoints: 250 });
  });

  it('is refused to merchants\' staff, and out-of-range rates are refused with the field named', async () => {
    const url = `/api/admin/operator/merchants/${owner.merchantId}/platform-fee`;
    expect((await app().inject({ method: 'PUT', url, headers: owner.headers, payload: { basisPoints: 0 } })).statusCode).toBe(403);
    const invalid = await app().inject({ method: 'PUT', url, headers: operator, payload: { basisPoints: 10_001 } });
    expect(invalid.statusCode).toBe(400);
    expect(JSON.stringify(invalid.json())).toContain('basisPoints');
    expect((await app().inject({ method: 'PUT', url: `/api/admin/operator/merchants/${newId()}/platform-fee`, headers: operator, payload: { basisPoints: 0 } })).statusCode).toBe(404);
    expect((await app().inject({ method: 'GET', url, headers: operator })).json()).toMatchObject({ basisPoints: null });
  });
});

describe('refunds after settlement', () => {
  it("take the money back from the merchant's balance and the fee share from the platform, in proportion, to the cent", async () => {
    const settled = await settledOrder(context, { merchant: owner, shop, quantity: 3 });
    expect(settled).toMatchObject({ grossMinor: 3897, platformFeeMinor: 97, netMinor: 3800 });
    const before = await money(settled.shopper);
    const { lines } = await order(settled.orderId);

    // One of three: the fee share is 97 x 1299 / 3897 = 32.33, so 32; the merchant gives back 1267.
    const first = await refund(settled.orderId, { lines: [{ lineId: lines[0].id, quantity: 1 }] });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ status: 'partially_refunded', refundedMinor: 1299 });
    expect(await money(settled.shopper)).toEqual({ escrow: before.escrow, platformFees: before.platformFees - 32, merchant: before.merchant - 1267, wallet: before.wallet + 1299 });

    // The rest: the running total makes the fee shares add up to the whole fee (97 - 32 = 65).
    const rest = await refund(settled.orderId, {});
    expect(rest.statusCode, rest.body).toBe(201);
    expect(rest.json()).toMatchObject({ status: 'refunded', refundedMinor: 3897 });
    expect(await money(settled.shopper)).toEqual({ escrow: before.escrow, platformFees: before.platformFees - 97, merchant: before.merchant - 3800, wallet: before.wallet + 3897 });
    expect((await ledgerLegs(app(), settled.orderId)).map((leg) => `${leg.reason} ${leg.amountMinor}: ${leg.direction}`)).toEqual([
      'order_payment 3897: shopper_wallet -> escrow',
      'settlement_net 3800: escrow -> merchant_available',
      'settlement_fee 97: escrow -> platform_fees',
      'settlement_reversal_net 1267: merchant_available -> escrow',
      'settlement_reversal_fee 32: platform_fees -> escrow',
      'refund 1299: escrow -> shopper_wallet',
      'settlement_reversal_net 2533: merchant_available -> escrow',
      'settlement_reversal_fee 65: platform_fees -> escrow',
      'refund 2598: escrow -> shopper_wallet',
    ]);
  });

  it("is refused with a 422 that says the merchant's balance is short when payouts took it, and nothing moves", async () => {
    const other = await createMerchantWithStaff(app(), 'owner');
    const otherShop = await createStoreFixture(app(), other.merchantId, { variants: [{ priceMinor: 5000, stockOnHand: 10 }] });
    const settled = await settledOrder(context, { merchant: other, shop: otherShop });
    expect(settled).toMatchObject({ grossMinor: 5000, platformFeeMinor: 125, netMinor: 4875 });
    // The merchant pays most of it out: 4000 are held for the payout.
    const payout = await post('/api/admin/finance/payouts', { ...other.headers, 'idempotency-key': newId() } as { authorization: string }, { amountMinor: 4000, currency: 'EUR' });
    expect(payout.statusCode, payout.body).toBe(201);
    const counts = async () => ({ transfers: await countRows(app(), 'ledger_transfer'), refunds: await countRows(app(), 'order_refund'), events: await countRows(app(), 'order_event') });
    const before = { counts: await counts(), wallet: await walletBalanceMinor(app(), settled.shopper.shopperId), stock: await stockOf(app(), otherShop.variantIds[0] as string) };

    // 2000 would take 1950 from a merchant with 875 left.
    const refused = await post(`/api/admin/orders/${settled.orderId}/refunds`, { ...other.headers, 'idempotency-key': newId() } as { authorization: string }, { amountMinor: 2000 });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ code: 'merchant_balance_insufficient', message: expect.stringContaining("merchant's available balance"), errors: { amountMinor: expect.any(String) } });
    expect({ counts: await counts(), wallet: await walletBalanceMinor(app(), settled.shopper.shopperId), stock: await stockOf(app(), otherShop.variantIds[0] as string) }).toEqual(before);
    expect(await (await app().inject({ method: 'GET', url: `/api/admin/orders/${settled.orderId}`, headers: other.headers })).json()).toMatchObject({ status: 'completed', refundedMinor: 0 });

    // What the balance covers still goes through: 800 takes 780 from the merchant and 20 from the fee.
    const small = await post(`/api/admin/orders/${settled.orderId}/refunds`, { ...other.headers, 'idempotency-key': newId() } as { authorization: string }, { amountMinor: 800 });
    expect(small.statusCode, small.body).toBe(201);
    expect(await walletBalanceMinor(app(), settled.shopper.shopperId)).toBe(before.wallet + 800);
  });

  it('take a refund of a completed order that is not settled yet from escrow, and the settlement pays only the rest', async () => {
    const { order: placed, shopper } = await deliveredOrder(context, { merchant: owner, shop, quantity: 2 });
    await post(`/api/store/orders/${placed.id}/confirm-receipt`, shopper.headers);
    const before = await money(shopper);
    expect((await refund(placed.id, { amountMinor: 599 })).statusCode).toBe(201);
    expect(await money(shopper)).toEqual({ ...before, escrow: before.escrow - 599, wallet: before.wallet + 599 });
    // 2598 - 599 = 1999 settles; 2.5 % of it is 49.975, so 50.
    expect(await app().services.settlement.settle(placed.id)).toEqual({ status: 'settled', grossMinor: 1999, platformFeeMinor: 50, netMinor: 1949 });
    expect(await money(shopper)).toEqual({ escrow: before.escrow - 2598, platformFees: before.platformFees + 50, merchant: before.merchant + 1949, wallet: before.wallet + 599 });
  });
});

describe('card-paid orders', () => {
  it("refunded after settlement take the merchant's share back at once, and the card refund job pays the card from escrow", async () => {
    const shopper = await createGuestShopper(app());
    const placed = (await post(`/api/store/shops/${shop.slug}/orders`, shopper.headers, { source: 'buy_now', variantId: shop.variantIds[0], quantity: 1 })).json();
    const started = await post(`/api/store/orders/${placed.id}/card-payment`, shopper.headers);
    expect(started.statusCode, started.body).toBe(200);
    const paid = await context.stripe.deliverWebhook('payment_intent.succeeded', context.stripe.succeedPaymentIntent(started.json().paymentIntentId), { url: context.webhookUrl });
    expect(paid.statusCode).toBe(200);
    expect((await post(`/api/admin/orders/${placed.id}/pack`, owner.headers)).statusCode).toBe(200);
    expect((await post(`/api/admin/orders/${placed.id}/deliver`, owner.headers)).statusCode).toBe(200);
    expect((await post(`/api/store/orders/${placed.id}/confirm-receipt`, shopper.headers)).statusCode).toBe(200);
    // 2.5 % of 12.99 is 0.32475: 0.32 to the platform, 12.67 to the merchant.
    expect(await app().services.settlement.settle(placed.id)).toMatchObject({ status: 'settled', platformFeeMinor: 32, netMinor: 1267 });

    const before = await money();
    const clearing = async () => Number((await app().database.pool.query(`select debits_posted - credits_posted as balance from ledger_account where kind = 'card_clearing' and currency = 'EUR'`)).rows[0].balance);
    const clearingBefore = await clearing();
    const refunded = await refund(placed.id, {});
    expect(refunded.statusCode, refunded.body).toBe(201);
    const pending = refunded.json().refunds[0];
    expect(pending).toMatchObject({ method: 'card', status: 'pending', amountMinor: 1299 });
    expect(await money()).toEqual({ escrow: before.escrow + 1299, platformFees: before.platformFees - 32, merchant: before.merchant - 1267 });
    expect(await clearing()).toBe(clearingBefore);

    expect(await app().services.orders.completeCardRefund(pending.id)).toEqual({ status: 'succeeded' });
    expect(await money()).toEqual({ escrow: before.escrow, platformFees: before.platformFees - 32, merchant: before.merchant - 1267 });
    expect(await clearing()).toBe(clearingBefore - 1299);
  });
});

describe('a completed order refunded in full before its settlement', () => {
  it('settles nothing: the settlement records zero and posts no legs', async () => {
    const { order: placed, shopper } = await deliveredOrder(context, { merchant: owner, shop });
    await post(`/api/store/orders/${placed.id}/confirm-receipt`, shopper.headers);
    expect((await refund(placed.id, {})).json()).toMatchObject({ status: 'refunded' });
    const before = await money();
    expect(await app().services.settlement.settle(placed.id)).toEqual({ status: 'settled', grossMinor: 0, platformFeeMinor: 0, netMinor: 0 });
    expect(await money()).toEqual(before);
    expect((await ledgerLegs(app(), placed.id)).filter((leg) => leg.reason.startsWith('settlement'))).toEqual([]);
    // Settled (at zero): the sweeper has nothing left to do for it.
    expect((await app().services.dueWork.find()).filter((work) => work.key === placed.id)).toEqual([]);
  });
});

describe('counter orders', () => {
  it('are delivered with an auto-confirm time and settle like any other order', async () => {
    const shopper = await createGuestShopper(app());
    await topUpByCard(context, shopper, 2_000);
    const code = await post(`/api/store/shops/${shop.slug}/payment-codes`, shopper.headers);
    expect(code.statusCode, code.body).toBe(201);
    const charge = await post('/api/admin/payment-code-charges', { ...owner.headers, 'idempotency-key': newId() } as { authorization: string }, {
      shopId: shop.shopId,
      token: code.json().token,
      amountMinor: 1_000,
    });
    expect(charge.statusCode, charge.body).toBe(201);
    const { orderId } = charge.json();
    const delivered = await order(orderId);
    expect(delivered).toMatchObject({ status: 'delivered', source: 'counter' });
    expect(Date.parse(delivered.autoConfirmAt) - Date.parse(delivered.deliveredAt)).toBe(7 * 86_400_000);
    const { rows } = await app().database.pool.query(`select jobs from outbox where aggregate_id = $1 and type = 'order.delivered'`, [orderId]);
    expect(rows[0].jobs).toEqual([expect.objectContaining({ name: 'order.auto_confirm', key: orderId })]);

    const before = await money();
    expect((await post(`/api/store/orders/${orderId}/confirm-receipt`, shopper.headers)).statusCode).toBe(200);
    expect(await app().services.settlement.settle(orderId)).toEqual({ status: 'settled', grossMinor: 1000, platformFeeMinor: 25, netMinor: 975 });
    expect(await money()).toEqual({ escrow: before.escrow - 1000, platformFees: before.platformFees + 25, merchant: before.merchant + 975 });
  });
});
