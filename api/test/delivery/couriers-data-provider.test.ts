import type { AddressInfo } from 'node:net';
import { fetchUtils, type DataProvider } from 'ra-core';
import simpleRestProvider from 'ra-data-simple-rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShipment } from '../helpers/delivery.ts';
import { closeOrdersFixture, createOrdersFixture, placePaidOrder, type OrdersFixture } from '../helpers/orders.ts';

/** The console's own data provider, unmodified, driving couriers and shipments on a real port. */
let fixture: OrdersFixture;
let dataProvider: DataProvider;

beforeAll(async () => {
  fixture = await createOrdersFixture([{ priceMinor: 500, stockOnHand: 20 }]);
  await fixture.testApp.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = fixture.testApp.app.server.address() as AddressInfo;
  const httpClient = (url: string, options: fetchUtils.Options = {}) => fetchUtils.fetchJson(url, { ...options, user: { authenticated: true, token: `Bearer ${fixture.owner.accessToken}` } });
  dataProvider = simpleRestProvider(`http://127.0.0.1:${port}/api/admin`, httpClient);
});
afterAll(async () => closeOrdersFixture(fixture?.testApp));

describe('ra-data-simple-rest against couriers and shipments', () => {
  it('creates, lists, pages, updates and retires couriers', async () => {
    for (const name of ['Cleo', 'Amir', 'Bea']) {
      const { data } = await dataProvider.create('couriers', { data: { name } });
      expect(data).toMatchObject({ id: expect.any(String), name, active: true, tokenIssuedAt: null });
    }
    const firstPage = await dataProvider.getList('couriers', { sort: { field: 'name', order: 'ASC' }, pagination: { page: 1, perPage: 2 }, filter: {} });
    expect(firstPage.total).toBe(3);
    expect(firstPage.data.map((courier) => courier.name)).toEqual(['Amir', 'Bea']);
    const amir = firstPage.data[0] as { id: string };
    const { data: renamed } = await dataProvider.update('couriers', { id: amir.id, data: { name: 'Amir K.', phone: '+33 1 23 45 67 89' }, previousData: amir });
    expect(renamed).toMatchObject({ name: 'Amir K.', phone: '+33 1 23 45 67 89' });
    const { data: many } = await dataProvider.getMany('couriers', { ids: [amir.id] });
    expect(many.map((courier) => courier.name)).toEqual(['Amir K.']);
    const { data: retired } = await dataProvider.delete('couriers', { id: amir.id, previousData: renamed });
    expect(retired).toMatchObject({ id: amir.id, active: false });
    const active = await dataProvider.getList('couriers', { sort: { field: 'name', order: 'ASC' }, pagination: { page: 1, perPage: 10 }, filter: { active: true } });
    expect(active.data.map((courier) => courier.name)).toEqual(['Bea', 'Cleo']);
  });

  it('lists an order\'s shipments by reference and shows one', async () => {
    const order = await placePaidOrder(fixture.testApp.app, fixture.shopper, fixture.shop.slug, fixture.shop.variantIds[0] as string, 3);
    const lineId = order.lines[0]?.id;
    for (const quantity of [1, 2]) await createShipment(fixture.testApp.app, fixture.owner, order.id, { lines: [{ lineId, quantity }] });
    const { data, total } = await dataProvider.getManyReference('shipments', {
      target: 'orderId',
      id: order.id,
      sort: { field: 'createdAt', order: 'ASC' },
      pagination: { page: 1, perPage: 10 },
      filter: {},
    });
    expect(total).toBe(2);
    const { data: shown } = await dataProvider.getOne('shipments', { id: data[1]?.id });
    expect(shown.lines).toEqual([expect.objectContaining({ orderLineId: lineId, quantity: 2 })]);
    expect(shown.events).toEqual([expect.objectContaining({ status: 'label_created', source: 'merchant' })]);
  });
});
