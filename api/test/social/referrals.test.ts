import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../../db/src/database.ts';
import { newId } from '../../../db/src/ids.ts';
import { JobQueues } from '../../../db/src/queues/job-queues.ts';
import { connectRedis, createRedis } from '../../../db/src/redis.ts';
import { createServices } from '../../../db/src/services.ts';
import { processors } from '../../../workers/src/processors/index.ts';
import { assertLedgerInvariants } from '../../../db/src/testing/ledger-invariants.ts';
import { buildStripeTestApp, ledgerLegs, type StripeTestApp } from '../helpers/card-payments.ts';
import { walletBalanceMinor } from '../helpers/orders.ts';
import { deliveredOrder, paidOrder } from '../helpers/settled-orders.ts';
import { addProduct, createGuestShopper, createStoreFixture, type ShopperSession, type StoreFixture } from '../helpers/shoppers.ts';
import { createMerchantWithStaff, type StaffSession } from '../helpers/staff.ts';
import { sealBeforeRead } from '../../../db/src/modules/ledger/ledger-sealer.ts';

/**
 * Share links, attribution and referral commissions through the API (docs/social.md §3-§4): a shopper
 * shares, a friend opens the link signed in and buys; the order's settlement pays the sharer's wallet out
 * of the merchant's net in the same linked chain, once; refunds cancel it, or take it back.
 */
let context: StripeTestApp;
let owner: StaffSession;
let shop: StoreFixture;
const app = () => context.testApp.app;

// Goods at 10.00 EUR, 10 % commission, the default 2.5 % platform fee.
beforeAll(async () => {
  context = await buildStripeTestApp();
  owner = await createMerchantWithStaff(app(), 'owner');
  shop = await createStoreFixture(app(), owner.merchantId, { variants: [{ priceMinor: 1000, stockOnHand: 500 }, { priceMinor: 100, stockOnHand: 500 }] });
  const updated = await app().inject({ method: 'PUT', url: `/api/admin/shops/${shop.shopId}`, headers: owner.headers, payload: { referralCommissionBasisPoints: 1000 } });
  expect(updated.statusCode, updated.body).toBe(200);
  expect(updated.json()).toMatchObject({ referralCommissionBasisPoints: 1000, referralWindowDays: 7 });
});
afterEach(() => assertLedgerInvariants(context.testApp.database));
afterAll(() => context.close());

function post(url: string, headers: { authorization: string }, payload: object = {}) {
  return app().inject({ method: 'POST', url, headers, payload });
}

async function shareLink(sharer: ShopperSession, payload: object = { kind: 'product', shopSlug: shop.slug, targetId: shop.productId }): Promise<{ code: string; url: string }> {
  const response = await post('/api/store/share-links', sharer.headers, payload);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

async function open(reader: ShopperSession, code: string): Promise<{ attributed: boolean }> {
  const response = await post(`/api/store/share-links/${code}/opens`, reader.headers);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

async function commission(orderId: string) {
  const response = await app().inject({ method: 'GET', url: `/api/admin/commissions?filter=${encodeURIComponent(JSON.stringify({ id: [orderId] }))}`, headers: owner.headers });
  expect(response.statusCode, response.body).toBe(200);
  return response.json()[0] ?? null;
}

async function merchantAvailableMinor(): Promise<number> {
  const { rows } = await app().database.pool.query<{ balance: number }>(
    `select credits_posted - debits_posted as balance from ledger_account where kind = 'merchant_available' and owner_id = $1 and currency = 'EUR'`,
    [owner.merchantId],
  );
  return Number(rows[0]?.balance ?? 0);
}

async function refund(orderId: string, amountMinor: number) {
  const response = await post(`/api/admin/orders/${orderId}/refunds`, { ...owner.headers, 'idempotency-key': newId() } as { authorization: string }, { amountMinor });
  expect(response.statusCode, response.body).toBeLessThan(300);
}

/** A friend of `sharer` opens the product link and orders `quantity` by wallet; the order is delivered. */
async function referredDeliveredOrder(sharer: ShopperSession, quantity = 1) {
  const buyer = await createGuestShopper(app());
  await open(buyer, (await shareLink(sharer)).code);
  return deliveredOrder(context, { merchant: owner, shop, shopper: buyer, quantity });
}

async function completeAndSettle(orderId: string, buyer: ShopperSession) {
  expect((await post(`/api/store/orders/${orderId}/confirm-receipt`, buyer.headers)).statusCode).toBe(200);
  return app().services.settlement.settle(orderId);
}

describe('share links and their page', () => {
  it('gives a sharer one short link per product or shop, whose page unfurls with Open Graph and Twitter tags and opens the widget there with the code', async () => {
    const sharer = await createGuestShopper(app());
    const link = await shareLink(sharer);
    expect(link).toMatchObject({ kind: 'product', targetId: shop.productId, card: { title: 'Jasmine Tea', priceMinor: 100, currency: 'EUR' } });
    expect(link.url).toMatch(/\/r\/[A-Za-z0-9]{10}$/);
    expect((await shareLink(sharer)).code).toBe(link.code);
    const shopLink = await shareLink(sharer, { kind: 'shop', shopSlug: shop.slug });
    expect(shopLink.code).not.toBe(link.code);

    const page = await app().inject({ method: 'GET', url: `/r/${link.code}` });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('<meta property="og:title" content="Jasmine Tea · ');
    expect(page.body).toContain('<meta property="og:description" content="€1.00 · ');
    expect(page.body).toContain('<meta property="product:price:amount" content="1.00">');
    expect(page.body).toContain('<meta name="twitter:card" content="summary">');
    expect(page.body).toContain('<meta name="twitter:data1" content="€1.00">');
    expect(page.body).toContain(`<minishop-store shop="${shop.slug}" product="${shop.productId}" ref="${link.code}">`);
    const shopPage = await app().inject({ method: 'GET', url: `/r/${shopLink.code}` });
    expect(shopPage.body).toContain('<meta property="og:type" content="website">');
    expect(shopPage.body).toContain(`<minishop-store shop="${shop.slug}" ref="${shopLink.code}">`);
  });

  it("gives a merchant a link to its own shop's product that unfurls the same and attributes nothing", async () => {
    const created = await post('/api/admin/share-links', owner.headers, { kind: 'product', shopSlug: shop.slug, targetId: shop.productId });
    expect(created.statusCode, created.body).toBe(201);
    const { code } = created.json();
    expect((await post('/api/admin/share-links', owner.headers, { kind: 'product', shopSlug: shop.slug, targetId: shop.productId })).json().code).toBe(code);
    expect((await app().inject({ method: 'GET', url: `/r/${code}` })).body).toContain(`ref="${code}"`);
    const reader = await createGuestShopper(app());
    expect(await open(reader, code)).toMatchObject({ attributed: false });
    const stranger = await createMerchantWithStaff(app(), 'owner');
    expect((await post('/api/admin/share-links', stranger.headers, { kind: 'shop', shopSlug: shop.slug })).statusCode).toBe(404);
  });

  it('escapes what merchants wrote, and shows the image', async () => {
    const productId = await addProduct(app(), owner.merchantId, shop.shopId, { title: '<script>alert("x")</script> & "Tea"', variants: [{ priceMinor: 250, stockOnHand: 1 }] });
    const images = await app().inject({ method: 'PUT', url: `/api/admin/products/${productId}`, headers: owner.headers, payload: { images: [{ url: '/media/tea.jpg"><script>x</script>' }] } });
    expect(images.statusCode, images.body).toBe(200);
    const link = await shareLink(await createGuestShopper(app()), { kind: 'product', shopSlug: shop.slug, targetId: productId });
    const page = (await app().inject({ method: 'GET', url: `/r/${link.code}` })).body;
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('<script>x');
    expect(page).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#34;Tea&#34;');
    expect(page).toContain('<meta name="twitter:card" content="summary_large_image">');
    expect(page).toMatch(/<meta property="og:image" content="http[^"]+\/media\/tea\.jpg&#34;&#62;&#60;script&#62;x&#60;\/script&#62;">/);
  });

  it('refuses bad input with a 4xx naming the field, and answers unknown or malformed codes with pages', async () => {
    const sharer = await createGuestShopper(app());
    const cases: [object, number, string][] = [
      [{ kind: 'coupon', shopSlug: shop.slug }, 400, 'kind'],
      [{ kind: 'product', shopSlug: shop.slug }, 400, 'targetId'],
      [{ kind: 'shop', shopSlug: shop.slug, targetId: shop.productId }, 400, 'targetId'],
      [{ kind: 'product', shopSlug: shop.slug, targetId: 'not-a-uuid' }, 400, 'targetId'],
    ];
    for (const [payload, status, field] of cases) {
      const response = await post('/api/store/share-links', sharer.headers, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(status);
      expect(JSON.stringify(response.json()), JSON.stringify(payload)).toContain(field);
    }
    expect((await post('/api/store/share-links', sharer.headers, { kind: 'product', shopSlug: shop.slug, targetId: newId() })).statusCode).toBe(404);
    expect((await post('/api/store/share-links', sharer.headers, { kind: 'shop', shopSlug: 'no-such-shop' })).statusCode).toBe(404);
    expect((await app().inject({ method: 'POST', url: '/api/store/share-links', payload: { kind: 'shop', shopSlug: shop.slug } })).statusCode).toBe(401);
    expect((await post('/api/store/share-links/AAAAAAAAAA/opens', sharer.headers)).statusCode).toBe(404);
    expect((await post('/api/store/share-links/bad!/opens', sharer.headers)).statusCode).toBe(400);
    expect((await app().inject({ method: 'GET', url: '/r/bad%3Cb%3E' })).statusCode).toBe(400);
    const unknown = await app().inject({ method: 'GET', url: '/r/AAAAAAAAAA' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('This shop is not available');
    const { rows } = await app().database.pool.query(`select count(*)::int as count from share_link where sharer_shopper_id = $1`, [sharer.shopperId]);
    expect(rows[0].count).toBe(0);
    const settings = await app().inject({ method: 'PUT', url: `/api/admin/shops/${shop.shopId}`, headers: owner.headers, payload: { referralCommissionBasisPoints: 6000, referralWindowDays: 0 } });
    expect(settings.statusCode).toBe(400);
    expect(settings.body).toContain('referralCommissionBasisPoints');
  });
});

describe('attribution', () => {
  it('gives an order to the last sharer whose link the buyer opened within the window, and to nobody outside it', async () => {
    const [first, second, buyer, lateBuyer] = await Promise.all([0, 1, 2, 3].map(() => createGuestShopper(app())));
    const firstLink = await shareLink(first!);
    const secondLink = await shareLink(second!, { kind: 'shop', shopSlug: shop.slug });
    // The sharer's own open attributes nothing.
    expect(await open(first!, firstLink.code)).toMatchObject({ attributed: false });
    expect(await open(buyer!, firstLink.code)).toMatchObject({ attributed: true });
    expect(await open(buyer!, secondLink.code)).toMatchObject({ attributed: true });
    const { order } = await paidOrder(context, { shop, shopper: buyer! });
    expect(await commission(order.id)).toMatchObject({ referrerShopperId: second!.shopperId, status: 'pending', basisPoints: 1000, commissionMinor: null });

    // A touch 8 days old (the clock moved by the test) is outside the default 7-day window.
    await open(lateBuyer!, firstLink.code);
    await app().database.pool.query(`update share_touch set touched_at = touched_at - interval '8 days' where shopper_id = $1`, [lateBuyer!.shopperId]);
    const late = await paidOrder(context, { shop, shopper: lateBuyer! });
    expect(await commission(late.order.id)).toBeNull();
    // The shop widens its window to 10 days: the same touch now counts for the next order.
    await app().inject({ method: 'PUT', url: `/api/admin/shops/${shop.shopId}`, headers: owner.headers, payload: { referralWindowDays: 10 } });
    const later = await paidOrder(context, { shop, shopper: lateBuyer! });
    await app().inject({ method: 'PUT', url: `/api/admin/shops/${shop.shopId}`, headers: owner.headers, payload: { referralWindowDays: 7 } });
    expect(await commission(later.order.id)).toMatchObject({ referrerShopperId: first!.shopperId, status: 'pending' });
  });
});

describe('commissions', () => {
  it('pays the referrer once at settlement, out of the merchant net in the same linked chain, however many runs race', async () => {
    const sharer = await createGuestShopper(app());
    const { order, shopper } = await referredDeliveredOrder(sharer, 2);
    const pending = (await app().inject({ method: 'GET', url: '/api/store/referral-commissions', headers: sharer.headers })).json();
    expect(pending).toEqual({ totals: [{ currency: 'EUR', pendingOrders: 1, paidMinor: 0 }], items: [expect.objectContaining({ orderId: order.id, status: 'pending' })] });
    const merchantBefore = await merchantAvailableMinor();

    expect((await post(`/api/store/orders/${order.id}/confirm-receipt`, shopper.headers)).statusCode).toBe(200);
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => app().services.settlement.settle(order.id)));
    expect(outcomes.filter((outcome) => outcome.status === 'settled')).toHaveLength(1);
    expect(await app().services.settlement.settle(order.id)).toMatchObject({ status: 'already_settled', grossMinor: 2000, platformFeeMinor: 50, netMinor: 1950 });

    // 10 % of the goods (20.00) = 2.00 to the sharer; the merchant keeps 19.50 - 2.00.
    expect(await walletBalanceMinor(app(), sharer.shopperId)).toBe(200);
    expect((await merchantAvailableMinor()) - merchantBefore).toBe(1750);
    const legs = await ledgerLegs(app(), order.id);
    expect(legs.map((leg) => `${leg.reason} ${leg.amountMinor}: ${leg.direction}`)).toEqual([
      'order_payment 2000: shopper_wallet -> escrow',
      'settlement_net 1950: escrow -> merchant_available',
      'settlement_fee 50: escrow -> platform_fees',
      'referral_commission 200: merchant_available -> shopper_wallet',
    ]);
    await sealBeforeRead(app().database.pool);
    const { rows } = await app().database.pool.query(`select linked from ledger_transfer where reference_id = $1 and reason like 'settlement%' order by sequence`, [order.id]);
    expect(rows.map((row) => row.linked)).toEqual([true, true]);
    const paid = await commission(order.id);
    expect(paid).toMatchObject({ status: 'paid', commissionMinor: 200, transferId: legs[3]!.id, transfers: [expect.objectContaining({ id: legs[3]!.id, reason: 'referral_commission', amountMinor: 200 })] });
    const widget = (await app().inject({ method: 'GET', url: '/api/store/referral-commissions', headers: sharer.headers })).json();
    expect(widget.totals).toEqual([{ currency: 'EUR', pendingOrders: 0, paidMinor: 200 }]);
    expect(widget.items[0]).toMatchObject({ status: 'paid', commissionMinor: 200, paidAt: expect.any(String) });
  });

  it("is paid once when two worker processes run the order's settlement at the same moment, and a retry pays nothing more", async () => {
    // A second set of services on connections of its own, as another workers process would have.
    const config = context.testApp.config;
    const otherDatabase = await connectDatabase(config);
    const otherRedis = await connectRedis(createRedis(config), config.redis.url);
    const otherServices = createServices({ config, database: otherDatabase, redis: otherRedis });
    const queues = new JobQueues(config);
    try {
      const sharer = await createGuestShopper(app());
      const { order, shopper } = await referredDeliveredOrder(sharer, 1);
      expect((await post(`/api/store/orders/${order.id}/confirm-receipt`, shopper.headers)).statusCode).toBe(200);
      const job = {} as never;
      const outcomes = await Promise.all([
        processors['order.settle']({ orderId: order.id }, { services: app().services, job, queues }),
        processors['order.settle']({ orderId: order.id }, { services: otherServices, job, queues }),
      ]);
      expect(outcomes.map((outcome) => (outcome as { status: string }).status).sort()).toEqual(['already_settled', 'settled']);
      expect(await processors['order.settle']({ orderId: order.id }, { services: otherServices, job, queues })).toMatchObject({ status: 'already_settled' });
      expect(await walletBalanceMinor(app(), sharer.shopperId)).toBe(100);
      expect((await ledgerLegs(app(), order.id)).filter((leg) => leg.reason === 'referral_commission')).toHaveLength(1);
      expect(await commission(order.id)).toMatchObject({ status: 'paid', commissionMinor: 100 });
    } finally {
      await queues.close();
      otherRedis.disconnect();
      await otherDatabase.close();
    }
  });

  it('is cancelled by a full refund before settlement, and reduced by a partial one', async () => {
    const sharer = await createGuestShopper(app());
    const buyer = await createGuestShopper(app());
    await open(buyer, (await shareLink(sharer)).code);
    const { order } = await paidOrder(context, { shop, shopper: buyer, quantity: 2 });
    await refund(order.id, 2000);
    expect(await commission(order.id)).toMatchObject({ status: 'cancelled', cancelledAt: expect.any(String), commissionMinor: null });

    const partial = await referredDeliveredOrder(sharer, 2);
    await refund(partial.order.id, 1000);
    expect(await completeAndSettle(partial.order.id, partial.shopper)).toMatchObject({ status: 'settled', grossMinor: 1000 });
    expect(await commission(partial.order.id)).toMatchObject({ status: 'paid', commissionMinor: 100 });
    expect(await walletBalanceMinor(app(), sharer.shopperId)).toBe(100);
  });

  it("takes its share of a later refund back from the referrer's wallet, in proportion, to the cent", async () => {
    const sharer = await createGuestShopper(app());
    const { order, shopper } = await referredDeliveredOrder(sharer, 3);
    await completeAndSettle(order.id, shopper);
    expect(await walletBalanceMinor(app(), sharer.shopperId)).toBe(300);
    const merchantBefore = await merchantAvailableMinor();

    await refund(order.id, 1000);
    expect(await walletBalanceMinor(app(), sharer.shopperId)).toBe(200);
    // The merchant gets 1.00 back from the referrer and returns its 9.75 share of the refund (10.00 less 0.25 fee).
    expect((await merchantAvailableMinor()) - merchantBefore).toBe(100 - 975);
    await refund(order.id, 2000);
    expect(await walletBalanceMinor(app(), sharer.shopperId)).toBe(0);
    expect(await commission(order.id)).toMatchObject({ status: 'paid', commissionMinor: 300, takenBackMinor: 300, merchantBorneMinor: 0 });
    const reversals = (await ledgerLegs(app(), order.id)).filter((leg) => leg.reason === 'referral_commission_reversal');
    expect(reversals.map((leg) => `${leg.amountMinor}: ${leg.direction}`)).toEqual(['100: shopper_wallet -> merchant_available', '200: shopper_wallet -> merchant_available']);
    expect((await commission(order.id)).transfers.map((transfer: { reason: string }) => transfer.reason)).toEqual(['referral_commission', 'referral_commission_reversal', 'referral_commission_reversal']);
  });

  it('leaves it with the merchant when the referrer has spent it', async () => {
    const sharer = await createGuestShopper(app());
    const { order, shopper } = await referredDeliveredOrder(sharer, 1);
    await completeAndSettle(order.id, shopper);
    expect(await walletBalanceMinor(app(), sharer.shopperId)).toBe(100);
    // The referrer spends the 1.00 on the 1.00 variant.
    const spent = await post(`/api/store/shops/${shop.slug}/orders`, sharer.headers, { source: 'buy_now', variantId: shop.variantIds[1], quantity: 1 });
    expect(spent.statusCode, spent.body).toBe(201);
    expect((await post(`/api/store/orders/${spent.json().id}/pay`, sharer.headers, { method: 'wallet' })).statusCode).toBe(200);
    expect(await walletBalanceMinor(app(), sharer.shopperId)).toBe(0);
    const merchantBefore = await merchantAvailableMinor();

    await refund(order.id, 1000);
    expect(await walletBalanceMinor(app(), sharer.shopperId)).toBe(0);
    expect((await merchantAvailableMinor()) - merchantBefore).toBe(-975);
    expect(await commission(order.id)).toMatchObject({ status: 'paid', commissionMinor: 100, takenBackMinor: 0, merchantBorneMinor: 100 });
    expect((await ledgerLegs(app(), order.id)).filter((leg) => leg.reason === 'referral_commission_reversal')).toEqual([]);
  });

  it("gives a card refund's take-back to the referrer again when the card processor refuses that refund", async () => {
    const sharer = await createGuestShopper(app());
    const buyer = await createGuestShopper(app());
    await open(buyer, (await shareLink(sharer)).code);
    const placed = (await post(`/api/store/shops/${shop.slug}/orders`, buyer.headers, { source: 'buy_now', variantId: shop.variantIds[0], quantity: 2 })).json();
    const started = await post(`/api/store/orders/${placed.id}/card-payment`, buyer.headers);
    expect(started.statusCode, started.body).toBe(200);
    const paymentIntentId = started.json().paymentIntentId;
    expect((await context.stripe.deliverWebhook('payment_intent.succeeded', context.stripe.succeedPaymentIntent(paymentIntentId), { url: context.webhookUrl })).statusCode).toBe(200);
    expect((await post(`/api/admin/orders/${placed.id}/pack`, owner.headers)).statusCode).toBe(200);
    expect((await post(`/api/admin/orders/${placed.id}/deliver`, owner.headers)).statusCode).toBe(200);
    expect(await completeAndSettle(placed.id, buyer)).toMatchObject({ status: 'settled', grossMinor: 2000 });
    expect(await walletBalanceMinor(app(), sharer.shopperId)).toBe(200);
    const merchantBefore = await merchantAvailableMinor();

    const refunded = await post(`/api/admin/orders/${placed.id}/refunds`, { ...owner.headers, 'idempotency-key': newId() } as { authorization: string }, { amountMinor: 1000 });
    expect(refunded.statusCode, refunded.body).toBe(201);
    const refundId = refunded.json().refunds[0].id;
    // Taken back when the refund is asked for, like the merchant's own share.
    expect(await walletBalanceMinor(app(), sharer.shopperId)).toBe(100);
    expect(await commission(placed.id)).toMatchObject({ takenBackMinor: 100 });
    // Someone refunded the whole payment in Stripe's dashboard meanwhile: Stripe refuses ours for good.
    await app().services.payments.gateway.refund({ paymentIntentId, idempotencyKey: `dashboard:${placed.id}` });
    expect(await app().services.orders.completeCardRefund(refundId)).toEqual({ status: 'failed' });

    expect(await walletBalanceMinor(app(), sharer.shopperId)).toBe(200);
    expect(await merchantAvailableMinor()).toBe(merchantBefore);
    expect(await commission(placed.id)).toMatchObject({ status: 'paid', commissionMinor: 200, takenBackMinor: 0 });
    expect((await ledgerLegs(app(), placed.id)).filter((leg) => leg.reason.startsWith('referral')).map((leg) => `${leg.reason} ${leg.amountMinor}: ${leg.direction}`)).toEqual([
      'referral_commission 200: merchant_available -> shopper_wallet',
      'referral_commission_reversal 100: shopper_wallet -> merchant_available',
      'referral_commission_reversal_undo 100: merchant_available -> shopper_wallet',
    ]);
  });
});
