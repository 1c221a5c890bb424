import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../../db/src/ids.ts';
import { assertLedgerInvariants } from '../../../../db/src/testing/ledger-invariants.ts';
import type { TestApp } from '../../helpers/app.ts';
import { buildStripeTestApp, type StripeTestApp } from '../../helpers/card-payments.ts';
import { createGuestShopper, createOperator } from '../../helpers/shoppers.ts';
import { snapshotDatabase } from '../../helpers/snapshots.ts';
import { createMerchantWithStaff, type StaffSession } from '../../helpers/staff.ts';
import { populateMerchant, type TenantRecords } from '../../helpers/tenant-records.ts';

/**
 * "Bad input changes nothing", across the admin write routes: each request below is refused with 400
 * naming the offending field, and afterwards every table of the database is exactly as it was. Some are
 * refused by the schema, some by the service after it has started its work (a reference that does not
 * exist, a refund asking for lines and an amount at once, a tampered code): those prove the
 * transaction was rolled back.
 */

interface BadInputCase {
  name: string;
  method: 'POST' | 'PUT';
  url(records: TenantRecords): string;
  payload(records: TenantRecords): object;
  /** The field the 400 must name. */
  field: string;
  /** Who sends it; the merchant's owner unless said otherwise. */
  caller?: 'operator';
  headers?(): Record<string, string>;
}

const withIdempotencyKey = () => ({ 'idempotency-key': newId() });

const cases: BadInputCase[] = [
  { name: 'a shop slug with capitals and spaces', method: 'POST', url: () => '/api/admin/shops', payload: () => ({ slug: 'Tea House!', name: 'Tea', currency: 'EUR' }), field: 'slug' },
  { name: 'a shop currency that is no ISO code', method: 'POST', url: () => '/api/admin/shops', payload: () => ({ slug: `s-${newId().slice(-8)}`, name: 'Tea', currency: 'euro' }), field: 'currency' },
  { name: 'an empty shop name', method: 'PUT', url: (r) => `/api/admin/shops/${r.shopId}`, payload: () => ({ name: '' }), field: 'name' },
  { name: 'an empty category name', method: 'POST', url: () => '/api/admin/categories', payload: (r) => ({ shopId: r.shopId, name: '' }), field: 'name' },
  { name: 'a product status that does not exist', method: 'POST', url: () => '/api/admin/products', payload: (r) => ({ shopId: r.shopId, title: 'Oolong', status: 'sold' }), field: 'status' },
  { name: 'a category id that is no uuid', method: 'PUT', url: (r) => `/api/admin/products/${r.productId}`, payload: () => ({ categoryId: 'green' }), field: 'categoryId' },
  { name: 'a category of the merchant that does not exist', method: 'PUT', url: (r) => `/api/admin/products/${r.productId}`, payload: () => ({ title: 'Renamed', categoryId: newId() }), field: 'categoryId' },
  { name: 'a photo position below zero', method: 'PUT', url: (r) => `/api/admin/products/${r.productId}/photos/${newId()}`, payload: () => ({ position: -1 }), field: 'position' },
  { name: 'a photo upload that is JSON, not a form', method: 'POST', url: (r) => `/api/admin/products/${r.productId}/photos`, payload: () => ({ file: 'aGVsbG8=' }), field: 'file' },
  { name: 'a price with cents after the point (money is integer minor units)', method: 'POST', url: () => '/api/admin/variants', payload: (r) => ({ productId: r.productId, sku: 'HALF', priceMinor: 12.5, stockOnHand: 1 }), field: 'priceMinor' },
  { name: 'a negative price', method: 'POST', url: () => '/api/admin/variants', payload: (r) => ({ productId: r.productId, sku: 'NEG', priceMinor: -1, stockOnHand: 1 }), field: 'priceMinor' },
  { name: 'a price as a string (JSON bodies are not coerced)', method: 'PUT', url: (r) => `/api/admin/variants/${r.variantId}`, payload: () => ({ priceMinor: '1299' }), field: 'priceMinor' },
  { name: 'a variant of a product that does not exist', method: 'POST', url: () => '/api/admin/variants', payload: () => ({ productId: newId(), sku: 'GHOST', priceMinor: 100, stockOnHand: 1 }), field: 'productId' },
  { name: 'a stock movement for a reason that is not manual', method: 'POST', url: () => '/api/admin/stock-movements', payload: (r) => ({ variantId: r.variantId, quantityDelta: -1, reason: 'sale' }), field: 'reason' },
  { name: 'a fractional stock movement', method: 'POST', url: () => '/api/admin/stock-movements', payload: (r) => ({ variantId: r.variantId, quantityDelta: 1.5, reason: 'receipt' }), field: 'quantityDelta' },
  { name: 'a staff role that does not exist', method: 'PUT', url: (r) => `/api/admin/staff/${r.membershipId}`, payload: () => ({ role: 'admin' }), field: 'role' },
  { name: 'an invitation to something that is no email', method: 'POST', url: () => '/api/admin/invitations', payload: () => ({ email: 'not-an-email', role: 'clerk' }), field: 'email' },
  { name: 'an API key named only with spaces', method: 'POST', url: () => '/api/admin/api-keys', payload: () => ({ name: '   ', role: 'clerk' }), field: 'name' },
  { name: 'a refund of zero', method: 'POST', url: (r) => `/api/admin/orders/${r.paidOrderId}/refunds`, payload: () => ({ amountMinor: 0 }), field: 'amountMinor' },
  {
    name: 'a refund of lines and an amount at once (refused inside the transaction)',
    method: 'POST',
    url: (r) => `/api/admin/orders/${r.paidOrderId}/refunds`,
    payload: (r) => ({ lines: [{ lineId: r.paidOrderLineId, quantity: 1 }], amountMinor: 1 }),
    field: 'amountMinor',
    headers: withIdempotencyKey,
  },
  { name: 'a shipment with an empty carrier', method: 'POST', url: (r) => `/api/admin/orders/${r.paidOrderId}/ship`, payload: () => ({ carrier: '' }), field: 'carrier' },
  { name: 'a courier without a name', method: 'POST', url: () => '/api/admin/couriers', payload: () => ({ name: '' }), field: 'name' },
  { name: 'a courier phone with letters', method: 'PUT', url: (r) => `/api/admin/couriers/${r.courierId}`, payload: () => ({ phone: 'call me' }), field: 'phone' },
  { name: 'a shipment going to a latitude off the globe', method: 'POST', url: (r) => `/api/admin/orders/${r.paidOrderId}/shipments`, payload: () => ({ destination: { latitude: 91, longitude: 2 } }), field: 'destination.latitude' },
  { name: 'a shipment of zero units', method: 'POST', url: (r) => `/api/admin/orders/${r.paidOrderId}/shipments`, payload: (r) => ({ lines: [{ lineId: r.paidOrderLineId, quantity: 0 }] }), field: 'lines.0.quantity' },
  {
    name: 'a shipment of a line of another order (refused inside the transaction)',
    method: 'POST',
    url: (r) => `/api/admin/orders/${r.paidOrderId}/shipments`,
    payload: (r) => ({ lines: [{ lineId: r.shipmentId, quantity: 1 }] }),
    field: 'lines.0.lineId',
  },
  { name: 'a tracking event with a status carriers do not report', method: 'POST', url: (r) => `/api/admin/shipments/${r.shipmentId}/events`, payload: () => ({ status: 'teleported' }), field: 'status' },
  { name: 'a tracking event at a time that is no date', method: 'POST', url: (r) => `/api/admin/shipments/${r.shipmentId}/events`, payload: () => ({ status: 'in_transit', happenedAt: 'tuesday' }), field: 'happenedAt' },
  { name: 'a cancellation note longer than 500 characters', method: 'POST', url: (r) => `/api/admin/orders/${r.paidOrderId}/cancel`, payload: () => ({ note: 'x'.repeat(501) }), field: 'note' },
  { name: 'a payout with cents after the point', method: 'POST', url: () => '/api/admin/finance/payouts', payload: () => ({ amountMinor: 10.5, currency: 'EUR' }), field: 'amountMinor' },
  { name: 'a payout in a lower-case currency', method: 'POST', url: () => '/api/admin/finance/payouts', payload: () => ({ amountMinor: 100, currency: 'eur' }), field: 'currency' },
  { name: 'a charge without an Idempotency-Key', method: 'POST', url: () => '/api/admin/payment-code-charges', payload: (r) => ({ shopId: r.shopId, token: 'anything', amountMinor: 100 }), field: 'idempotency-key' },
  {
    name: 'a charge of a tampered payment code (refused after the idempotency look-up)',
    method: 'POST',
    url: () => '/api/admin/payment-code-charges',
    payload: (r) => ({ shopId: r.shopId, token: 'v1.tampered.code', amountMinor: 100 }),
    field: 'token',
    headers: withIdempotencyKey,
  },
  { name: 'a merchant status that does not exist (operator)', method: 'PUT', url: (r) => `/api/admin/operator/merchants/${r.merchantId}`, payload: () => ({ status: 'deleted' }), field: 'status', caller: 'operator' },
  { name: 'a chat host without a name (operator)', method: 'POST', url: () => '/api/admin/operator/chat-hosts', payload: () => ({ name: '' }), field: 'name', caller: 'operator' },
  { name: 'a ledger account of a kind that does not exist (operator)', method: 'POST', url: () => '/api/admin/operator/ledger/accounts', payload: () => ({ kind: 'piggy_bank', currency: 'EUR' }), field: 'kind', caller: 'operator' },
  {
    name: 'a ledger transfer of zero (operator)',
    method: 'POST',
    url: () => '/api/admin/operator/ledger/transfers',
    payload: (r) => ({ transfers: [{ id: newId(), debitAccountId: r.accountId, creditAccountId: r.accountId, amountMinor: 0, currency: 'EUR' }] }),
    field: 'transfers.0.amountMinor',
    caller: 'operator',
  },
];

let stripe: StripeTestApp;
let testApp: TestApp;
let owner: StaffSession;
let operator: { headers: { authorization: string } };
let records: TenantRecords;

beforeAll(async () => {
  stripe = await buildStripeTestApp();
  testApp = stripe.testApp;
  owner = await createMerchantWithStaff(testApp.app, 'owner');
  operator = await createOperator(testApp.app);
  records = await populateMerchant(stripe, owner, await createGuestShopper(testApp.app), 50_00);
});
afterAll(async () => {
  await assertLedgerInvariants(testApp.database);
  await stripe.close();
});

describe(`bad input changes nothing: ${cases.length} refused writes across the admin API`, () => {
  for (const badInput of cases) {
    it(`${badInput.method} ${badInput.name}: 400 naming ${badInput.field}, every table as it was`, async () => {
      const before = await snapshotDatabase(testApp.app);
      const response = await testApp.app.inject({
        method: badInput.method,
        url: badInput.url(records),
        headers: { ...(badInput.caller === 'operator' ? operator.headers : owner.headers), ...badInput.headers?.() },
        payload: badInput.payload(records),
      });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json().errors, response.body).toHaveProperty([badInput.field]);
      expect(await snapshotDatabase(testApp.app)).toEqual(before);
    });
  }
});
