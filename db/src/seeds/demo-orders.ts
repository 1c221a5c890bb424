import type { MerchantActor, ShopperActor } from '../actor.ts';
import type { Database } from '../database.ts';
import type { Services } from '../services.ts';
import type { CourierIdentity } from '../modules/shipments/couriers.service.ts';

/** The demo shopper signs in as a guest on this device id: POST /api/store/sessions {provider: 'guest', deviceId}. */
export const DEMO_SHOPPER_DEVICE_ID = 'minishop-demo-shopper-device';
const DEMO_SHOP_SLUG = 'lotus-tea-house';
/** The demo shop that delivers (by distance bands from its kitchen in Berlin Mitte). */
const DEMO_DELIVERY_SHOP_SLUG = 'lotus-dumplings';
/** The demo shopper's address in the book: about 1.6 km north of the kitchen, a 2.50 EUR delivery. */
const DEMO_ADDRESS = {
  recipient: 'Dana Demo',
  phone: '+49 30 5550100',
  line1: 'Kastanienallee 12',
  line2: '3rd floor',
  city: 'Berlin',
  postalCode: '10435',
  country: 'DE',
  position: { latitude: 52.5391, longitude: 13.4097 },
};
/** The courier's last fixes, on the way from the kitchen (52.5246, 13.4027) to the door. */
const DEMO_COURIER_FIXES = [
  { latitude: 52.5281, longitude: 13.4044, secondsAgo: 60 },
  { latitude: 52.5318, longitude: 13.4062, secondsAgo: 10 },
];
/** A demo promotion credited to the demo shopper's wallet (the ledger's `topUp` from `world`), so the orders can be paid. */
const DEMO_WALLET_CREDIT_MINOR = 200_00;

export type DemoOrderState = 'paid' | 'packed' | 'out_for_delivery' | 'delivered' | 'completed';

export interface DemoOrdersSummary {
  shopperId: string;
  deviceId: string;
  orders: { id: string; number: number; state: DemoOrderState; settled: boolean }[];
  /** The courier carrying the out-for-delivery order (its token is not issued: `npm run demo:courier` issues one). */
  courier: { id: string; name: string };
}

type DemoServices = Pick<Services, 'shoppers' | 'orders' | 'settlement' | 'ledger' | 'addresses' | 'couriers' | 'shipments' | 'courierDeliveries'>;

/**
 * The demo shopper and their orders at the Lotus Tea House, one in each state of the journey, made
 * through the services as a shopper and the shop's owner would: paid, packed, handed over (delivered,
 * its auto-confirmation scheduled) and completed and settled to the merchant less the platform fee;
 * and one delivery to their address book's address from Lotus Dumplings, out for delivery with the
 * shop's courier, who has posted a couple of positions (so the map, the ETA and the live journey show at
 * once). Runs right after seedDemo filled an empty database (the caller checks), with the services of
 * the process (`npm start`, `npm run db:seed`).
 */
export async function seedDemoOrders(database: Database, services: DemoServices): Promise<DemoOrdersSummary> {
  const session = await services.shoppers.createSession({ provider: 'guest', deviceId: DEMO_SHOPPER_DEVICE_ID });
  const shopper: ShopperActor = { type: 'shopper', shopperId: session.shopper.id, provider: 'guest' };
  const merchant = await demoShopOwner(database);
  await services.ledger.record(
    await services.ledger.recipes.topUp({ eventId: `demo-credit:${shopper.shopperId}`, shopperId: shopper.shopperId, currency: 'EUR', amountMinor: DEMO_WALLET_CREDIT_MINOR, source: 'world' }),
  );

  const orders: DemoOrdersSummary['orders'] = [];
  for (const [index, state] of (['paid', 'packed', 'delivered', 'completed'] as const).entries()) {
    const variantId = merchant.variantIds[index % merchant.variantIds.length] as string;
    const { order } = await services.orders.place(shopper, { shopSlug: DEMO_SHOP_SLUG, source: 'buy_now', variantId, quantity: 1, idempotencyKey: `demo-order-${state}` });
    await services.orders.pay(shopper, order.id, { method: 'wallet' });
    if (state !== 'paid') await services.orders.pack(merchant.actor, order.id, { note: 'demo' });
    if (state === 'delivered' || state === 'completed') await services.orders.deliver(merchant.actor, order.id, { note: 'handed over at the counter (demo)' });
    let settled = false;
    if (state === 'completed') {
      await services.settlement.confirmReceipt(shopper, order.id);
      // What the `order.settle` job does; done here so the demo shows a settled order before the workers run.
      settled = (await services.settlement.settle(order.id)).status === 'settled';
    }
    orders.push({ id: order.id, number: order.number, state, settled });
  }
  const { order: onTheWay, courier } = await seedOutForDelivery(database, services, shopper, merchant.actor);
  orders.splice(2, 0, onTheWay);
  return { shopperId: shopper.shopperId, deviceId: DEMO_SHOPPER_DEVICE_ID, orders, courier };
}

/** A delivery order at Lotus Dumplings, through the same services as the console, the widget and the courier's phone. */
async function seedOutForDelivery(database: Database, services: DemoServices, shopper: ShopperActor, merchant: MerchantActor) {
  const address = await services.addresses.create(shopper, DEMO_ADDRESS);
  const variantId = await firstVariantOf(database, DEMO_DELIVERY_SHOP_SLUG);
  const { order } = await services.orders.place(shopper, {
    shopSlug: DEMO_DELIVERY_SHOP_SLUG,
    source: 'buy_now',
    variantId,
    quantity: 2,
    fulfilmentMethod: 'delivery',
    addressId: address.id,
    idempotencyKey: 'demo-order-out-for-delivery',
  });
  await services.orders.pay(shopper, order.id, { method: 'wallet' });
  await services.orders.pack(merchant, order.id, { note: 'demo' });
  const courier = await services.couriers.create(merchant, { name: 'Kai Courier', phone: '+49 30 5550101' });
  const rider: CourierIdentity = { courierId: courier.id, merchantId: merchant.merchantId, name: courier.name };
  // No destination named: the shipment aims at the address's position, so the courier's ETA works.
  const shipment = await services.shipments.create(merchant, order.id, { courierId: courier.id, status: 'label_created', note: 'demo' });
  // Just now, so the ETA (about two minutes from the last fix) is still ahead when `npm start` is up.
  const secondsAgo = (seconds: number) => new Date(Date.now() - seconds * 1_000).toISOString();
  await services.courierDeliveries.postStatus(rider, shipment.id, { status: 'picked_up', recordedAt: secondsAgo(180) });
  await services.courierDeliveries.postStatus(rider, shipment.id, { status: 'out_for_delivery', recordedAt: secondsAgo(120) });
  for (const fix of DEMO_COURIER_FIXES) {
    await services.courierDeliveries.postPosition(rider, { latitude: fix.latitude, longitude: fix.longitude, accuracyMeters: 10, recordedAt: secondsAgo(fix.secondsAgo) }, shipment.id);
  }
  return { order: { id: order.id, number: order.number, state: 'out_for_delivery' as const, settled: false }, courier: { id: courier.id, name: courier.name } };
}

async function firstVariantOf(database: Database, shopSlug: string): Promise<string> {
  const { rows } = await database.pool.query<{ id: string }>(
    `select variant.id from variant join product on product.id = variant.product_id join shop on shop.id = product.shop_id
      where shop.slug = $1 and variant.stock_on_hand > 1 order by product.title, variant.position limit 1`,
    [shopSlug],
  );
  if (!rows[0]) throw new Error(`The demo shop ${shopSlug} with stock is missing; run seedDemo first.`);
  return rows[0].id;
}

async function demoShopOwner(database: Database): Promise<{ actor: MerchantActor; variantIds: string[] }> {
  const { rows } = await database.pool.query<{ userId: string; merchantId: string; variantIds: string[] }>(
    `select membership.user_id as "userId", shop.merchant_id as "merchantId",
            array(select variant.id from variant join product on product.id = variant.product_id
                   where product.shop_id = shop.id and variant.stock_on_hand > 0 order by product.title, variant.position limit 4) as "variantIds"
       from shop join membership on membership.merchant_id = shop.merchant_id and membership.role = 'owner'
      where shop.slug = $1 limit 1`,
    [DEMO_SHOP_SLUG],
  );
  const row = rows[0];
  if (!row || !row.variantIds.length) throw new Error(`The demo shop ${DEMO_SHOP_SLUG} with an owner and stock is missing; run seedDemo first.`);
  return { actor: { type: 'staff', userId: row.userId, merchantId: row.merchantId, role: 'owner', isOperator: false }, variantIds: row.variantIds };
}
