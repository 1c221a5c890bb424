import type { FastifyInstance } from 'fastify';
import { newId } from '../../../db/src/ids.ts';
import { createCategory, createProduct, createShop, createVariant, moveStock } from './catalog.ts';
import { checkout, fundWallet, placePaidOrder } from './orders.ts';
import type { StripeTestApp } from './card-payments.ts';
import { setPlatformFee, settledOrder } from './settled-orders.ts';
import { createOperator, type ShopperSession } from './shoppers.ts';
import { createMerchantWithStaff, type StaffSession } from './staff.ts';

/** One record of every merchant-scoped admin resource, all of one merchant. */
export interface TenantRecords {
  merchantId: string;
  shopId: string;
  shopSlug: string;
  categoryId: string;
  productId: string;
  variantId: string;
  stockMovementId: string;
  /** A clerk's membership (the staff resource's id) and their user. */
  membershipId: string;
  memberUserId: string;
  invitationId: string;
  apiKeyId: string;
  unpaidOrderId: string;
  paidOrderId: string;
  paidOrderLineId: string;
  payoutId: string;
  /** The merchant's available-balance ledger account. */
  accountId: string;
  chargeId: string;
  /** A courier of the shop's fleet, and a shipment of one unit of the paid order assigned to them. */
  courierId: string;
  shipmentId: string;
}

async function created(app: FastifyInstance, session: StaffSession, url: string, payload: object, headers: Record<string, string> = {}): Promise<{ id: string }> {
  const response = await app.inject({ method: 'POST', url, headers: { ...session.headers, ...headers }, payload });
  if (response.statusCode !== 201) throw new Error(`POST ${url} answered ${response.statusCode}: ${response.body}`);
  return response.json();
}

/** Charges a freshly issued payment code of `shopper` at the merchant's shop through the console. */
export async function chargePaymentCode(
  app: FastifyInstance,
  owner: StaffSession,
  shopper: ShopperSession,
  shop: { id: string; slug: string },
  amountMinor: number,
): Promise<{ id: string; status: string; confirmBy: string | null }> {
  const code = await app.inject({ method: 'POST', url: `/api/store/shops/${shop.slug}/payment-codes`, headers: shopper.headers });
  if (code.statusCode !== 201) throw new Error(`payment code answered ${code.statusCode}: ${code.body}`);
  return (await created(app, owner, '/api/admin/payment-code-charges', { shopId: shop.id, token: code.json().token, amountMinor }, { 'idempotency-key': newId() })) as {
    id: string;
    status: string;
    confirmBy: string | null;
  };
}

/**
 * A merchant's whole estate made through the real routes, as its staff and shoppers would make it: a
 * catalog, a second staff member, an invitation, an API key, an unpaid and a paid order, settled money
 * with a payout, and a counter charge. `settledMinor` differs per merchant so their balances differ.
 */
export async function populateMerchant(stripe: StripeTestApp, owner: StaffSession, shopper: ShopperSession, settledMinor: number): Promise<TenantRecords> {
  const app = stripe.testApp.app;
  const { pool } = app.database;
  const shop = await createShop(app, owner);
  const category = await createCategory(app, owner, shop.id);
  const product = await createProduct(app, owner, shop.id, { categoryId: category.id });
  const variant = await createVariant(app, owner, product.id, { stockOnHand: 50 });
  const movement = await moveStock(app, owner, variant.id, 3);
  if (movement.statusCode !== 201) throw new Error(`stock movement answered ${movement.statusCode}: ${movement.body}`);

  const member = await createMerchantWithStaff(app, 'clerk', owner.merchantId);
  const membership = await pool.query<{ id: string }>('select id from membership where merchant_id = $1 and user_id = $2', [owner.merchantId, member.userId]);
  const invitation = await created(app, owner, '/api/admin/invitations', { email: `invitee.${newId()}@example.test`, role: 'manager' });
  const apiKey = await created(app, owner, '/api/admin/api-keys', { name: 'Till', role: 'clerk' });

  const unpaid = await checkout(app, shopper, shop.slug, { source: 'buy_now', variantId: variant.id, quantity: 1 });
  if (unpaid.statusCode !== 201) throw new Error(`checkout answered ${unpaid.statusCode}: ${unpaid.body}`);
  const paid = await placePaidOrder(app, shopper, shop.slug, variant.id, 2);

  // The settled money comes from a real order of a variant priced at settledMinor (another shopper's),
  // delivered, confirmed and settled at a platform fee of 0 that the operator set for this merchant.
  const settledVariant = await createVariant(app, owner, product.id, { priceMinor: settledMinor, stockOnHand: 1, title: 'settled' });
  await setPlatformFee(app, (await createOperator(app)).headers, owner.merchantId, 0);
  await settledOrder(stripe, { merchant: owner, shop: { shopId: shop.id, slug: shop.slug, productId: product.id, variantIds: [settledVariant.id] } });
  const payout = await created(app, owner, '/api/admin/finance/payouts', { amountMinor: 10_00, currency: 'EUR' }, { 'idempotency-key': newId() });
  const account = await pool.query<{ id: string }>(`select id from ledger_account where merchant_id = $1 and kind = 'merchant_available'`, [owner.merchantId]);

  await fundWallet(app, shopper.shopperId, 5_00);
  const charge = await chargePaymentCode(app, owner, shopper, shop, 3_00);

  const courier = await created(app, owner, '/api/admin/couriers', { name: 'Tenant Rider' });
  const shipment = await created(app, owner, `/api/admin/orders/${paid.id}/shipments`, { lines: [{ lineId: paid.lines[0]!.id, quantity: 1 }], courierId: courier.id });

  return {
    merchantId: owner.merchantId,
    shopId: shop.id,
    shopSlug: shop.slug,
    categoryId: category.id,
    productId: product.id,
    variantId: variant.id,
    stockMovementId: movement.json().id,
    membershipId: membership.rows[0]!.id,
    memberUserId: member.userId,
    invitationId: invitation.id,
    apiKeyId: apiKey.id,
    unpaidOrderId: unpaid.json().id,
    paidOrderId: paid.id,
    paidOrderLineId: paid.lines[0]!.id,
    payoutId: payout.id,
    accountId: account.rows[0]!.id,
    chargeId: charge.id,
    courierId: courier.id,
    shipmentId: shipment.id,
  };
}
