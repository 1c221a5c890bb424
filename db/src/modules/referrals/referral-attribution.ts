import type { Queryable } from '../../pool-transaction.ts';
import { prepared } from '../../prepared-statements.ts';

/**
 * Attributes a just-placed order to the shopper who brought its buyer (docs/social.md §3): the buyer's last
 * touch in this shop within the shop's window wins; no touch in the window, no attribution. Runs in the
 * order's own transaction, so an order is attributed exactly when it exists, with the rate the shop had when it
 * was placed.
 *
 * The insert, over `placed`, a CTE of the order as the order's select list names its columns (`id`,
 * `"merchantId"`, `"shopId"`, `"shopperId"`, `currency`): the checkout writes it into the order's own insert
 * statement (one statement fewer per order), anything else reads the order's row first (attributeOrder).
 */
export const ATTRIBUTION_INSERT_SQL = `insert into referral_commission (order_id, merchant_id, shop_id, referrer_shopper_id, shopper_id, share_link_id, touched_at, basis_points, currency)
       select placed.id, placed."merchantId", shop.id, touch.sharer_shopper_id, touch.shopper_id, touch.share_link_id, touch.touched_at,
              shop.referral_commission_basis_points, placed.currency
         from placed
         join shop on shop.id = placed."shopId"
         join lateral (
           select sharer_shopper_id, shopper_id, share_link_id, touched_at from share_touch
            where shopper_id = placed."shopperId" and shop_id = shop.id and touched_at > now() - make_interval(days => shop.referral_window_days)
            order by touched_at desc limit 1) touch on true`;

/** Attributes an order already written in this transaction (a group buy's members' orders). */
export async function attributeOrder(client: Queryable, orderId: string): Promise<void> {
  await client.query(
    prepared(
      `with placed as (select id, merchant_id as "merchantId", shop_id as "shopId", shopper_id as "shopperId", currency from shop_order where id = $1)
       ${ATTRIBUTION_INSERT_SQL}`,
      [orderId],
    ),
  );
}
