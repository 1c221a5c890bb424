import type { DeliverySettings, Position } from './fulfilment.schemas.ts';

/** The mean Earth radius (IUGG), in meters: haversine distances are good to about 0.5 %, plenty for fees. */
const EARTH_RADIUS_METERS = 6_371_008.8;

/** Great-circle distance between two points by the haversine formula, in whole meters. */
export function distanceMeters(from: Position, to: Position): number {
  const radians = (degrees: number) => (degrees * Math.PI) / 180;
  const latitudeDelta = radians(to.latitude - from.latitude);
  const longitudeDelta = radians(to.longitude - from.longitude);
  const a = Math.sin(latitudeDelta / 2) ** 2 + Math.cos(radians(from.latitude)) * Math.cos(radians(to.latitude)) * Math.sin(longitudeDelta / 2) ** 2;
  return Math.round(2 * EARTH_RADIUS_METERS * Math.asin(Math.min(1, Math.sqrt(a))));
}

/** Postal codes compared without case, spaces or dashes, so "sw1a 1aa" starts with "SW1A". */
export function normalisePostalCode(postalCode: string): string {
  return postalCode.toUpperCase().replace(/[\s-]/g, '');
}

/** What the area and fee rules need to know about an address. */
export interface DeliveryDestination {
  country: string;
  postalCode: string;
  position: Position | null;
}

export type DeliveryPlacement =
  | { inArea: true; distanceMeters: number | null; baseFeeMinor: number }
  | { inArea: false; reason: string };

/** Whether these rules need the distance from the shop: distance bands or a maximum distance. */
export function needsDistance(settings: DeliverySettings): boolean {
  return settings.fee.kind === 'distance_bands' || typeof settings.area?.maxDistanceMeters === 'number';
}

/**
 * Where a destination stands against a shop's delivery rules: outside the area (and why, in words a
 * shopper understands), or inside with its distance and the fee before any free-delivery threshold.
 * Countries, then postal codes, then distance; beyond the last distance band is outside the area.
 */
export function placeInDeliveryArea(settings: DeliverySettings, shopPosition: Position | null, destination: DeliveryDestination): DeliveryPlacement {
  const area = settings.area ?? {};
  if (area.countries?.length && !area.countries.includes(destination.country)) {
    return { inArea: false, reason: `is outside the delivery area: this shop delivers to ${area.countries.join(', ')}` };
  }
  if (area.postalCodePrefixes?.length) {
    const postalCode = normalisePostalCode(destination.postalCode);
    if (!area.postalCodePrefixes.some((prefix) => postalCode.startsWith(normalisePostalCode(prefix)))) {
      return { inArea: false, reason: 'is outside the delivery area: this shop does not deliver to that postal code' };
    }
  }
  let distance: number | null = null;
  if (needsDistance(settings)) {
    if (!destination.position) return { inArea: false, reason: 'needs a position (latitude, longitude): this shop delivers by distance' };
    if (!shopPosition) return { inArea: false, reason: 'cannot be checked: the shop has not set its position' };
    distance = distanceMeters(shopPosition, destination.position);
    if (typeof area.maxDistanceMeters === 'number' && distance > area.maxDistanceMeters) {
      return { inArea: false, reason: `is outside the delivery area: ${distance} m from the shop, the limit is ${area.maxDistanceMeters} m` };
    }
  }
  if (settings.fee.kind === 'flat') return { inArea: true, distanceMeters: distance, baseFeeMinor: settings.fee.feeMinor };
  const band = settings.fee.bands.find((candidate) => (distance as number) <= candidate.upToMeters);
  if (!band) {
    const farthest = settings.fee.bands[settings.fee.bands.length - 1]?.upToMeters;
    return { inArea: false, reason: `is outside the delivery area: ${distance} m from the shop, the farthest band reaches ${farthest} m` };
  }
  return { inArea: true, distanceMeters: distance, baseFeeMinor: band.feeMinor };
}

/** The fee charged: the band's or flat fee, or nothing when the goods reach the free-delivery threshold. */
export function deliveryFeeMinor(settings: DeliverySettings, baseFeeMinor: number, subtotalMinor: number): number {
  const freeFrom = settings.freeFromSubtotalMinor;
  return typeof freeFrom === 'number' && subtotalMinor >= freeFrom ? 0 : baseFeeMinor;
}
