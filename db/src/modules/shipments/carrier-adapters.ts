import type { IncomingHttpHeaders } from 'node:http';
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Position } from './geo.ts';
import { AFTERSHIP_SIGNATURE_HEADER, GENERIC_SIGNATURE_HEADER, verifyAfterShipSignature, verifyGenericSignature } from './carrier-signatures.ts';
import { SHIPMENT_STATUSES, type ShipmentStatus } from './shipment-statuses.ts';
import { CarrierPayloadError, CarrierTimestampError } from './shipments.errors.ts';

/** One carrier event in our terms, whatever shape it came in. */
export interface CarrierEvent {
  eventId: string;
  /** With the tracking number, finds the shipment (case-insensitive). */
  carrier: string;
  trackingNumber: string;
  /** Null: a status we do not track (the event is stored and acknowledged, then ignored). */
  status: ShipmentStatus | null;
  happenedAt: Date;
  message: string;
  position: Position | null;
  etaAt: Date | null;
}

export interface CarrierAdapter {
  /** Throws CarrierSignatureError (401) or CarrierTimestampError (400); nothing is stored before it passes. */
  verify(rawBody: Buffer, headers: IncomingHttpHeaders, secret: string, toleranceSeconds: number, now: Date): void;
  /** The event id first (for the inbox), then the rest; throws CarrierPayloadError naming the field. */
  parse(payload: unknown, carrierName: string): CarrierEvent;
}

function firstError(schema: Parameters<typeof Value.Errors>[0], payload: unknown): void {
  const error = Value.Errors(schema, payload).First();
  if (error) throw new CarrierPayloadError(error.path.replace(/^\//, '').replaceAll('/', '.') || 'body', error.message);
}

function dateOf(field: string, text: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new CarrierPayloadError(field, 'must be an ISO 8601 date-time');
  return date;
}

// The generic signed format (docs/delivery.md §5).

const GenericEventSchema = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 200 }),
  carrier: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  trackingNumber: Type.String({ minLength: 1, maxLength: 100 }),
  status: Type.Union(SHIPMENT_STATUSES.map((status) => Type.Literal(status))),
  happenedAt: Type.String({ minLength: 1 }),
  message: Type.Optional(Type.String({ maxLength: 1000 })),
  position: Type.Optional(Type.Union([Type.Object({ latitude: Type.Number({ minimum: -90, maximum: 90 }), longitude: Type.Number({ minimum: -180, maximum: 180 }) }), Type.Null()])),
  etaAt: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Null()])),
});

export const genericAdapter: CarrierAdapter = {
  verify(rawBody, headers, secret, toleranceSeconds, now) {
    verifyGenericSignature(rawBody, headers[GENERIC_SIGNATURE_HEADER], secret, toleranceSeconds, now);
  },
  parse(payload, carrierName) {
    firstError(GenericEventSchema, payload);
    const event = payload as typeof GenericEventSchema.static;
    return {
      eventId: event.id,
      carrier: event.carrier ?? carrierName,
      trackingNumber: event.trackingNumber,
      status: event.status,
      happenedAt: dateOf('happenedAt', event.happenedAt),
      message: event.message ?? '',
      position: event.position ?? null,
      etaAt: event.etaAt ? dateOf('etaAt', event.etaAt) : null,
    };
  },
};

// AfterShip's tracking webhooks (event "tracking_update"): the tracking's tag says where the parcel is.

/** AfterShip delivery tags -> our statuses. */
export const AFTERSHIP_TAGS: Readonly<Record<string, ShipmentStatus | null>> = {
  Pending: 'label_created',
  InfoReceived: 'confirmed',
  InTransit: 'in_transit',
  OutForDelivery: 'out_for_delivery',
  AttemptFail: 'attempted_delivery',
  Delivered: 'delivered',
  AvailableForPickup: 'ready_for_pickup',
  Exception: 'failure',
  // No news for 30 days: late, not lost.
  Expired: 'delayed',
};

const AfterShipCheckpointSchema = Type.Object({
  checkpoint_time: Type.Optional(Type.String()),
  message: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  tag: Type.Optional(Type.String()),
  coordinates: Type.Optional(Type.Union([Type.Array(Type.Number(), { minItems: 2, maxItems: 2 }), Type.Null()])),
});

const AfterShipEventSchema = Type.Object({
  event_id: Type.String({ minLength: 1, maxLength: 200 }),
  event: Type.String(),
  ts: Type.Integer(),
  msg: Type.Object({
    tracking_number: Type.String({ minLength: 1, maxLength: 100 }),
    slug: Type.String({ minLength: 1, maxLength: 100 }),
    tag: Type.String(),
    updated_at: Type.Optional(Type.String()),
    expected_delivery: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    checkpoints: Type.Optional(Type.Array(AfterShipCheckpointSchema)),
  }),
});

export const afterShipAdapter: CarrierAdapter = {
  verify(rawBody, headers, secret, toleranceSeconds, now) {
    verifyAfterShipSignature(rawBody, headers[AFTERSHIP_SIGNATURE_HEADER], secret);
    // AfterShip signs the whole body, its `ts` included: that is the timestamp the tolerance applies to.
    let ts: unknown;
    try {
      ts = (JSON.parse(rawBody.toString('utf8')) as { ts?: unknown }).ts;
    } catch {
      throw new CarrierPayloadError('body', 'must be JSON');
    }
    if (typeof ts !== 'number' || Math.abs(now.getTime() / 1000 - ts) > toleranceSeconds) throw new CarrierTimestampError('ts', `is more than ${toleranceSeconds} s away from now`);
  },
  parse(payload) {
    firstError(AfterShipEventSchema, payload);
    const event = payload as typeof AfterShipEventSchema.static;
    const checkpoints = event.msg.checkpoints ?? [];
    const latest = checkpoints.at(-1);
    const coordinates = latest?.coordinates;
    const expected = event.msg.expected_delivery;
    return {
      eventId: event.event_id,
      carrier: event.msg.slug,
      trackingNumber: event.msg.tracking_number,
      status: event.event === 'tracking_update' ? (AFTERSHIP_TAGS[event.msg.tag] ?? null) : null,
      happenedAt: latest?.checkpoint_time ? dateOf('msg.checkpoints.checkpoint_time', latest.checkpoint_time) : event.msg.updated_at ? dateOf('msg.updated_at', event.msg.updated_at) : new Date(event.ts * 1000),
      message: (latest?.message ?? '').slice(0, 1000),
      position:
        coordinates && Math.abs(coordinates[0] as number) <= 90 && Math.abs(coordinates[1] as number) <= 180
          ? { latitude: coordinates[0] as number, longitude: coordinates[1] as number }
          : null,
      etaAt: expected ? dateOf('msg.expected_delivery', expected) : null,
    };
  },
};

/** The adapter of a configured carrier: `aftership` speaks AfterShip, every other name the generic format. */
export function adapterFor(carrierName: string): CarrierAdapter {
  return carrierName === 'aftership' ? afterShipAdapter : genericAdapter;
}
