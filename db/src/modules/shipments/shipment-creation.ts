import type pg from 'pg';
import { ValidationError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { Queryable } from '../../pool-transaction.ts';
import type { Order } from '../orders/order.entity.ts';
import type { OrderLine } from '../orders/order-line.entity.ts';
import type { Position } from './geo.ts';
import { findShipment, shippedQuantities, type Shipment } from './shipment-records.ts';
import type { ShipmentStatus } from './shipment-statuses.ts';
import { NothingToShipError, OrderNotShippableError, ShipmentQuantityExceededError, TrackingNumberTakenError } from './shipments.errors.ts';
import { recordTrackingEvent, type TrackingContext } from './tracking-events.ts';
import { destinationOfAddress } from './delivery-address.ts';

/** The carrier of a shipment the shop's own couriers deliver. */
export const OWN_FLEET_CARRIER = 'own_fleet';

export interface NewShipment {
  /** Order lines and quantities; undefined: every unit not shipped yet (and not refunded). */
  lines?: { lineId: string; quantity: number }[] | undefined;
  carrier?: string | undefined;
  trackingNumber?: string | undefined;
  trackingUrl?: string | undefined;
  courierId?: string | null | undefined;
  destination?: Position | undefined;
  status: ShipmentStatus;
  message: string;
  /** With an empty remainder: create the shipment without lines (the old "ship" verb) instead of refusing. */
  allowEmpty?: boolean;
}

const SHIPPABLE_STATUSES = new Set(['paid', 'packed', 'shipped', 'partially_refunded']);

/**
 * Creates a shipment of a locked order with its lines, and its first tracking event (which makes the
 * order follow: a shipment created in transit ships the order). A line never ships more units than were
 * ordered and not refunded, across all of the order's shipments.
 */
export async function createShipment(client: pg.PoolClient, order: Order & { lines: OrderLine[] }, input: NewShipment, context: TrackingContext): Promise<{ shipment: Shipment; order: Order }> {
  if (!SHIPPABLE_STATUSES.has(order.status) || order.deliveredAt) throw new OrderNotShippableError(order.status);
  const shipped = await shippedQuantities(client, order.id);
  const remaining = new Map(order.lines.map((line) => [line.id, line.quantity - line.refundedQuantity - (shipped.get(line.id) ?? 0)]));
  let lines: { lineId: string; quantity: number }[];
  if (input.lines) {
    const seen = new Set<string>();
    lines = input.lines.map((line, index) => {
      if (!remaining.has(line.lineId) || seen.has(line.lineId)) {
        throw new ValidationError({ [`lines.${index}.lineId`]: seen.has(line.lineId) ? 'is listed twice' : 'is not a line of this order' });
      }
      seen.add(line.lineId);
      const left = remaining.get(line.lineId) as number;
      if (line.quantity > left) throw new ShipmentQuantityExceededError(`lines.${index}.quantity`, Math.max(0, left));
      return line;
    });
  } else {
    lines = [...remaining].filter(([, quantity]) => quantity > 0).map(([lineId, quantity]) => ({ lineId, quantity }));
    if (lines.length === 0 && !input.allowEmpty) throw new NothingToShipError();
  }

  const id = newId();
  const happenedAt = new Date();
  const destination = input.destination ?? destinationOfAddress(order.deliveryAddress);
  await client.query('savepoint shipment_insert');
  try {
    await client.query(
      `insert into shipment (id, merchant_id, order_id, carrier, tracking_number, tracking_url, status, status_at, courier_id, destination_latitude, destination_longitude)
       values ($1, $2, $3, $4, $5, $6, 'label_created', $7, $8, $9, $10)`,
      [
        id,
        order.merchantId,
        order.id,
        input.carrier ?? OWN_FLEET_CARRIER,
        input.trackingNumber ?? null,
        input.trackingUrl ?? null,
        happenedAt,
        input.courierId ?? null,
        destination?.latitude ?? null,
        destination?.longitude ?? null,
      ],
    );
  } catch (error) {
    await client.query('rollback to savepoint shipment_insert');
    if ((error as { constraint?: string }).constraint === 'shipment_carrier_tracking_number_unique') throw new TrackingNumberTakenError();
    throw error;
  }
  await client.query('release savepoint shipment_insert');
  if (lines.length > 0) {
    await client.query(
      `insert into shipment_line (shipment_id, order_line_id, merchant_id, quantity)
       select $1, line.line_id, $2, line.quantity from unnest($3::uuid[], $4::int[]) as line (line_id, quantity)`,
      [id, order.merchantId, lines.map((line) => line.lineId), lines.map((line) => line.quantity)],
    );
  }
  const created = (await findShipment(client, id, {})) as Shipment;
  const recorded = await recordTrackingEvent(
    client,
    order,
    created,
    { status: input.status, happenedAt, message: input.message, source: 'merchant', sourceEventId: `created:${id}` },
    context,
  );
  return { shipment: recorded.shipment, order: recorded.order };
}

/** The actor's merchant must own the courier; another merchant's courier is "no such courier". */
export async function assertCourierOfMerchant(client: Queryable, merchantId: string, courierId: string | null | undefined): Promise<void> {
  if (!courierId) return;
  const { rowCount } = await client.query('select 1 from courier where id = $1 and merchant_id = $2', [courierId, merchantId]);
  if (!rowCount) throw new ValidationError({ courierId: 'no such courier' });
}

