import type { MerchantActor, ShopperActor } from '../actor.ts';
import type { Database } from '../database.ts';
import type { Services } from '../services.ts';

/** The demo shopper signs in as a guest on this device id: POST /api/store/sessions {provider: 'guest', deviceId}. */
export const DEMO_SHOPPER_DEVICE_ID = 'minishop-demo-shopper-device';
const DEMO_SHOP_SLUG = 'lotus-tea-house';
/** A demo promotion credited to the demo shopper's wallet (the ledger's `topUp` from `world`), so the orders can be paid. */
const DEMO_WALLET_CREDIT_MINOR = 200_00;

export type DemoOrderState = 'paid' | 'packed' | 'delivered' | 'completed';

export interface DemoOrdersSummary {
  shopperId: string;
  deviceId: string;
  orders: { id: string; number: number; state: DemoOrderState; settled: boolean }[];
}

type DemoServices = Pick<Services, 'shoppers' | 'orders' | 'settlement' | 'ledger'>;

/**
 * The demo shopper and their orders at the Lotus Tea House, one in each state of the journey, made
 * through the services as a shopper and the shop's owner would: paid, packed, handed over (delivered,
 * its auto-confirmation scheduled) and completed and settled to the merchant less the platform fee.
 * Runs right after seedDemo filled an empty database (the caller checks), with the services of the
 * process (`npm start`, `npm run db:seed`). Out-for-delivery shipments come with the shipments module.
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
  return { shopperId: shopper.shopperId, deviceId: DEMO_SHOPPER_DEVICE_ID, orders };
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
