import { Type, type Static } from '@sinclair/typebox';
import { AmountMinor, Timestamp, Uuid } from '../../schema-types.ts';

export const FULFILMENT_METHODS = ['delivery', 'pickup', 'table'] as const;
export type FulfilmentMethod = (typeof FULFILMENT_METHODS)[number];
export const FulfilmentMethodSchema = Type.Union(
  FULFILMENT_METHODS.map((method) => Type.Literal(method)),
  { description: 'delivery to an address, pickup at the shop, or service at a table' },
);

/** A point on Earth in WGS 84 degrees, as a browser's Geolocation API or a chat host shares it. */
export const PositionSchema = Type.Object(
  {
    latitude: Type.Number({ minimum: -90, maximum: 90 }),
    longitude: Type.Number({ minimum: -180, maximum: 180 }),
  },
  { additionalProperties: false },
);
export type Position = Static<typeof PositionSchema>;

/** ISO 3166-1 alpha-2, upper case; the service also checks that the code is an assigned country. */
export const CountryCode = Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2 country code, e.g. DE' });

const addressFields = {
  recipient: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
  phone: Type.String({ pattern: '^\\+?[0-9][0-9 ().-]{3,30}[0-9]$', description: 'digits, optionally +, spaces, dashes, dots and brackets' }),
  line1: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S', description: 'street and number' }),
  line2: Type.Optional(Type.String({ maxLength: 200, description: 'flat, floor, c/o' })),
  city: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
  postalCode: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9 -]{0,14}$' }),
  country: CountryCode,
  position: Type.Optional(Type.Union([PositionSchema, Type.Null()], { description: 'when the widget or the host shares one; needed for distance-based delivery' })),
};

/** An address as a shopper types it, for the address book or inline at checkout. */
export const AddressInputBody = Type.Object(addressFields, { additionalProperties: false });
export type AddressInput = Static<typeof AddressInputBody>;

export const AddressUpdateBody = Type.Partial(AddressInputBody, { additionalProperties: false, minProperties: 1 });
export type AddressUpdateInput = Static<typeof AddressUpdateBody>;

/** The address as it is stored on an order: a copy, so later edits of the book do not change it. */
export const AddressSnapshotBody = Type.Object(
  {
    recipient: Type.String(),
    phone: Type.String(),
    line1: Type.String(),
    line2: Type.String(),
    city: Type.String(),
    postalCode: Type.String(),
    country: Type.String(),
    position: Type.Union([PositionSchema, Type.Null()]),
  },
  { additionalProperties: false },
);
export type AddressSnapshot = Static<typeof AddressSnapshotBody>;

export const AddressBody = Type.Object(
  { id: Uuid, ...AddressSnapshotBody.properties, createdAt: Timestamp, updatedAt: Timestamp },
  { $id: 'Address', additionalProperties: false },
);
export type Address = Static<typeof AddressBody> & { shopperId: string };

export const AddressList = Type.Object({ items: Type.Array(AddressBody) }, { additionalProperties: false });

/**
 * The delivery fee, computed by the server: one flat amount, or by distance from the shop. The members
 * do not forbid other properties because the body validator strips them (removeAdditional) while it
 * tries the first member, which would break the second; the shops service keeps only the known ones.
 */
export const DeliveryFeeRuleSchema = Type.Union([
  Type.Object({ kind: Type.Literal('flat'), feeMinor: AmountMinor }),
  Type.Object({
    kind: Type.Literal('distance_bands'),
    bands: Type.Array(
      Type.Object({ upToMeters: Type.Integer({ minimum: 1, maximum: 20_000_000 }), feeMinor: AmountMinor }, { additionalProperties: false }),
      { minItems: 1, maxItems: 20, description: 'ascending by upToMeters; an address beyond the last band is outside the area' },
    ),
  }),
]);
export type DeliveryFeeRule = Static<typeof DeliveryFeeRuleSchema>;

export const DeliveryAreaSchema = Type.Object(
  {
    maxDistanceMeters: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 20_000_000 }), Type.Null()], { description: 'from the shop position, as the crow flies' })),
    countries: Type.Optional(Type.Array(CountryCode, { maxItems: 250, uniqueItems: true, description: 'empty or absent: any country' })),
    postalCodePrefixes: Type.Optional(
      Type.Array(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9 -]{0,14}$' }), { maxItems: 500, uniqueItems: true, description: 'empty or absent: any postal code' }),
    ),
  },
  { additionalProperties: false },
);
export type DeliveryArea = Static<typeof DeliveryAreaSchema>;

export const DeliverySettingsSchema = Type.Object(
  {
    fee: DeliveryFeeRuleSchema,
    freeFromSubtotalMinor: Type.Optional(Type.Union([AmountMinor, Type.Null()], { description: 'delivery is free when the goods come to at least this' })),
    area: Type.Optional(DeliveryAreaSchema),
  },
  { additionalProperties: false },
);
export type DeliverySettings = Static<typeof DeliverySettingsSchema>;

/** What a shop offers and how it delivers; part of the shop's admin body. */
export const shopFulfilmentProperties = {
  fulfilmentMethods: Type.Array(FulfilmentMethodSchema, { minItems: 1, maxItems: 3, uniqueItems: true }),
  position: Type.Union([PositionSchema, Type.Null()], { description: "the shop's position: the origin of delivery distances" }),
  delivery: Type.Union([DeliverySettingsSchema, Type.Null()], { description: 'required when the shop offers delivery' }),
};

/** What checkout takes about where the order goes. */
export const checkoutFulfilmentProperties = {
  fulfilmentMethod: Type.Optional(
    Type.Union(FULFILMENT_METHODS.map((method) => Type.Literal(method)), {
      description:
        'absent: table when tableToken is sent, delivery when an address is, otherwise pickup if the shop offers it (docs/orders.md §10)',
    }),
  ),
  addressId: Type.Optional(Type.String({ format: 'uuid', description: "an entry of the shopper's address book (delivery)" })),
  address: Type.Optional(AddressInputBody),
  tableToken: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: "the signed token of the table's QR code (table service)" })),
};

/** A delivery quote: what checkout would charge for delivery to this address, before any order exists. */
export const DeliveryQuoteBody = Type.Object(
  {
    addressId: checkoutFulfilmentProperties.addressId,
    address: checkoutFulfilmentProperties.address,
    subtotalMinor: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'the goods, to apply the free-delivery threshold; default 0' })),
  },
  { additionalProperties: false },
);
export type DeliveryQuoteInput = Static<typeof DeliveryQuoteBody>;

export const DeliveryQuoteAnswer = Type.Object(
  {
    deliveryFeeMinor: Type.Integer({ minimum: 0, description: 'the fee checkout would charge for this subtotal' }),
    baseFeeMinor: Type.Integer({ minimum: 0, description: 'the fee before the free-delivery threshold' }),
    freeFromSubtotalMinor: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
    distanceMeters: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'from the shop, when its rules go by distance' }),
  },
  { additionalProperties: false },
);
export type DeliveryQuote = Static<typeof DeliveryQuoteAnswer>;
