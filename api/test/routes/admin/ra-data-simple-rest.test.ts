import type { AddressInfo } from 'node:net';
import { fetchUtils, type DataProvider } from 'ra-core';
import simpleRestProvider from 'ra-data-simple-rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../helpers/app.ts';
import { createShop } from '../../helpers/catalog.ts';
import { createMerchantWithStaff, type StaffSession } from '../../helpers/staff.ts';

/**
 * The console's own data provider, unmodified, against the API on a real port: if react-admin can
 * drive the catalog through these calls, the console can.
 */
let testApp: TestApp;
let owner: StaffSession;
let dataProvider: DataProvider;
let shopId: string;

beforeAll(async () => {
  testApp = await buildTestApp();
  owner = await createMerchantWithStaff(testApp.app, 'owner');
  shopId = (await createShop(testApp.app, owner)).id;
  await testApp.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = testApp.app.server.address() as AddressInfo;
  const httpClient = (url: string, options: fetchUtils.Options = {}) => fetchUtils.fetchJson(url, { ...options, user: { authenticated: true, token: `Bearer ${owner.accessToken}` } });
  dataProvider = simpleRestProvider(`http://127.0.0.1:${port}/api/admin`, httpClient);
});
afterAll(() => testApp.close());

describe('ra-data-simple-rest against the catalog', () => {
  const categoryIds: string[] = [];
  const productIds: string[] = [];

  it('creates categories, products and variants', async () => {
    for (const name of ['Green', 'Black', 'Herbal']) {
      const { data } = await dataProvider.create('categories', { data: { shopId, name, position: categoryIds.length } });
      expect(data).toMatchObject({ id: expect.any(String), name, shopId });
      categoryIds.push(data.id);
    }
    for (const [title, categoryIndex] of [['Sencha tea', 0], ['Assam tea', 1], ['Mint infusion', 2], ['Gyokuro tea', 0]] as const) {
      const { data } = await dataProvider.create('products', { data: { shopId, title, categoryId: categoryIds[categoryIndex], status: 'active' } });
      productIds.push(data.id);
    }
    for (const [sku, priceMinor] of [['SEN-1', 500], ['SEN-2', 900]] as const) {
      const { data } = await dataProvider.create('variants', { data: { productId: productIds[0], sku, priceMinor, stockOnHand: 3 } });
      expect(data).toMatchObject({ sku, priceMinor, stockOnHand: 3, stockAvailable: 3 });
    }
  });

  it('getList sorts, pages and searches with q, reading the total from Content-Range', async () => {
    const { data, total } = await dataProvider.getList('products', { sort: { field: 'title', order: 'ASC' }, pagination: { page: 1, perPage: 2 }, filter: { q: 'tea' } });
    expect(total).toBe(3);
    expect(data.map((product) => product.title)).toEqual(['Assam tea', 'Gyokuro tea']);
    const secondPage = await dataProvider.getList('products', { sort: { field: 'title', order: 'ASC' }, pagination: { page: 2, perPage: 2 }, filter: { q: 'tea' } });
    expect(secondPage.data.map((product) => product.title)).toEqual(['Sencha tea']);
    const byId = await dataProvider.getList('variants', { sort: { field: 'id', order: 'ASC' }, pagination: { page: 1, perPage: 10 }, filter: {} });
    expect(byId.total).toBe(2);
  });

  it('getOne shows a product with its variant aggregates', async () => {
    const { data } = await dataProvider.getOne('products', { id: productIds[0] });
    expect(data).toMatchObject({ id: productIds[0], title: 'Sencha tea', variantCount: 2, priceFromMinor: 500, stockAvailable: 6 });
  });

  it('getMany fetches several records by id', async () => {
    const { data } = await dataProvider.getMany('products', { ids: [productIds[1], productIds[2]] });
    expect(data.map((product) => product.id).sort()).toEqual([productIds[1], productIds[2]].sort());
    const single = await dataProvider.getMany('categories', { ids: [categoryIds[0]] });
    expect(single.data.map((category) => category.name)).toEqual(['Green']);
  });

  it('getManyReference lists the variants of a product and the products of a category', async () => {
    const variants = await dataProvider.getManyReference('variants', {
      target: 'productId',
      id: productIds[0]!,
      sort: { field: 'priceMinor', order: 'DESC' },
      pagination: { page: 1, perPage: 25 },
      filter: {},
    });
    expect(variants.total).toBe(2);
    expect(variants.data.map((variant) => variant.sku)).toEqual(['SEN-2', 'SEN-1']);
    const products = await dataProvider.getManyReference('products', {
      target: 'categoryId',
      id: categoryIds[0]!,
      sort: { field: 'title', order: 'DESC' },
      pagination: { page: 1, perPage: 25 },
      filter: {},
    });
    expect(products.data.map((product) => product.title)).toEqual(['Sencha tea', 'Gyokuro tea']);
    const movements = await dataProvider.getManyReference('stock-movements', {
      target: 'variantId',
      id: variants.data[0]!.id,
      sort: { field: 'createdAt', order: 'DESC' },
      pagination: { page: 1, perPage: 25 },
      filter: {},
    });
    expect(movements.data.map((movement) => movement.reason)).toEqual(['initial']);
  });

  it('update sends the whole record back and gets the saved one', async () => {
    const { data: current } = await dataProvider.getOne('products', { id: productIds[1] });
    const { data } = await dataProvider.update('products', { id: productIds[1]!, data: { ...current, title: 'Assam breakfast tea' }, previousData: current });
    expect(data).toMatchObject({ id: productIds[1], title: 'Assam breakfast tea', shopId });
  });

  it('updateMany changes several records', async () => {
    const { data } = await dataProvider.updateMany('products', { ids: [productIds[2]!, productIds[3]!], data: { status: 'archived' } });
    expect(data?.sort()).toEqual([productIds[2], productIds[3]].sort());
    const { data: archived } = await dataProvider.getList('products', { sort: { field: 'title', order: 'ASC' }, pagination: { page: 1, perPage: 10 }, filter: { status: 'archived' } });
    expect(archived.map((product) => product.title)).toEqual(['Gyokuro tea', 'Mint infusion']);
  });

  it('surfaces validation errors the way react-admin shows them beside inputs', async () => {
    await expect(dataProvider.create('variants', { data: { productId: productIds[0], sku: 'SEN-1', priceMinor: 1 } })).rejects.toMatchObject({
      status: 409,
      body: { errors: { sku: 'is already taken' } },
    });
    await expect(dataProvider.create('products', { data: { shopId, title: '' } })).rejects.toMatchObject({ status: 400, body: { errors: { title: expect.any(String) } } });
  });

  it('delete and deleteMany remove records', async () => {
    const { data: extra } = await dataProvider.create('variants', { data: { productId: productIds[1], sku: 'ASM-1', priceMinor: 700 } });
    const { data: deleted } = await dataProvider.delete('variants', { id: extra.id, previousData: extra });
    expect(deleted.id).toBe(extra.id);
    const { data } = await dataProvider.deleteMany('categories', { ids: [categoryIds[1]!, categoryIds[2]!] });
    expect(data?.sort()).toEqual([categoryIds[1], categoryIds[2]].sort());
    const { total } = await dataProvider.getList('categories', { sort: { field: 'position', order: 'ASC' }, pagination: { page: 1, perPage: 10 }, filter: {} });
    expect(total).toBe(1);
  });
});
