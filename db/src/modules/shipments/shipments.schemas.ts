import { Type, type Static, type TLiteral, type TSchema, type TUnion } from '@sinclair/typebox';
import { Timestamp, Uuid } from '../../schema-types.ts';
import { SHIPMENT_STATUSES } from './shipment-statuses.ts';
import { AddressSnapshotBody } from '../fulfilment/fulfilment.schemas.ts';

const Nullable = <Schema extends TSchema>(schema: Schema) => Type.Union([schema, Type.Null()]);
function literals<const Values extends readonly string[]>(values: Values): TUnion<TLiteral<Values[number]>[]> {
  return Type.Union(values.map((value) => Type.Literal(value))) as TUnion<TLiteral<Values[number]>[]>;
}

export const ShipmentStatusSchema = literals(SHIPMENT_STATUSES);

export const Latitude = Type.Number({ minimum: -90, maximum: 90, description: 'degrees, WGS 84' });
export const Longitude = Type.Number({ minimum: -180, maximum: 180, description: 'degrees, WGS 84' });
export const PositionBody = Type.Object({ latitude: Latitude, longitude: Longitude }, { additionalProperties: false });
const PositionWithAccuracy = Type.Object({ latitude: Latitude, longitude: Longitude, accuracyMeters: Nullable(Type.Number()) }, { additionalProperties: false });

export const ShipmentLineBody = Type.Object(
  { orderLineId: Uuid, quantity: Type.Integer(), sku: Type.String(), productTitle: Type.String(), variantTitle: Type.String() },
  { additionalProperties: false },
);

export const TrackingEventBody = Type.Object(
  {
    id: Uuid,
    shipmentId: Uuid,
    status: ShipmentStatusSchema,
    happenedAt: Timestamp,
    message: Type.String(),
    position: Nullable(PositionWithAccuracy),
    etaAt: Nullable(Timestamp),
    source: Type.String({ description: '`merchant`, `courier` or `carrier:<name>`' }),
    sourceEventId: Type.String(),
    applied: Type.Boolean({ description: 'false: older than what the shipment already showed, kept as history only' }),
    recordedAt: Timestamp,
  },
  { $id: 'TrackingEvent', additionalProperties: false },
);

const shipmentProperties = {
  id: Uuid,
  merchantId: Uuid,
  orderId: Uuid,
  carrier: Type.String(),
  trackingNumber: Nullable(Type.String()),
  trackingUrl: Nullable(Type.String()),
  status: ShipmentStatusSchema,
  statusAt: Timestamp,
  courierId: Nullable(Uuid),
  destination: Nullable(PositionBody),
  lastPosition: Nullable(Type.Object({ latitude: Latitude, longitude: Longitude, accuracyMeters: Nullable(Type.Number()), recordedAt: Timestamp }, { additionalProperties: false })),
  etaAt: Nullable(Timestamp),
  leftAt: Nullable(Timestamp),
  deliveredAt: Nullable(Timestamp),
  createdAt: Timestamp,
  updatedAt: Timestamp,
};

export const ShipmentBody = Type.Object(shipmentProperties, { $id: 'Shipment', additionalProperties: false });
export const ShipmentDetailBody = Type.Object(
  { ...shipmentProperties, lines: Type.Array(ShipmentLineBody), events: Type.Array(TrackingEventBody) },
  { $id: 'ShipmentDetail', additionalProperties: false },
);

const TrackingNumber = Type.String({ minLength: 1, maxLength: 100, pattern: '^\\S(.*\\S)?$' });

export const ShipmentCreateBody = Type.Object(
  {
    lines: Type.Optional(
      Type.Array(Type.Object({ lineId: Uuid, quantity: Type.Integer({ minimum: 1, maximum: 10_000 }) }, { additionalProperties: false }), {
        minItems: 1,
        maxItems: 200,
        description: 'order lines and quantities; omitted: every unit not yet shipped',
      }),
    ),
    carrier: Type.Optional(Type.String({ minLength: 1, maxLength: 100, pattern: '^\\S(.*\\S)?$', description: 'default `own_fleet` (the shop\'s couriers)' })),
    trackingNumber: Type.Optional(TrackingNumber),
    trackingUrl: Type.Optional(Type.String({ maxLength: 2000, pattern: '^https?://' })),
    courierId: Type.Optional(Uuid),
    destination: Type.Optional(PositionBody),
    status: Type.Optional(literals(['label_created', 'confirmed', 'picked_up', 'in_transit'] as const)),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
/** What a shopper sees of their order's shipments: no merchant, courier or source ids. */
export const StoreShipmentBody = Type.Object(
  {
    ...Type.Omit(ShipmentBody, ['merchantId', 'courierId']).properties,
    lines: Type.Array(ShipmentLineBody),
    events: Type.Array(Type.Omit(TrackingEventBody, ['source', 'sourceEventId', 'applied'])),
  },
  { $id: 'StoreShipment', additionalProperties: false },
);
export const StoreShipmentList = Type.Array(StoreShipmentBody);

export type ShipmentCreateInput = Static<typeof ShipmentCreateBody>;

export const OrderIdParams = Type.Object({ orderId: Uuid });

export const CourierAssignBody = Type.Object({ courierId: Nullable(Uuid) }, { additionalProperties: false });
export type CourierAssignInput = Static<typeof CourierAssignBody>;

export const TrackingEventCreateBody = Type.Object(
  {
    status: ShipmentStatusSchema,
    happenedAt: Type.Optional(Type.String({ format: 'date-time' })),
    message: Type.Optional(Type.String({ maxLength: 1000 })),
    position: Type.Optional(PositionBody),
    etaAt: Type.Optional(Type.String({ format: 'date-time' })),
    sourceEventId: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'makes a retry harmless; default: a new id' })),
  },
  { additionalProperties: false },
);
export type TrackingEventCreateInput = Static<typeof TrackingEventCreateBody>;

export const TrackingEventRecordedBody = Type.Object({ duplicate: Type.Boolean(), event: TrackingEventBody, shipment: ShipmentBody }, { additionalProperties: false });

export const ShipmentListFilter = Type.Object(
  {
    id: Type.Optional(Type.Array(Uuid)),
    orderId: Type.Optional(Uuid),
    courierId: Type.Optional(Uuid),
    status: Type.Optional(Type.Union([ShipmentStatusSchema, Type.Array(ShipmentStatusSchema)])),
    carrier: Type.Optional(Type.String()),
    q: Type.Optional(Type.String({ description: 'a tracking number' })),
  },
  { additionalProperties: false },
);
export type ShipmentListFilterInput = Static<typeof ShipmentListFilter>;
export const SHIPMENT_SORTABLE_FIELDS = ['createdAt', 'updatedAt', 'status', 'statusAt', 'etaAt'] as const;

// Couriers

export const CourierBody = Type.Object(
  {
    id: Uuid,
    merchantId: Uuid,
    name: Type.String(),
    phone: Nullable(Type.String()),
    active: Type.Boolean(),
    tokenIssuedAt: Nullable(Timestamp),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Courier', additionalProperties: false },
);
const CourierName = Type.String({ minLength: 1, maxLength: 120, pattern: '\\S' });
const Phone = Type.String({ minLength: 3, maxLength: 40, pattern: '^[+0-9 ()-]+$' });
export const CourierCreateBody = Type.Object({ name: CourierName, phone: Type.Optional(Phone) }, { additionalProperties: false });
export type CourierCreateInput = Static<typeof CourierCreateBody>;
export const CourierUpdateBody = Type.Object({ name: Type.Optional(CourierName), phone: Type.Optional(Nullable(Phone)), active: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
export type CourierUpdateInput = Static<typeof CourierUpdateBody>;
export const CourierListFilter = Type.Object(
  { id: Type.Optional(Type.Array(Uuid)), active: Type.Optional(Type.Boolean()), q: Type.Optional(Type.String()) },
  { additionalProperties: false },
);
export type CourierListFilterInput = Static<typeof CourierListFilter>;
export const COURIER_SORTABLE_FIELDS = ['createdAt', 'name', 'updatedAt'] as const;
export const CourierTokenBody = Type.Object(
  { courier: CourierBody, token: Type.String({ description: 'shown once; the courier signs in with it as "Authorization: Bearer <token>"' }) },
  { additionalProperties: false },
);

// The courier's own API

export const CourierPositionCreateBody = Type.Object(
  {
    latitude: Latitude,
    longitude: Longitude,
    accuracyMeters: Type.Optional(Type.Number({ minimum: 0, maximum: 100_000 })),
    recordedAt: Type.String({ format: 'date-time', description: 'when the phone took the fix; older than the last one: kept out' }),
  },
  { additionalProperties: false },
);
export type CourierPositionInput = Static<typeof CourierPositionCreateBody>;

export const COURIER_STATUSES = ['picked_up', 'out_for_delivery', 'delivered', 'attempted_delivery'] as const;
export const CourierStatusCreateBody = Type.Object(
  {
    status: literals(COURIER_STATUSES),
    recordedAt: Type.String({ format: 'date-time' }),
    message: Type.Optional(Type.String({ maxLength: 1000 })),
    latitude: Type.Optional(Latitude),
    longitude: Type.Optional(Longitude),
  },
  { additionalProperties: false },
);
export type CourierStatusInput = Static<typeof CourierStatusCreateBody>;

export const CourierShipmentBody = Type.Object(
  {
    ...shipmentProperties,
    lines: Type.Array(ShipmentLineBody),
    orderNumber: Type.Integer(),
    // The delivery address from the order's snapshot (docs/delivery.md §4); null for pickup and table orders.
    deliveryAddress: Nullable(AddressSnapshotBody),
  },
  { $id: 'CourierShipment', additionalProperties: false },
);
export const CourierShipmentList = Type.Object({ courier: Type.Object({ id: Uuid, name: Type.String() }), shipments: Type.Array(CourierShipmentBody) }, { additionalProperties: false });
export const CourierPositionResult = Type.Object(
  { applied: Type.Boolean({ description: 'false: older than the last known position, which stays' }), shipments: Type.Array(ShipmentBody) },
  { additionalProperties: false },
);

// Carrier webhooks

export const CarrierWebhookParams = Type.Object({ carrier: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,39}$' }) });
export const CarrierWebhookAcknowledgement = Type.Object({ received: Type.Literal(true), eventId: Type.String(), duplicate: Type.Boolean() }, { additionalProperties: false });
