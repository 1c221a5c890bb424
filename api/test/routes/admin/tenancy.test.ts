import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../helpers/app.ts';
import { createCategory, createProduct, createShop, createVariant, moveStock } from '../../helpers/catalog.ts';
import { createMerchantWithStaff, type StaffSession } from '../../helpers/staff.ts';

/**
 * The tenancy matrix: merchant B, with full rights in its own merchant, touches merchant A's records
 * through every verb of every admin resource. It must get 404 (or, where A's id is only a reference in
 * B's request body, 400 on that field, worded as for an id that does not exist), must never see A's rows
 * in a list, and A's data must be exactly as it was.
 *
 * To add a resource, add a row to `resources`: its path, its table, how to make A's record, and (when
 * creating one refers to a parent) the payload that points at A's parent.
 */

interface Records {
  shopId: string;
  categoryId: string;
  productId: string;
  variantId: string;
  stockMovementId: string;
}

interface ResourceCase {
  resource: string;
  table: string;
  /** A's record of this resource. */
  recordId(records: Records): string;
  /** A body B could validly send for PUT (if the resource has PUT). */
  updatePayload?: object;
  /** A create by B that names A's parent record, and the field the 400 must name. */
  createReferencingA?: { payload(records: Records): object; field: string };
  /** The foreign key react-admin's getManyReference filters by, and A's value for it. */
  reference?: { field: string; value(records: Records): string };
}

const resources: ResourceCase[] = [
  {
    resource: 'categories',
    table: 'category',
    recordId: (records) => records.categoryId,
    updatePayload: { name: 'Taken over', position: 9 },
    createReferencingA: { payload: (records) => ({ shopId: records.shopId, name: 'Planted' }), field: 'shopId' },
    reference: { field: 'shopId', value: (records) => records.shopId },
  },
  {
    resource: 'products',
    table: 'product',
    recordId: (records) => records.productId,
    updatePayload: { title: 'Taken over', status: 'archived' },
    createReferencingA: { payload: (records) => ({ shopId: records.shopId, title: 'Planted' }), field: 'shopId' },
    reference: { field: 'categoryId', value: (records) => records.categoryId },
  },
  {
    resource: 'variants',
    table: 'variant',
    recordId: (records) => records.variantId,
    updatePayload: { priceMinor: 1, sku: 'TAKEN' },
    createReferencingA: { payload: (records) => ({ productId: records.productId, sku: 'PLANTED', priceMinor: 1, stockOnHand: 1 }), field: 'productId' },
    reference: { field: 'productId', value: (records) => records.productId },
  },
  {
    resource: 'stock-movements',
    table: 'stock_movement',
    recordId: (records) => records.stockMovementId,
    updatePayload: { quantityDelta: 1000 },
    createReferencingA: { payload: (records) => ({ variantId: records.variantId, quantityDelta: -5, reason: 'loss' }), field: 'variantId' },
    reference: { field: 'variantId', value: (records) => records.variantId },
  },
];

type Verb = 'getList' | 'getMany' | 'getManyReference' | 'getOne' | 'update' | 'delete' | 'create';
const verbs: Verb[] = ['getList', 'getMany', 'getManyReference', 'getOne', 'update', 'delete', 'create'];

let testApp: TestApp;
let merchantA: StaffSession;
let merchantB: StaffSession;
let records: Records;

beforeAll(async () => {
  testApp = await buildTestApp();
  merchantA = await createMerchantWithStaff(testApp.app, 'owner');
  merchantB = await createMerchantWithStaff(testApp.app, 'owner');
  const shop = await createShop(testApp.app, merchantA);
  const category = await createCategory(testApp.app, merchantA, shop.id);
  const product = await createProduct(testApp.app, merchantA, shop.id, { categoryId: category.id });
  const variant = await createVariant(testApp.app, merchantA, product.id, { stockOnHand: 5 });
  const movement = await moveStock(testApp.app, merchantA, variant.id, 3);
  records = { shopId: shop.id, categoryId: category.id, productId: product.id, variantId: variant.id, stockMovementId: movement.json().id };
  // B has a catalog of its own, so that its lists are not empty by construction.
  const shopB = await createShop(testApp.app, merchantB);
  const productB = await createProduct(testApp.app, merchantB, shopB.id, { categoryId: (await createCategory(testApp.app, merchantB, shopB.id)).id });
  const variantB = await createVariant(testApp.app, merchantB, productB.id);
  await moveStock(testApp.app, merchantB, variantB.id, 1);
});
afterAll(() => testApp.close());

/** Every row A owns in every catalog table, as JSON: what must not change. */
async function snapshotOfA(): Promise<unknown> {
  const snapshot: Record<string, unknown> = {};
  for (const { table } of resources) {
    const { rows } = await testApp.database.pool.query(`select row_to_json(t) as row from ${table} t where merchant_id = $1 order by id`, [merchantA.merchantId]);
    snapshot[table] = rows.map((row) => row.row);
  }
  return snapshot;
}

function listUrl(resource: string, filter: object): string {
  return `/api/admin/${resource}?filter=${encodeURIComponent(JSON.stringify(filter))}&range=[0,499]`;
}

describe('tenancy matrix: merchant B against merchant A', () => {
  for (const resourceCase of resources) {
    describe(resourceCase.resource, () => {
      for (const verb of verbs) {
        it(`${verb} neither reveals nor changes A's records`, async () => {
          const before = await snapshotOfA();
          const id = resourceCase.recordId(records);
          const { app } = testApp;
          const headers = merchantB.headers;
          switch (verb) {
            case 'getList': {
              const response = await app.inject({ method: 'GET', url: `/api/admin/${resourceCase.resource}?range=[0,499]`, headers });
              expect(response.statusCode).toBe(200);
              const ids = response.json().map((row: { id: string; merchantId: string }) => row.id);
              expect(ids.length).toBeGreaterThan(0);
              expect(ids).not.toContain(id);
              expect(response.json().every((row: { merchantId: string }) => row.merchantId === merchantB.merchantId)).toBe(true);
              break;
            }
            case 'getMany': {
              const response = await app.inject({ method: 'GET', url: listUrl(resourceCase.resource, { id: [id] }), headers });
              expect(response.statusCode).toBe(200);
              expect(response.json()).toEqual([]);
              break;
            }
            case 'getManyReference': {
              const reference = resourceCase.reference!;
              const response = await app.inject({ method: 'GET', url: listUrl(resourceCase.resource, { [reference.field]: reference.value(records) }), headers });
              expect(response.statusCode).toBe(200);
              expect(response.json()).toEqual([]);
              expect(response.headers['content-range']).toMatch(/\/0$/);
              break;
            }
            case 'getOne': {
              const response = await app.inject({ method: 'GET', url: `/api/admin/${resourceCase.resource}/${id}`, headers });
              expect(response.statusCode).toBe(404);
              break;
            }
            case 'update': {
              const response = await app.inject({ method: 'PUT', url: `/api/admin/${resourceCase.resource}/${id}`, headers, payload: resourceCase.updatePayload ?? {} });
              expect(response.statusCode).toBe(404);
              break;
            }
            case 'delete': {
              const response = await app.inject({ method: 'DELETE', url: `/api/admin/${resourceCase.resource}/${id}`, headers });
              expect(response.statusCode).toBe(404);
              break;
            }
            case 'create': {
              const create = resourceCase.createReferencingA;
              if (!create) return;
              const response = await app.inject({ method: 'POST', url: `/api/admin/${resourceCase.resource}`, headers, payload: create.payload(records) });
              expect(response.statusCode).toBe(400);
              expect(response.json().errors).toEqual({ [create.field]: 'does not exist' });
              break;
            }
          }
          expect(await snapshotOfA()).toEqual(before);
        });
      }
    });
  }

  it("lets A still do everything to its own records after B's attempts (the records are intact and usable)", async () => {
    for (const resourceCase of resources) {
      const response = await testApp.app.inject({ method: 'GET', url: `/api/admin/${resourceCase.resource}/${resourceCase.recordId(records)}`, headers: merchantA.headers });
      expect(response.statusCode, resourceCase.resource).toBe(200);
    }
  });
});
