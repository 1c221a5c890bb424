import type { FastifyInstance } from 'fastify';
import { newId } from '../../../db/src/ids.ts';
import type { CurrencyCode } from '../../../db/src/money.ts';
import type { StripeTestApp } from './card-payments.ts';
import { createGuestShopper, createOperator, createStoreFixture, type ShopperSession, type StoreFixture } from './shoppers.ts';
import { signInAsOwner, type StaffSession } from './staff.ts';

/**
 * Money for merchants the way the product makes it: a shopper tops up the wallet by card (the real Stripe
 * SDK against the fake Stripe on loopback, credited by the signed webhook), checks out, pays by wallet;
 * the merchant packs and hands the order over; the shopper confirms receipt; the settlement pays the
 * escrow to the merchant less the platform fee. Payouts and finance tests fund merchants through this.
 */

export interface SettledOrder {
  orderId: string;
  shopper: ShopperSession;
  currency: CurrencyCode;
  grossMinor: number;
  platformFeeMinor: number;
  netMinor: number;
}

/** Tops a wallet up by card: the top-up route, then Stripe's `payment_intent.succeeded` webhook. */
export async function topUpByCard(stripe: StripeTestApp, shopper: ShopperSession, amountMinor: number, currency: CurrencyCode = 'EUR'): Promise<void> {
  const app = stripe.testApp.app;
  const started = await app.inject({ method: 'POST', url: '/api/store/wallet/top-ups', headers: { ...shopper.headers, 'idempotency-key': newId() }, payload: { amountMinor, currency } });
  if (started.statusCode !== 201) throw new Error(`top-up answered ${started.statusCode}: ${started.body}`);
  const { payment } = started.json() as { payment: { paymentIntentId: string } };
  const delivery = await stripe.stripe.deliverWebhook('payment_intent.succeeded', stripe.stripe.succeedPaymentIntent(payment.paymentIntentId), { url: stripe.webhookUrl });
  if (delivery.statusCode !== 200) throw new Error(`the top-up webhook answered ${delivery.statusCode}`);
}

async function call(app: FastifyInstance, method: 'POST' | 'PUT', url: string, headers: { authorization: string }, payload: object = {}) {
  const response = await app.inject({ method, url, headers, payload });
  if (response.statusCode >= 300) throw new Error(`${method} ${url} answered ${response.statusCode}: ${response.body}`);
  return response.json();
}

/** A "buy now" order of the shop's first variant (or the one given), paid from a wallet topped up by card. */
export async function paidOrder(
  stripe: StripeTestApp,
  input: { shop: StoreFixture; shopper?: ShopperSession; variantId?: string; quantity?: number; fulfilment?: object },
): Promise<{ order: { id: string; totalMinor: number; subtotalMinor: number; deliveryFeeMinor: number; currency: CurrencyCode }; shopper: ShopperSession }> {
  const app = stripe.testApp.app;
  const shopper = input.shopper ?? (await createGuestShopper(app));
  const order = await call(app, 'POST', `/api/store/shops/${input.shop.slug}/orders`, shopper.headers, {
    source: 'buy_now',
    variantId: input.variantId ?? input.shop.variantIds[0],
    quantity: input.quantity ?? 1,
    // The fulfilment fields of checkout (`fulfilmentMethod`, `address`, ...); none: the shop's default.
    ...input.fulfilment,
  });
  await topUpByCard(stripe, shopper, order.totalMinor, order.currency);
  await call(app, 'POST', `/api/store/orders/${order.id}/pay`, shopper.headers, { method: 'wallet' });
  return { order, shopper };
}

/** A paid order, packed and handed over by the merchant: `delivered`, its auto-confirmation scheduled. */
export async function deliveredOrder(stripe: StripeTestApp, input: { merchant: StaffSession; shop: StoreFixture; shopper?: ShopperSession; variantId?: string; quantity?: number; fulfilment?: object }) {
  const paid = await paidOrder(stripe, input);
  const app = stripe.testApp.app;
  await call(app, 'POST', `/api/admin/orders/${paid.order.id}/pack`, input.merchant.headers);
  await call(app, 'POST', `/api/admin/orders/${paid.order.id}/deliver`, input.merchant.headers, { note: 'handed over at the shop' });
  return paid;
}

/**
 * A delivered order whose shopper confirms receipt, then settled by the call the `order.settle` job makes
 * (these tests run no workers; workers/test/settlement-journey.test.ts runs the jobs themselves).
 */
export async function settledOrder(stripe: StripeTestApp, input: { merchant: StaffSession; shop: StoreFixture; shopper?: ShopperSession; variantId?: string; quantity?: number; fulfilment?: object }): Promise<SettledOrder> {
  const { order, shopper } = await deliveredOrder(stripe, input);
  const app = stripe.testApp.app;
  await call(app, 'POST', `/api/store/orders/${order.id}/confirm-receipt`, shopper.headers);
  const settled = await app.services.settlement.settle(order.id);
  if (settled.status !== 'settled') throw new Error(`settling ${order.id} answered ${settled.status}`);
  return { orderId: order.id, shopper, currency: order.currency, grossMinor: settled.grossMinor, platformFeeMinor: settled.platformFeeMinor, netMinor: settled.netMinor };
}

/** Sets a merchant's platform fee rate through the operator API. */
export async function setPlatformFee(app: FastifyInstance, operator: { authorization: string }, merchantId: string, basisPoints: number | null): Promise<void> {
  await call(app, 'PUT', `/api/admin/operator/merchants/${merchantId}/platform-fee`, operator, { basisPoints });
}

/**
 * Puts exactly `grossMinor` on a merchant's available balance through a real order: the operator sets
 * the merchant's platform fee to 0 (so the round numbers of payout tests stay round), a shop of the
 * merchant sells one item at that price, and the order is paid, handed over, confirmed and settled.
 */
export async function fundMerchantThroughOrder(stripe: StripeTestApp, merchantId: string, grossMinor: number, currency: CurrencyCode = 'EUR'): Promise<SettledOrder> {
  const app = stripe.testApp.app;
  const owner = await signInAsOwner(app, merchantId);
  await setPlatformFee(app, (await createOperator(app)).headers, merchantId, 0);
  const shop = await createStoreFixture(app, merchantId, { currency, variants: [{ priceMinor: grossMinor, stockOnHand: 1 }] });
  return settledOrder(stripe, { merchant: owner, shop });
}
