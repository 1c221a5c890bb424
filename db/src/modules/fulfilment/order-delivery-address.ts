import type { Queryable } from '../../pool-transaction.ts';
import type { AddressSnapshot } from './fulfilment.schemas.ts';

export interface OrderDeliveryAddress {
  orderId: string;
  fulfilmentMethod: 'delivery';
  address: AddressSnapshot;
  distanceMeters: number | null;
}

/**
 * The address a delivery order goes to, as it was at checkout, within one merchant's tenancy: for the
 * merchant's console and for the courier assigned to one of the order's shipments (the caller checks
 * the assignment; this never answers across merchants). Null when there is no such order of this
 * merchant or it is not a delivery.
 */
export async function orderDeliveryAddress(client: Queryable, orderId: string, merchantId: string): Promise<OrderDeliveryAddress | null> {
  const { rows } = await client.query<OrderDeliveryAddress>(
    `select id as "orderId", fulfilment_method as "fulfilmentMethod", delivery_address as address, delivery_distance_meters as "distanceMeters"
       from shop_order
      where id = $1 and merchant_id = $2 and fulfilment_method = 'delivery'`,
    [orderId, merchantId],
  );
  return rows[0] ?? null;
}
