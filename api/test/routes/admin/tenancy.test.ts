import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../../db/src/ids.ts';
import { assertLedgerInvariants } from '../../../../db/src/testing/ledger-invariants.ts';
import type { TestApp } from '../../helpers/app.ts';
import { buildStripeTestApp, type StripeTestApp } from '../../helpers/card-payments.ts';
import { untilPast } from '../../helpers/expiry.ts';
import { fundWallet } from '../../helpers/orders.ts';
import { createGuestShopper, type ShopperSession } from '../../helpers/shoppers.ts';
import { merchantRowCounts, snapshotDatabase } from '../../helpers/snapshots.ts';
import { createMerchantWithStaff, type StaffSession } from '../../helpers/staff.ts';
import { chargePaymentCode, populateMerchant, type TenantRecords } from '../../helpers/tenant-records.ts';

/**
 * The tenancy matrix: merchant B, with full rights in its own merchant, touches merchant A's records
 * through every verb of every merchant-scoped admin resource. It must get 404, answered exactly as for
 * an id that does not exist (or, where A's id is only a reference in B's request body, 400 on that
 * field, worded as for an id that does not exist); it must never see A's rows in a list or an export;
 * and the database must be exactly as it was, A's rows included.
 *
 * To add a resource, add a row to `resources` (simple-rest verbs), `actions` (verbs on one record by
 * id) or `bodyReferences` (B's requests that name A's record in their body), and make the record in
 * populateMerchant (api/test/helpers/tenant-records.ts).
 */

type Verb = 'getList' | 'getMany' | 'getManyReference' | 'getOne' | 'update' | 'delete';

interface ResourceCase {
  /** The path under /api/admin. */
  resource: string;
  /** Where the resource's rows live, with a merchant_id column: every A row must stay out of B's lists. */
  table: string;
  verbs: Verb[];
  /** A's record of this resource. */
  recordId(records: TenantRecords): string;
  /** A body B could validly send for PUT. */
  updatePayload?: object;
  /** The foreign key react-admin's getManyReference filters by, and A's value for it. */
  reference?: { field: string; value(records: TenantRecords): string };
}

const resources: ResourceCase[] = [
  { resource: 'shops', table: 'shop', verbs: ['getList', 'getMany', 'getOne', 'update', 'delete'], recordId: (r) => r.shopId, updatePayload: { name: 'Taken over', status: 'closed' } },
  {
    resource: 'categories',
    table: 'category',
    verbs: ['getList', 'getMany', 'getManyReference', 'getOne', 'update', 'delete'],
    recordId: (r) => r.categoryId,
    updatePayload: { name: 'Taken over', position: 9 },
    reference: { field: 'shopId', value: (r) => r.shopId },
  },
  {
    resource: 'products',
    table: 'product',
    verbs: ['getList', 'getMany', 'getManyReference', 'getOne', 'update', 'delete'],
    recordId: (r) => r.productId,
    updatePayload: { title: 'Taken over', status: 'archived' },
    reference: { field: 'categoryId', value: (r) => r.categoryId },
  },
  {
    resource: 'variants',
    table: 'variant',
    verbs: ['getList', 'getMany', 'getManyReference', 'getOne', 'update', 'delete'],
    recordId: (r) => r.variantId,
    updatePayload: { priceMinor: 1, sku: 'TAKEN' },
    reference: { field: 'productId', value: (r) => r.productId },
  },
  {
    resource: 'stock-movements',
    table: 'stock_movement',
    verbs: ['getList', 'getMany', 'getManyReference', 'getOne'],
    recordId: (r) => r.stockMovementId,
    reference: { field: 'variantId', value: (r) => r.variantId },
  },
  {
    resource: 'staff',
    table: 'membership',
    verbs: ['getList', 'getMany', 'getManyReference', 'getOne', 'update', 'delete'],
    recordId: (r) => r.membershipId,
    updatePayload: { role: 'owner' },
    reference: { field: 'userId', value: (r) => r.memberUserId },
  },
  { resource: 'invitations', table: 'invitation', verbs: ['getList', 'getMany', 'getOne', 'delete'], recordId: (r) => r.invitationId },
  { resource: 'api-keys', table: 'api_key', verbs: ['getList', 'getMany', 'getOne', 'delete'], recordId: (r) => r.apiKeyId },
  {
    resource: 'orders',
    table: 'shop_order',
    verbs: ['getList', 'getMany', 'getManyReference', 'getOne'],
    recordId: (r) => r.paidOrderId,
    reference: { field: 'shopId', value: (r) => r.shopId },
  },
  {
    resource: 'shipments',
    table: 'shipment',
    verbs: ['getList', 'getMany', 'getManyReference', 'getOne'],
    recordId: (r) => r.shipmentId,
    reference: { field: 'orderId', value: (r) => r.paidOrderId },
  },
  {
    resource: 'couriers',
    table: 'courier',
    verbs: ['getList', 'getMany', 'getOne', 'update', 'delete'],
    recordId: (r) => r.courierId,
    updatePayload: { name: 'Taken over', active: false },
  },
  {
    resource: 'payment-code-charges',
    table: 'payment_code_charge',
    verbs: ['getList', 'getMany', 'getManyReference', 'getOne'],
    recordId: (r) => r.chargeId,
    reference: { field: 'shopId', value: (r) => r.shopId },
  },
  {
    resource: 'finance/payouts',
    table: 'payout',
    verbs: ['getList', 'getMany', 'getManyReference', 'getOne'],
    recordId: (r) => r.payoutId,
    reference: { field: 'merchantId', value: (r) => r.merchantId },
  },
  {
    resource: 'finance/accounts',
    table: 'ledger_account',
    verbs: ['getList', 'getMany', 'getManyReference', 'getOne'],
    recordId: (r) => r.accountId,
    reference: { field: 'merchantId', value: (r) => r.merchantId },
  },
];

/** A verb on one of A's records by id, which must answer as for an id that does not exist. */
interface ActionCase {
  name: string;
  method: 'GET' | 'POST';
  url(id: string): string;
  recordId(records: TenantRecords): string;
  payload?: object;
  headers?(): Record<string, string>;
}

const idempotencyKey = () => ({ 'idempotency-key': newId() });

const actions: ActionCase[] = [
  { name: 'pack an order', method: 'POST', url: (id) => `/api/admin/orders/${id}/pack`, recordId: (r) => r.paidOrderId, payload: { note: 'mine now' } },
  { name: 'ship an order', method: 'POST', url: (id) => `/api/admin/orders/${id}/ship`, recordId: (r) => r.paidOrderId, payload: { carrier: 'DHL', trackingNumber: 'X1' } },
  { name: 'cancel an order', method: 'POST', url: (id) => `/api/admin/orders/${id}/cancel`, recordId: (r) => r.paidOrderId, payload: {} },
  { name: 'refund an order in full', method: 'POST', url: (id) => `/api/admin/orders/${id}/refunds`, recordId: (r) => r.paidOrderId, payload: {}, headers: idempotencyKey },
  { name: 'refund an order by amount', method: 'POST', url: (id) => `/api/admin/orders/${id}/refunds`, recordId: (r) => r.paidOrderId, payload: { amountMinor: 1 }, headers: idempotencyKey },
  { name: "show an unpaid order's payment code", method: 'GET', url: (id) => `/api/admin/orders/${id}/payment-qr`, recordId: (r) => r.unpaidOrderId },
  { name: "draw an unpaid order's payment code as SVG", method: 'GET', url: (id) => `/api/admin/orders/${id}/payment-qr.svg`, recordId: (r) => r.unpaidOrderId },
  { name: "draw an unpaid order's payment code as PNG", method: 'GET', url: (id) => `/api/admin/orders/${id}/payment-qr.png`, recordId: (r) => r.unpaidOrderId },
  { name: "draw a shop's QR code as SVG", method: 'GET', url: (id) => `/api/admin/qr-codes/shops/${id}.svg`, recordId: (r) => r.shopId },
  { name: "draw a shop's QR code as PNG", method: 'GET', url: (id) => `/api/admin/qr-codes/shops/${id}.png`, recordId: (r) => r.shopId },
  { name: "draw a product's QR code as SVG", method: 'GET', url: (id) => `/api/admin/qr-codes/products/${id}.svg`, recordId: (r) => r.productId },
  { name: "draw a product's QR code as PNG", method: 'GET', url: (id) => `/api/admin/qr-codes/products/${id}.png`, recordId: (r) => r.productId },
  { name: "draw a table's QR code as SVG", method: 'GET', url: (id) => `/api/admin/qr-codes/shops/${id}/tables/T1.svg`, recordId: (r) => r.shopId },
  { name: "draw a table's QR code as PNG", method: 'GET', url: (id) => `/api/admin/qr-codes/shops/${id}/tables/T1.png`, recordId: (r) => r.shopId },
  { name: "list an order's payments, ledger transfers and shipments", method: 'GET', url: (id) => `/api/admin/orders/${id}/related`, recordId: (r) => r.paidOrderId },
  { name: "list a product's photos", method: 'GET', url: (id) => `/api/admin/products/${id}/photos`, recordId: (r) => r.productId },
  { name: 'create a shipment of an order', method: 'POST', url: (id) => `/api/admin/orders/${id}/shipments`, recordId: (r) => r.paidOrderId, payload: {} },
  { name: 'assign a courier to a shipment', method: 'POST', url: (id) => `/api/admin/shipments/${id}/courier`, recordId: (r) => r.shipmentId, payload: { courierId: null } },
  { name: 'record a tracking event', method: 'POST', url: (id) => `/api/admin/shipments/${id}/events`, recordId: (r) => r.shipmentId, payload: { status: 'delivered' } },
  { name: "issue a courier's token", method: 'POST', url: (id) => `/api/admin/couriers/${id}/token`, recordId: (r) => r.courierId },
  { name: "read an account's balance", method: 'GET', url: (id) => `/api/admin/finance/accounts/${id}/balance`, recordId: (r) => r.accountId },
  { name: "read an account's past balance", method: 'GET', url: (id) => `/api/admin/finance/accounts/${id}/balance?asOf=2030-01-01T00:00:00Z`, recordId: (r) => r.accountId },
  { name: "read an account's statement", method: 'GET', url: (id) => `/api/admin/finance/accounts/${id}/statement`, recordId: (r) => r.accountId },
  { name: "export an account's journal as CSV", method: 'GET', url: (id) => `/api/admin/finance/journal.csv?accountId=${id}`, recordId: (r) => r.accountId },
  { name: "export an account's journal as JSON lines", method: 'GET', url: (id) => `/api/admin/finance/journal.jsonl?accountId=${id}`, recordId: (r) => r.accountId },
];

/** B's own request that names one of A's records in its body: refused on that field, as for a made-up id. */
interface BodyReferenceCase {
  name: string;
  method: 'POST' | 'PUT';
  url(own: TenantRecords): string;
  /** The body naming `target`: A's record in the test, a made-up id in the control. */
  payload(target: string, own: TenantRecords): object;
  target(records: TenantRecords): string;
  headers?(): Record<string, string>;
  status: 400 | 404;
  errors?: Record<string, string>;
}

const bodyReferences: BodyReferenceCase[] = [
  {
    name: "create a category in A's shop",
    method: 'POST',
    url: () => '/api/admin/categories',
    payload: (target) => ({ shopId: target, name: 'Planted' }),
    target: (r) => r.shopId,
    status: 400,
    errors: { shopId: 'does not exist' },
  },
  {
    name: "create a product in A's shop",
    method: 'POST',
    url: () => '/api/admin/products',
    payload: (target) => ({ shopId: target, title: 'Planted' }),
    target: (r) => r.shopId,
    status: 400,
    errors: { shopId: 'does not exist' },
  },
  {
    name: "create a product of its own shop in A's category",
    method: 'POST',
    url: () => '/api/admin/products',
    payload: (target, own) => ({ shopId: own.shopId, title: 'Planted', categoryId: target }),
    target: (r) => r.categoryId,
    status: 400,
    errors: { categoryId: 'must be a category of the same shop' },
  },
  {
    name: "move its own product into A's category",
    method: 'PUT',
    url: (own) => `/api/admin/products/${own.productId}`,
    payload: (target) => ({ categoryId: target }),
    target: (r) => r.categoryId,
    status: 400,
    errors: { categoryId: 'must be a category of the same shop' },
  },
  {
    name: "create a variant of A's product",
    method: 'POST',
    url: () => '/api/admin/variants',
    payload: (target) => ({ productId: target, sku: 'PLANTED', priceMinor: 1, stockOnHand: 1 }),
    target: (r) => r.productId,
    status: 400,
    errors: { productId: 'does not exist' },
  },
  {
    name: "move stock of A's variant",
    method: 'POST',
    url: () => '/api/admin/stock-movements',
    payload: (target) => ({ variantId: target, quantityDelta: -5, reason: 'loss' }),
    target: (r) => r.variantId,
    status: 400,
    errors: { variantId: 'does not exist' },
  },
  {
    name: "refund its own order naming a line of A's order",
    method: 'POST',
    url: (own) => `/api/admin/orders/${own.paidOrderId}/refunds`,
    payload: (target) => ({ lines: [{ lineId: target, quantity: 1 }] }),
    target: (r) => r.paidOrderLineId,
    headers: idempotencyKey,
    status: 400,
    errors: { 'lines.0.lineId': 'is not a line of this order' },
  },
  {
    name: "ship its own order with A's courier",
    method: 'POST',
    url: (own) => `/api/admin/orders/${own.paidOrderId}/shipments`,
    payload: (target) => ({ courierId: target }),
    target: (r) => r.courierId,
    status: 400,
    errors: { courierId: 'no such courier' },
  },
  {
    name: "assign its own shipment to A's courier",
    method: 'POST',
    url: (own) => `/api/admin/shipments/${own.shipmentId}/courier`,
    payload: (target) => ({ courierId: target }),
    target: (r) => r.courierId,
    status: 400,
    errors: { courierId: 'no such courier' },
  },
  {
    // The counter's owner chose 404 for a shop that is not the merchant's; what matters here is that A's
    // shop and a shop that does not exist answer alike.
    name: "charge a payment code at A's shop",
    method: 'POST',
    url: () => '/api/admin/payment-code-charges',
    payload: (target) => ({ shopId: target, token: 'not-a-code', amountMinor: 100 }),
    target: (r) => r.shopId,
    headers: idempotencyKey,
    status: 404,
  },
];

let stripe: StripeTestApp;
let testApp: TestApp;
let merchantA: StaffSession;
let merchantB: StaffSession;
let shopper: ShopperSession;
let recordsA: TenantRecords;
let recordsB: TenantRecords;

beforeAll(async () => {
  // A held counter charge's window of two seconds, so that one can be seen overdue by waiting for it.
  stripe = await buildStripeTestApp({ PAYMENT_CODE_CONFIRMATION_TIMEOUT_SECONDS: '2' });
  testApp = stripe.testApp;
  merchantA = await createMerchantWithStaff(testApp.app, 'owner');
  merchantB = await createMerchantWithStaff(testApp.app, 'owner');
  // One shopper buys from both, so that nothing but the merchant tells their orders apart.
  shopper = await createGuestShopper(testApp.app);
  recordsA = await populateMerchant(stripe, merchantA, shopper, 100_00);
  // B has every kind of record too, so that its lists are not empty by construction.
  recordsB = await populateMerchant(stripe, merchantB, shopper, 70_00);
});
afterAll(async () => {
  await assertLedgerInvariants(testApp.database);
  await stripe.close();
});

function inject(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object, headers: Record<string, string> = {}) {
  return testApp.app.inject({ method, url, headers: { ...merchantB.headers, ...headers }, ...(payload ? { payload } : {}) });
}

/** What a refusal tells the caller, without the id it echoes. */
function refusal(response: LightMyRequestResponse) {
  const body = response.json();
  return { status: response.statusCode, code: body.code, errors: body.errors };
}

function listUrl(resource: string, filter: object): string {
  return `/api/admin/${resource}?filter=${encodeURIComponent(JSON.stringify(filter))}&range=[0,499]`;
}

async function idsOfA(table: string): Promise<string[]> {
  const { rows } = await testApp.database.pool.query<{ id: string }>(`select id from ${table} where merchant_id = $1`, [merchantA.merchantId]);
  return rows.map((row) => row.id);
}

/** Runs B's attempt and asserts that it changed nothing at all in the database, A's rows included. */
async function changesNothing(attempt: () => Promise<void>): Promise<void> {
  const before = await snapshotDatabase(testApp.app);
  await attempt();
  expect(await snapshotDatabase(testApp.app)).toEqual(before);
}

describe('tenancy matrix: merchant B against merchant A', () => {
  it('starts from a merchant A that owns rows in every merchant-scoped table the matrix covers', async () => {
    const counts = await merchantRowCounts(testApp.app, merchantA.merchantId);
    for (const table of resources.map((resourceCase) => resourceCase.table)) expect(counts[table], table).toBeGreaterThan(0);
  });

  for (const resourceCase of resources) {
    describe(resourceCase.resource, () => {
      for (const verb of resourceCase.verbs) {
        it(`${verb} neither reveals nor changes A's records`, async () => {
          const id = resourceCase.recordId(recordsA);
          const base = `/api/admin/${resourceCase.resource}`;
          await changesNothing(async () => {
            switch (verb) {
              case 'getList': {
                const response = await inject('GET', `${base}?range=[0,499]`);
                expect(response.statusCode).toBe(200);
                const rows: { id: string; merchantId?: string }[] = response.json();
                expect(rows.length).toBeGreaterThan(0);
                const ofA = new Set(await idsOfA(resourceCase.table));
                expect(ofA.size).toBeGreaterThan(0);
                expect(rows.filter((row) => ofA.has(row.id))).toEqual([]);
                expect(rows.filter((row) => row.merchantId !== undefined && row.merchantId !== merchantB.merchantId)).toEqual([]);
                break;
              }
              case 'getMany': {
                const response = await inject('GET', listUrl(resourceCase.resource, { id: [id] }));
                expect(response.statusCode).toBe(200);
                expect(response.json()).toEqual([]);
                break;
              }
              case 'getManyReference': {
                const reference = resourceCase.reference!;
                const response = await inject('GET', listUrl(resourceCase.resource, { [reference.field]: reference.value(recordsA) }));
                expect(response.statusCode).toBe(200);
                expect(response.json()).toEqual([]);
                expect(response.headers['content-range']).toMatch(/\/0$/);
                break;
              }
              case 'getOne':
              case 'update':
              case 'delete': {
                const method = ({ getOne: 'GET', update: 'PUT', delete: 'DELETE' } as const)[verb];
                const payload = verb === 'update' ? (resourceCase.updatePayload ?? {}) : undefined;
                const response = await inject(method, `${base}/${id}`, payload);
                expect(response.statusCode, response.body).toBe(404);
                expect(refusal(response)).toEqual(refusal(await inject(method, `${base}/${newId()}`, payload)));
                break;
              }
            }
          });
        });
      }
    });
  }

  describe('verbs on one record', () => {
    for (const action of actions) {
      it(`${action.name}: 404, as for an id that does not exist, and nothing changes`, async () => {
        await changesNothing(async () => {
          const response = await inject(action.method, action.url(action.recordId(recordsA)), action.payload, action.headers?.());
          expect(response.statusCode, response.body).toBe(404);
          expect(refusal(response)).toEqual(refusal(await inject(action.method, action.url(newId()), action.payload, action.headers?.())));
        });
      });
    }
  });

  describe("B's requests naming A's records in their bodies", () => {
    for (const reference of bodyReferences) {
      it(`${reference.name}: ${reference.status}, as for an id that does not exist, and nothing changes`, async () => {
        await changesNothing(async () => {
          const send = (target: string) => inject(reference.method, reference.url(recordsB), reference.payload(target, recordsB), reference.headers?.());
          const response = await send(reference.target(recordsA));
          expect(response.statusCode, response.body).toBe(reference.status);
          if (reference.errors) expect(response.json().errors).toEqual(reference.errors);
          expect(refusal(response)).toEqual(refusal(await send(newId())));
        });
      });
    }
  });

  it("shows B only its own balances: A's settled money never appears", async () => {
    await changesNothing(async () => {
      const response = await inject('GET', '/api/admin/finance/balances');
      expect(response.statusCode).toBe(200);
      // B settled 70.00 and asked for a 10.00 payout; A settled 100.00.
      expect(response.json()).toEqual([expect.objectContaining({ currency: 'EUR', availableMinor: 60_00, heldForPayoutsMinor: 10_00 })]);
    });
  });

  for (const format of ['csv', 'jsonl'] as const) {
    it(`exports to B a ${format} journal of B's own accounts only, even when asked for A's merchant`, async () => {
      const accountsOfA = await idsOfA('ledger_account');
      const { rows: transfersOfA } = await testApp.database.pool.query<{ id: string }>(
        `select id from ledger_transfer where debit_account_id = any($1::uuid[]) or credit_account_id = any($1::uuid[])`,
        [accountsOfA],
      );
      expect(transfersOfA.length).toBeGreaterThan(0);
      await changesNothing(async () => {
        for (const url of [`/api/admin/finance/journal.${format}`, `/api/admin/finance/journal.${format}?merchantId=${merchantA.merchantId}`]) {
          const response = await inject('GET', url);
          expect(response.statusCode, url).toBe(200);
          expect(response.body, url).toContain(recordsB.accountId);
          for (const id of [...accountsOfA, ...transfersOfA.map((row) => row.id)]) expect(response.body, url).not.toContain(id);
        }
      });
    });
  }

  it("ignores a merchantId or a shopId of A's smuggled into B's bodies: B's records stay B's", async () => {
    const countsOfA = await merchantRowCounts(testApp.app, merchantA.merchantId);
    const category = await inject('POST', '/api/admin/categories', { shopId: recordsB.shopId, name: 'Smuggled', merchantId: merchantA.merchantId });
    expect(category.statusCode).toBe(201);
    const product = await inject('PUT', `/api/admin/products/${recordsB.productId}`, { title: 'Renamed', merchantId: merchantA.merchantId, shopId: recordsA.shopId });
    expect(product.statusCode).toBe(200);
    const { rows } = await testApp.database.pool.query<{ merchant_id: string; shop_id: string }>(
      `select merchant_id, shop_id from category where id = $1 union all select merchant_id, shop_id from product where id = $2`,
      [category.json().id, recordsB.productId],
    );
    expect(rows).toEqual([
      { merchant_id: merchantB.merchantId, shop_id: recordsB.shopId },
      { merchant_id: merchantB.merchantId, shop_id: recordsB.shopId },
    ]);
    expect(await merchantRowCounts(testApp.app, merchantA.merchantId)).toEqual(countsOfA);
  });

  it("lets B use a SKU that A uses: uniqueness is per merchant, so a conflict reveals nothing about A", async () => {
    const { rows } = await testApp.database.pool.query<{ sku: string }>('select sku from variant where id = $1', [recordsA.variantId]);
    const countsOfA = await merchantRowCounts(testApp.app, merchantA.merchantId);
    const response = await inject('POST', '/api/admin/variants', { productId: recordsB.productId, sku: rows[0]!.sku, priceMinor: 100, stockOnHand: 0 });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().merchantId).toBe(merchantB.merchantId);
    expect(await merchantRowCounts(testApp.app, merchantA.merchantId)).toEqual(countsOfA);
  });

  it("does not expire A's overdue held charge when B asks for it; A's own look does", async () => {
    // Above the confirmation threshold the amount is held until the shopper answers.
    await fundWallet(testApp.app, shopper.shopperId, 60_00);
    const held = await chargePaymentCode(testApp.app, merchantA, shopper, { id: recordsA.shopId, slug: recordsA.shopSlug }, 55_00);
    expect(held.status).toBe('awaiting_confirmation');
    await untilPast(held.confirmBy!);

    await changesNothing(async () => {
      const response = await inject('GET', `/api/admin/payment-code-charges/${held.id}`);
      expect(response.statusCode).toBe(404);
    });

    const own = await testApp.app.inject({ method: 'GET', url: `/api/admin/payment-code-charges/${held.id}`, headers: merchantA.headers });
    expect(own.statusCode).toBe(200);
    expect(own.json().status).toBe('expired');
  });

  it("lets A still read every record after B's attempts (the records are intact and usable)", async () => {
    for (const resourceCase of resources) {
      const response = await testApp.app.inject({ method: 'GET', url: `/api/admin/${resourceCase.resource}/${resourceCase.recordId(recordsA)}`, headers: merchantA.headers });
      expect(response.statusCode, resourceCase.resource).toBe(200);
    }
    for (const action of actions.filter((candidate) => candidate.method === 'GET')) {
      const response = await testApp.app.inject({ method: 'GET', url: action.url(action.recordId(recordsA)), headers: merchantA.headers });
      expect(response.statusCode, action.name).toBe(200);
    }
  });
});
