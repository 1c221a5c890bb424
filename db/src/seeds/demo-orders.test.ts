import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, createRedis } from '../redis.ts';
import { createServices, type Services } from '../services.ts';
import { createTestEnvironment, type TestEnvironment } from '../testing/databases.ts';
import { assertLedgerInvariants } from '../testing/ledger-invariants.ts';
import { seedDemo } from './demo.ts';
import { DEMO_SHOPPER_DEVICE_ID, seedDemoOrders, type DemoOrdersSummary } from './demo-orders.ts';
import { sealBeforeRead } from '../modules/ledger/ledger-sealer.ts';

describe("the demo shopper's orders", () => {
  let environment: TestEnvironment;
  let redis: Redis;
  let services: Services;
  let summary: DemoOrdersSummary;

  beforeAll(async () => {
    environment = await createTestEnvironment();
    redis = await connectRedis(createRedis(environment.config), environment.config.redis.url);
    services = createServices({ config: environment.config, database: environment.database, redis });
    expect(await seedDemo(environment.database, environment.config)).toMatchObject({ seeded: true });
    summary = await seedDemoOrders(environment.database, services);
  });
  afterAll(async () => {
    await assertLedgerInvariants(environment.database);
    await services?.ledger.close();
    redis?.disconnect();
    await environment?.cleanup();
  });

  it('are one in each state of the journey, made through the services, the completed one settled', async () => {
    expect(summary.orders.map((order) => [order.state, order.settled])).toEqual([
      ['paid', false],
      ['packed', false],
      ['out_for_delivery', false],
      ['delivered', false],
      ['completed', true],
    ]);
    const { rows } = await environment.database.pool.query(
      `select id, status, auto_confirm_at is not null as "autoConfirmScheduled", settled_at is not null as settled, platform_fee_minor as "platformFeeMinor", total_minor as "totalMinor"
         from shop_order where shopper_id = $1`,
      [summary.shopperId],
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(summary.orders.map((order) => byId.get(order.id)).map((row) => [row.status, row.autoConfirmScheduled, row.settled])).toEqual([
      ['paid', false, false],
      ['packed', false, false],
      ['shipped', false, false],
      ['delivered', true, false],
      ['completed', true, true],
    ]);
    const completed = byId.get(summary.orders[4]?.id);
    await sealBeforeRead(environment.database.pool);
    const { rows: legs } = await environment.database.pool.query(
      `select reason, amount_minor as "amountMinor" from ledger_transfer where reference_id = $1 and reason like 'settlement%' order by sequence`,
      [completed.id],
    );
    expect(legs).toEqual([
      { reason: 'settlement_net', amountMinor: completed.totalMinor - completed.platformFeeMinor },
      { reason: 'settlement_fee', amountMinor: completed.platformFeeMinor },
    ]);
  });

  it("has a delivery from Lotus Dumplings out for delivery, with the shop's courier's last position and an ETA to the shopper's address", async () => {
    const onTheWay = summary.orders[2] as { id: string };
    const { rows: orders } = await environment.database.pool.query(
      `select o.fulfilment_method as method, o.delivery_fee_minor as "deliveryFeeMinor", o.delivery_address ->> 'line1' as line1, shop.slug
         from shop_order o join shop on shop.id = o.shop_id where o.id = $1`,
      [onTheWay.id],
    );
    expect(orders).toEqual([{ method: 'delivery', deliveryFeeMinor: 250, line1: 'Kastanienallee 12', slug: 'lotus-dumplings' }]);
    const { rows: shipments } = await environment.database.pool.query(
      `select s.status, s.courier_id as "courierId", s.destination_latitude as "destinationLatitude", s.last_latitude as "lastLatitude", s.eta_at > s.last_position_at as "etaAhead",
              (select count(*)::int from tracking_event e where e.shipment_id = s.id and e.source = 'courier') as "courierEvents"
         from shipment s where s.order_id = $1`,
      [onTheWay.id],
    );
    expect(shipments).toEqual([{ status: 'out_for_delivery', courierId: summary.courier.id, destinationLatitude: 52.5391, lastLatitude: 52.5318, etaAhead: true, courierEvents: 4 }]);
    // What the shopper's widget shows, and what the assigned courier sees.
    const [tracked] = await services.shipments.listForOrder({ shopperId: summary.shopperId }, onTheWay.id);
    expect(tracked).toMatchObject({ status: 'out_for_delivery', lastPosition: { latitude: 52.5318 } });
    const { rows: assigned } = await environment.database.pool.query('select s.id, s.merchant_id as "merchantId" from shipment s where s.order_id = $1', [onTheWay.id]);
    const courier = { courierId: summary.courier.id, merchantId: assigned[0].merchantId, name: summary.courier.name };
    const view = await services.courierDeliveries.getMine(courier, assigned[0].id);
    expect(view.deliveryAddress).toMatchObject({ recipient: 'Dana Demo', line1: 'Kastanienallee 12' });
  });

  it('belong to the shopper who signs in as a guest on the documented demo device id', async () => {
    const session = await services.shoppers.createSession({ provider: 'guest', deviceId: DEMO_SHOPPER_DEVICE_ID });
    expect(session.shopper.id).toBe(summary.shopperId);
    const page = await services.orders.listForShopper({ type: 'shopper', shopperId: session.shopper.id, provider: 'guest' }, { page: 1, pageSize: 20 });
    expect(page.items).toHaveLength(5);
  });
});
