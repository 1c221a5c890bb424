import { describe, expect, it } from 'vitest';
import { deliveryFeeMinor, distanceMeters, normalisePostalCode, placeInDeliveryArea } from './delivery-area.ts';
import type { DeliverySettings } from './fulfilment.schemas.ts';

const shop = { latitude: 52.52, longitude: 13.405 };
/** A point `meters` north of the shop: one degree of latitude is 111,195 m on the mean sphere. */
const north = (meters: number) => ({ latitude: shop.latitude + meters / 111_195.08, longitude: shop.longitude });
const destination = (meters: number | null, overrides: Partial<{ country: string; postalCode: string }> = {}) => ({
  country: 'DE',
  postalCode: '10115',
  position: meters === null ? null : north(meters),
  ...overrides,
});

const bands: DeliverySettings = {
  fee: { kind: 'distance_bands', bands: [{ upToMeters: 2_000, feeMinor: 300 }, { upToMeters: 5_000, feeMinor: 600 }] },
};

describe('distanceMeters (haversine)', () => {
  it('measures one degree of latitude as 111,195 m and Berlin to Paris as about 878 km', () => {
    expect(distanceMeters({ latitude: 0, longitude: 0 }, { latitude: 1, longitude: 0 })).toBe(111_195);
    const berlinToParis = distanceMeters(shop, { latitude: 48.8566, longitude: 2.3522 });
    expect(berlinToParis).toBeGreaterThan(876_000);
    expect(berlinToParis).toBeLessThan(880_000);
  });

  it('is zero for the same point and symmetric', () => {
    expect(distanceMeters(shop, shop)).toBe(0);
    const there = { latitude: -33.86, longitude: 151.21 };
    expect(distanceMeters(shop, there)).toBe(distanceMeters(there, shop));
  });
});

describe('placeInDeliveryArea', () => {
  it('picks the first distance band that reaches the address, boundary included', () => {
    expect(placeInDeliveryArea(bands, shop, destination(1_000))).toEqual({ inArea: true, distanceMeters: 1_000, baseFeeMinor: 300 });
    expect(placeInDeliveryArea(bands, shop, destination(2_000))).toMatchObject({ inArea: true, baseFeeMinor: 300 });
    expect(placeInDeliveryArea(bands, shop, destination(2_001))).toMatchObject({ inArea: true, baseFeeMinor: 600 });
  });

  it('puts an address beyond the farthest band outside the area', () => {
    expect(placeInDeliveryArea(bands, shop, destination(5_001))).toEqual({ inArea: false, reason: expect.stringMatching(/farthest band reaches 5000 m/) });
  });

  it('refuses distance-based delivery to an address without a position', () => {
    expect(placeInDeliveryArea(bands, shop, destination(null))).toEqual({ inArea: false, reason: expect.stringMatching(/needs a position/) });
  });

  it('charges a flat fee anywhere inside a maximum distance, and nothing outside it', () => {
    const flat: DeliverySettings = { fee: { kind: 'flat', feeMinor: 450 }, area: { maxDistanceMeters: 3_000 } };
    expect(placeInDeliveryArea(flat, shop, destination(2_999))).toEqual({ inArea: true, distanceMeters: 2_999, baseFeeMinor: 450 });
    expect(placeInDeliveryArea(flat, shop, destination(3_001))).toMatchObject({ inArea: false, reason: expect.stringMatching(/3001 m from the shop, the limit is 3000 m/) });
  });

  it('needs no position for a flat fee without a distance limit', () => {
    const flat: DeliverySettings = { fee: { kind: 'flat', feeMinor: 450 } };
    expect(placeInDeliveryArea(flat, null, destination(null))).toEqual({ inArea: true, distanceMeters: null, baseFeeMinor: 450 });
  });

  it('limits the area to countries and postal-code prefixes, ignoring case, spaces and dashes', () => {
    const area: DeliverySettings = { fee: { kind: 'flat', feeMinor: 450 }, area: { countries: ['GB'], postalCodePrefixes: ['SW1A', 'ec-1'] } };
    expect(placeInDeliveryArea(area, null, destination(null, { country: 'DE' }))).toMatchObject({ inArea: false, reason: expect.stringMatching(/delivers to GB/) });
    expect(placeInDeliveryArea(area, null, destination(null, { country: 'GB', postalCode: 'sw1a 1aa' }))).toMatchObject({ inArea: true });
    expect(placeInDeliveryArea(area, null, destination(null, { country: 'GB', postalCode: 'EC1A 1BB' }))).toMatchObject({ inArea: true });
    expect(placeInDeliveryArea(area, null, destination(null, { country: 'GB', postalCode: 'N1 9GU' }))).toMatchObject({ inArea: false, reason: expect.stringMatching(/postal code/) });
    expect(normalisePostalCode('ec-1a 1bb')).toBe('EC1A1BB');
  });
});

describe('deliveryFeeMinor', () => {
  const threshold: DeliverySettings = { fee: { kind: 'flat', feeMinor: 450 }, freeFromSubtotalMinor: 5_000 };

  it('waives the fee when the goods reach the free-delivery threshold, and only then', () => {
    expect(deliveryFeeMinor(threshold, 450, 4_999)).toBe(450);
    expect(deliveryFeeMinor(threshold, 450, 5_000)).toBe(0);
    expect(deliveryFeeMinor({ fee: { kind: 'flat', feeMinor: 450 } }, 450, 1_000_000)).toBe(450);
  });
});
