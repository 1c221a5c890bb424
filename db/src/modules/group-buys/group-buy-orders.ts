import type { Actor } from '../../actor.ts';
import { newId } from '../../ids.ts';
import { addToOutbox } from '../../outbox/outbox.ts';
import type { Queryable } from '../../pool-transaction.ts';
import type { Order } from '../orders/order.entity.ts';
import { insertOrderEvent, orderEventPayload, orderSelectList } from '../orders/order-records.ts';
import { commitStock } from '../orders/stock-reservations.ts';
import { attributeOrder } from '../referrals/referral-attribution.ts';

export interface TeamOrderInput {
  teamId: string;
  groupBuyId: string;
  merchantId: string;
  shopId: string;
  currency: string;
  variantId: string;
  teamPriceMinor: number;
  members: { shopperId: string; orderId: string; paymentTransferId: string }[];
}

/**
 * The members' orders of a team that just formed, written `paid` at the team price in the transaction
 * that posts their holds (docs/social.md §2). They never pass through `pending_payment`, so no
 * `order.timeout` is scheduled: the money was held while the team filled, and the team's expiry (not
 * the order's) released it when a team failed. One line each (one unit of the offer's variant); the
 * team's reserved units become a sale. From `paid` on they are ordinary orders: packed, shipped,
 * refunded (the refund reverses `payment_transfer_id`, the posted hold, back to the wallet), settled, and
 * attributed to a referrer like checkout's orders (docs/social.md §3).
 */
export async function insertTeamOrders(client: Queryable, input: TeamOrderInput, actor: Actor): Promise<Order[]> {
  const request = JSON.stringify({ groupBuyId: input.groupBuyId, teamId: input.teamId });
  const { rows } = await client.query<Order>(
    `with member as (select * from unnest($1::uuid[], $2::uuid[], $3::uuid[]) as m(order_id, shopper_id, payment_transfer_id))
     insert into shop_order (id, merchant_id, shop_id, shopper_id, status, currency, item_count, total_minor, source, payment_method,
                             payment_transfer_id, idempotency_request, payment_due_at, paid_at)
     select member.order_id, $4, $5, member.shopper_id, 'paid', $6, 1, $7, 'group_buy', 'wallet', member.payment_transfer_id, $8, now(), now()
       from member
     returning ${orderSelectList()}`,
    [
      input.members.map((member) => member.orderId),
      input.members.map((member) => member.shopperId),
      input.members.map((member) => member.paymentTransferId),
      input.merchantId,
      input.shopId,
      input.currency,
      input.teamPriceMinor,
      request,
    ],
  );
  await client.query(
    `insert into order_line (id, order_id, merchant_id, position, variant_id, product_id, sku, product_title, variant_title, unit_price_minor, quantity, line_total_minor)
     select line.id, line.order_id, $3, 0, variant.id, variant.product_id, variant.sku, product.title, variant.title, $4, 1, $4
       from unnest($1::uuid[], $2::uuid[]) as line(id, order_id)
       join variant on variant.id = $5
       join product on product.id = variant.product_id`,
    [rows.map(() => newId()), rows.map((order) => order.id), input.merchantId, input.teamPriceMinor, input.variantId],
  );
  await commitStock(client, input.merchantId, [{ variantId: input.variantId, quantity: rows.length }], actor, `group buy team ${input.teamId} formed`);
  const data = { groupBuyId: input.groupBuyId, teamId: input.teamId };
  for (const order of rows) {
    // Like checkout: each member's order goes to whoever brought that member (their last share-link open
    // in this shop within the window, e.g. the team link a friend shared), in the order's own transaction.
    await attributeOrder(client, order.id);
    await insertOrderEvent(client, order, actor, { type: 'status_changed', fromStatus: null, toStatus: 'paid', note: 'group buy team formed', data });
    await addToOutbox(client, {
      type: 'order.paid',
      aggregateType: 'order',
      aggregateId: order.id,
      merchantId: order.merchantId,
      payload: { ...orderEventPayload(order, null), ...data },
    });
  }
  return rows;
}
