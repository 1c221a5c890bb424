import type { Actor } from '../../actor.ts';
import { newId } from '../../ids.ts';
import { addToOutbox } from '../../outbox/outbox.ts';
import type { Queryable } from '../../pool-transaction.ts';
import type { Order } from '../orders/order.entity.ts';
import type { TransitionOptions } from '../orders/order-records.ts';
import { etaFrom, type Position } from './geo.ts';
import { followShipments } from './order-follows-shipments.ts';
import { findTrackingEventBySource, SHIPMENT_SELECT, toShipment, type Shipment, type ShipmentRow, type TrackingEvent } from './shipment-records.ts';
import { prepared } from '../../prepared-statements.ts';
import { hasLeft, movesStatus, type ShipmentStatus } from './shipment-statuses.ts';

export interface TrackingEventInput {
  status: ShipmentStatus;
  happenedAt: Date;
  message?: string;
  position?: (Position & { accuracyMeters?: number | null }) | null;
  /** An ETA the source knows (a carrier's estimate); otherwise one is computed from a position. */
  etaAt?: Date | null;
  /** `merchant`, `courier` or `carrier:<name>`; with sourceEventId, what makes a repeat harmless. */
  source: string;
  sourceEventId: string;
}

export interface RecordedTrackingEvent {
  event: TrackingEvent;
  /** The same (source, source event id) had been recorded before: nothing changed this time. */
  duplicate: boolean;
  shipment: Shipment;
  order: Order;
}

export interface TrackingContext {
  averageSpeedKmh: number;
  /** Who the order's transitions are recorded as. */
  actor: Actor;
  /** Note and data for the order's events when it follows (e.g. which courier delivered). */
  transition?: TransitionOptions;
}

/**
 * Records one tracking event on a shipment, in the caller's transaction, with the order and then the
 * shipment locked (always in that order, so concurrent paths never deadlock):
 * - the event row, append-only; a repeat of (source, source event id) changes nothing;
 * - the shipment: its status only for an event at least as new as the current one and never out of
 *   delivered or returned; its position only for a newer position; its ETA from the source or from the
 *   remaining distance;
 * - an outbox event `shipment.tracking_event_recorded`;
 * - the order, which follows its shipments (followShipments).
 */
export async function recordTrackingEvent(client: Queryable, order: Order, shipment: Shipment, input: TrackingEventInput, context: TrackingContext): Promise<RecordedTrackingEvent> {
  const statusMoves = movesStatus(shipment, input);
  const position = input.position ?? null;
  const positionMoves = position !== null && (shipment.lastPosition === null || input.happenedAt.getTime() > shipment.lastPosition.recordedAt.getTime());
  const delivered = statusMoves && input.status === 'delivered';
  let etaAt: Date | null | undefined;
  if (delivered) etaAt = null;
  else if (input.etaAt !== undefined && input.etaAt !== null && (statusMoves || positionMoves)) etaAt = input.etaAt;
  else if (positionMoves && shipment.destination) etaAt = etaFrom(position, shipment.destination, input.happenedAt, context.averageSpeedKmh);
  const applied = statusMoves || positionMoves || (hasLeft(input.status) && shipment.leftAt === null);

  const eventId = newId();
  // A repeat of (source, source event id) inserts nothing: the unique key, not a read before, decides.
  const inserted = await client.query<{ recordedAt: Date }>(
    prepared(
      `insert into tracking_event (id, shipment_id, merchant_id, order_id, status, happened_at, message, latitude, longitude, accuracy_meters, eta_at, source, source_event_id, applied)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       on conflict (source, source_event_id) do nothing
       returning recorded_at as "recordedAt"`,
      [
        eventId,
        shipment.id,
        shipment.merchantId,
        shipment.orderId,
        input.status,
        input.happenedAt,
        input.message ?? '',
        position?.latitude ?? null,
        position?.longitude ?? null,
        position?.accuracyMeters ?? null,
        etaAt ?? input.etaAt ?? null,
        input.source,
        input.sourceEventId,
        applied,
      ],
    ),
  );
  const recordedAt = inserted.rows[0]?.recordedAt;
  if (!recordedAt) {
    // Recorded before (or by a concurrent delivery of the same event): that one did the work.
    const first = (await findTrackingEventBySource(client, input.source, input.sourceEventId)) as TrackingEvent;
    return { event: first, duplicate: true, shipment, order };
  }

  let updated = shipment;
  if (applied) {
    const { rows } = await client.query<ShipmentRow>(
      prepared(
        `update shipment s set
            status = case when $2 then $3 else status end,
            status_at = case when $2 then $4 else status_at end,
            left_at = case when $5 then least(coalesce(left_at, $4), $4) else left_at end,
            delivered_at = case when $2 and $3 = 'delivered' then $4 else delivered_at end,
            last_latitude = case when $6 then $7 else last_latitude end,
            last_longitude = case when $6 then $8 else last_longitude end,
            last_accuracy_meters = case when $6 then $9 else last_accuracy_meters end,
            last_position_at = case when $6 then $4 else last_position_at end,
            eta_at = case when $10 then $11 else eta_at end,
            updated_at = now()
          where id = $1
          returning ${SHIPMENT_SELECT}`,
        [
          shipment.id,
          statusMoves,
          input.status,
          input.happenedAt,
          hasLeft(input.status),
          positionMoves,
          position?.latitude ?? null,
          position?.longitude ?? null,
          position?.accuracyMeters ?? null,
          etaAt !== undefined,
          etaAt ?? null,
        ],
      ),
    );
    updated = toShipment(rows[0] as ShipmentRow);
  }
  const event: TrackingEvent = {
    id: eventId,
    shipmentId: shipment.id,
    status: input.status,
    happenedAt: input.happenedAt,
    message: input.message ?? '',
    position: position ? { latitude: position.latitude, longitude: position.longitude, accuracyMeters: position.accuracyMeters ?? null } : null,
    etaAt: etaAt ?? input.etaAt ?? null,
    source: input.source,
    sourceEventId: input.sourceEventId,
    applied,
    recordedAt,
  };
  await addToOutbox(client, {
    type: 'shipment.tracking_event_recorded',
    aggregateType: 'shipment',
    aggregateId: shipment.id,
    merchantId: shipment.merchantId,
    payload: trackingEventPayload(order, updated, event),
  });
  // Only a departure or a delivery can move the order: a courier's stream of positions skips this.
  const mayMoveOrder = (hasLeft(input.status) && !order.shippedAt) || (statusMoves && input.status === 'delivered');
  const followed = applied && mayMoveOrder
    ? await followShipments(client, order, context.actor, { ...context.transition, data: { ...context.transition?.data, shipmentId: shipment.id, trackingEventId: eventId } })
    : order;
  return { event, duplicate: false, shipment: updated, order: followed };
}

/** The payload of `shipment.tracking_event_recorded` (the contract in TEAM.md), plus `applied`. */
export function trackingEventPayload(order: Pick<Order, 'id' | 'shopperId' | 'merchantId'>, shipment: Shipment, event: TrackingEvent): Record<string, unknown> {
  return {
    orderId: order.id,
    shopperId: order.shopperId,
    merchantId: order.merchantId,
    shipmentId: shipment.id,
    trackingEventId: event.id,
    status: event.status,
    happenedAt: event.happenedAt.toISOString(),
    message: event.message,
    position: event.position ? { latitude: event.position.latitude, longitude: event.position.longitude } : null,
    etaAt: event.etaAt ? event.etaAt.toISOString() : null,
    // False for an event older than what the shipment already shows: history, not news.
    applied: event.applied,
  };
}
