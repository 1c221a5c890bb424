import type { Queryable } from '../../pool-transaction.ts';
import type { Order } from '../orders/order.entity.ts';
import { lockOrder } from '../orders/order-records.ts';
import { findShipment, type Shipment, type ShipmentScope } from './shipment-records.ts';
import { ShipmentNotFoundError } from './shipments.errors.ts';

/**
 * Locks a shipment's order, then the shipment: every path that changes a shipment takes the locks in
 * this order (the order first, as the ship verb does), so two of them never deadlock. Outside the
 * scope the shipment does not exist.
 */
export async function lockShipmentWithOrder(client: Queryable, shipmentId: string, scope: ShipmentScope): Promise<{ order: Order; shipment: Shipment }> {
  const seen = await findShipment(client, shipmentId, scope);
  if (!seen) throw new ShipmentNotFoundError(shipmentId);
  const order = (await lockOrder(client, seen.orderId, {})) as Order;
  const shipment = await findShipment(client, shipmentId, scope, true);
  if (!shipment) throw new ShipmentNotFoundError(shipmentId);
  return { order, shipment };
}
