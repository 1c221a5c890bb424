import type { Queryable } from '../../pool-transaction.ts';
import { prepared } from '../../prepared-statements.ts';

/**
 * Attributes a just-placed order to the shopper who brought its buyer (docs/social.md §3): the buyer's
 * last touch in this shop within the shop's window wins; no touch in the window, no attribution. Runs in
 * the checkout's transaction (one indexed statement), so an order is attributed exactly when it exists,
 * with the rate the shop had when it was placed. The statement itself requires the order row, so that it
 * can be sent right behind the order's insert: when that insert gave way to a concurrent retry, this one
 * attributes nothing instead of failing on the foreign key.
 */
export async function attributeOrder(client: Queryable, order: { orderId: string; shopId: string; merchantId: string; shopperId: string; currency: string }): Promise<void> {
  await client.query(
    prepared(
      `insert into referral_commission (order_id, merchant_id, shop_id, referrer_shopper_id, shopper_id, share_link_id, touched_at, basis_points, currency)
       select $1, $2, shop.id, touch.sharer_shopper_id, touch.shopper_id, touch.share_link_id, touch.touched_at, shop.referral_commission_basis_points, $5
         from shop
         join shop_order placed on placed.id = $1
         join lateral (
           select sharer_shopper_id, shopper_id, share_link_id, touched_at from share_touch
            where shopper_id = $4 and shop_id = shop.id and touched_at > now() - make_interval(days => shop.referral_window_days)
            order by touched_at desc limit 1) touch on true
        where shop.id = $3`,
      [order.orderId, order.merchantId, order.shopId, order.shopperId, order.currency],
    ),
  );
}
