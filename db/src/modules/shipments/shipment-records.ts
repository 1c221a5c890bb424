import type { Queryable } from '../../pool-transaction.ts';
import { prepared } from '../../prepared-statements.ts';
import type { Position } from './geo.ts';
import type { ShipmentStatus } from './shipment-statuses.ts';

/**
 * Plain-SQL access to shipments and their tracking events, shaped like the API's bodies, for the
 * services of this module (merchant, courier and carrier paths share them).
 */
export interface Shipment {
  id: string;
  merchantId: string;
  orderId: string;
  carrier: string;
  trackingNumber: string | null;
  trackingUrl: string | null;
  status: ShipmentStatus;
  /** When the event that set the status happened: older events no longer move it. */
  statusAt: Date;
  courierId: string | null;
  destination: Position | null;
  lastPosition: (Position & { accuracyMeters: number | null; recordedAt: Date }) | null;
  etaAt: Date | null;
  leftAt: Date | null;
  deliveredAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ShipmentLine {
  orderLineId: string;
  quantity: number;
  sku: string;
  productTitle: string;
  variantTitle: string;
}

export interface TrackingEvent {
  id: string;
  shipmentId: string;
  status: ShipmentStatus;
  happenedAt: Date;
  message: string;
  position: (Position & { accuracyMeters: number | null }) | null;
  etaAt: Date | null;
  source: string;
  sourceEventId: string;
  applied: boolean;
  recordedAt: Date;
}

export interface ShipmentRow extends Omit<Shipment, 'destination' | 'lastPosition'> {
  destinationLatitude: number | null;
  destinationLongitude: number | null;
  lastLatitude: number | null;
  lastLongitude: number | null;
  lastAccuracyMeters: number | null;
  lastPositionAt: Date | null;
}

export const SHIPMENT_SELECT = `
  s.id, s.merchant_id as "merchantId", s.order_id as "orderId", s.carrier, s.tracking_number as "trackingNumber",
  s.tracking_url as "trackingUrl", s.status, s.status_at as "statusAt", s.courier_id as "courierId",
  s.destination_latitude as "destinationLatitude", s.destination_longitude as "destinationLongitude",
  s.last_latitude as "lastLatitude", s.last_longitude as "lastLongitude", s.last_accuracy_meters as "lastAccuracyMeters",
  s.last_position_at as "lastPositionAt", s.eta_at as "etaAt", s.left_at as "leftAt", s.delivered_at as "deliveredAt",
  s.created_at as "createdAt", s.updated_at as "updatedAt"`;

export function toShipment(row: ShipmentRow): Shipment {
  const { destinationLatitude, destinationLongitude, lastLatitude, lastLongitude, lastAccuracyMeters, lastPositionAt, ...rest } = row;
  return {
    ...rest,
    destination: destinationLatitude !== null && destinationLongitude !== null ? { latitude: destinationLatitude, longitude: destinationLongitude } : null,
    lastPosition:
      lastLatitude !== null && lastLongitude !== null && lastPositionAt !== null
        ? { latitude: lastLatitude, longitude: lastLongitude, accuracyMeters: lastAccuracyMeters, recordedAt: lastPositionAt }
        : null,
  };
}

/** Who may see a shipment: a merchant's tenancy, one courier, or nobody in particular (the system). */
export type ShipmentScope = { merchantId: string } | { courierId: string } | Record<string, never>;

function scopeSql(scope: ShipmentScope, index: number): { sql: string; values: string[] } {
  if ('merchantId' in scope) return { sql: ` and s.merchant_id = $${index}`, values: [scope.merchantId] };
  if ('courierId' in scope) return { sql: ` and s.courier_id = $${index}`, values: [scope.courierId] };
  return { sql: '', values: [] };
}

export async function findShipment(client: Queryable, id: string, scope: ShipmentScope, lock = false): Promise<Shipment | null> {
  const condition = scopeSql(scope, 2);
  const { rows } = await client.query<ShipmentRow>(prepared(`select ${SHIPMENT_SELECT} from shipment s where s.id = $1${condition.sql}${lock ? ' for update' : ''}`, [id, ...condition.values]));
  return rows[0] ? toShipment(rows[0]) : null;
}

export async function shipmentsOfOrder(client: Queryable, orderId: string): Promise<Shipment[]> {
  const { rows } = await client.query<ShipmentRow>(`select ${SHIPMENT_SELECT} from shipment s where s.order_id = $1 order by s.created_at, s.id`, [orderId]);
  return rows.map(toShipment);
}

/** Whether any shipment carries the order: then its shipments, not the merchant's "deliver" verb, decide `delivered`. */
export async function orderHasShipments(client: Queryable, orderId: string): Promise<boolean> {
  const { rows } = await client.query<{ exists: boolean }>('select exists (select 1 from shipment where order_id = $1) as exists', [orderId]);
  return rows[0]?.exists ?? false;
}

export async function shipmentLines(client: Queryable, shipmentIds: string[]): Promise<Map<string, ShipmentLine[]>> {
  const { rows } = await client.query<ShipmentLine & { shipmentId: string }>(
    `select sl.shipment_id as "shipmentId", sl.order_line_id as "orderLineId", sl.quantity, ol.sku, ol.product_title as "productTitle", ol.variant_title as "variantTitle"
       from shipment_line sl join order_line ol on ol.id = sl.order_line_id
      where sl.shipment_id = any($1::uuid[]) order by ol.position`,
    [shipmentIds],
  );
  const byShipment = new Map<string, ShipmentLine[]>();
  for (const { shipmentId, ...line } of rows) byShipment.set(shipmentId, [...(byShipment.get(shipmentId) ?? []), line]);
  return byShipment;
}

interface TrackingEventRow extends Omit<TrackingEvent, 'position'> {
  latitude: number | null;
  longitude: number | null;
  accuracyMeters: number | null;
}

export const TRACKING_EVENT_SELECT = `
  e.id, e.shipment_id as "shipmentId", e.status, e.happened_at as "happenedAt", e.message, e.latitude, e.longitude,
  e.accuracy_meters as "accuracyMeters", e.eta_at as "etaAt", e.source, e.source_event_id as "sourceEventId", e.applied, e.recorded_at as "recordedAt"`;

export function toTrackingEvent(row: TrackingEventRow): TrackingEvent {
  const { latitude, longitude, accuracyMeters, ...rest } = row;
  return { ...rest, position: latitude !== null && longitude !== null ? { latitude, longitude, accuracyMeters } : null };
}

export async function trackingEventsOf(client: Queryable, shipmentId: string): Promise<TrackingEvent[]> {
  const { rows } = await client.query<TrackingEventRow>(`select ${TRACKING_EVENT_SELECT} from tracking_event e where e.shipment_id = $1 order by e.happened_at, e.recorded_at`, [shipmentId]);
  return rows.map(toTrackingEvent);
}

export async function findTrackingEventBySource(client: Queryable, source: string, sourceEventId: string): Promise<TrackingEvent | null> {
  const { rows } = await client.query<TrackingEventRow>(`select ${TRACKING_EVENT_SELECT} from tracking_event e where e.source = $1 and e.source_event_id = $2`, [source, sourceEventId]);
  return rows[0] ? toTrackingEvent(rows[0]) : null;
}

/** Units of each order line already in a shipment: a line never ships more than was ordered. */
export async function shippedQuantities(client: Queryable, orderId: string): Promise<Map<string, number>> {
  const { rows } = await client.query<{ orderLineId: string; quantity: number }>(
    `select sl.order_line_id as "orderLineId", sum(sl.quantity)::int as quantity
       from shipment_line sl join shipment s on s.id = sl.shipment_id where s.order_id = $1 group by sl.order_line_id`,
    [orderId],
  );
  return new Map(rows.map((row) => [row.orderLineId, row.quantity]));
}
