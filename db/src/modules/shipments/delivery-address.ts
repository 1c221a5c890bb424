import type { Queryable } from '../../pool-transaction.ts';
import type { Shipment } from './shipment-records.ts';

/** The delivery address a courier sees: recipient, phone, address lines, postal code, country, position. */
export type DeliveryAddress = Record<string, unknown>;

/**
 * THE SPOT for the order's delivery address in the courier's view of a shipment (issue 8 item 0, the
 * d1-fulfilment branch, adds an address snapshot to orders). Only the courier assigned to the shipment
 * reaches this (CourierDeliveriesService scopes by courier). Until orders carry an address it is null;
 * then: read the order's snapshot here and, when it has a position, fill shipment.destination too.
 */
export async function deliveryAddressForCourier(_client: Queryable, _shipment: Shipment): Promise<DeliveryAddress | null> {
  return null;
}
