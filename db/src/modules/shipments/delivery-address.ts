import type { Queryable } from '../../pool-transaction.ts';
import type { AddressSnapshot } from '../fulfilment/fulfilment.schemas.ts';
import { orderDeliveryAddress } from '../fulfilment/order-delivery-address.ts';
import type { Position } from './geo.ts';
import type { Shipment } from './shipment-records.ts';

/** The delivery address a courier sees: recipient, phone, address lines, postal code, country, position. */
export type DeliveryAddress = AddressSnapshot;

/**
 * THE spot where the courier's view of a shipment gets the order's delivery address: the snapshot taken
 * at checkout (the fulfilment module's `orderDeliveryAddress`, within the shipment's merchant). Only the
 * courier assigned to the shipment reaches this (CourierDeliveriesService scopes every read by courier:
 * another courier's shipment is a 404 before this runs). Null for pickup and table orders.
 */
export async function deliveryAddressForCourier(client: Queryable, shipment: Shipment): Promise<DeliveryAddress | null> {
  return (await orderDeliveryAddress(client, shipment.orderId, shipment.merchantId))?.address ?? null;
}

/**
 * Where a new shipment goes when the merchant names no destination: the position of the order's delivery
 * address, when the shopper's widget or host shared one, so couriers' ETAs work from the first position.
 */
export function destinationOfAddress(address: AddressSnapshot | null | undefined): Position | null {
  return address?.position ? { latitude: address.position.latitude, longitude: address.position.longitude } : null;
}
