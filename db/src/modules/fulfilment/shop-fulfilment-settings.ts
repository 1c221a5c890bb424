import { ValidationError } from '../../errors.ts';
import { isCountryCode } from './countries.ts';
import { needsDistance } from './delivery-area.ts';
import type { DeliverySettings, FulfilmentMethod, Position } from './fulfilment.schemas.ts';

/** What a shop offers and how it delivers (columns of `shop`). */
export interface ShopFulfilmentSettings {
  fulfilmentMethods: FulfilmentMethod[];
  position: Position | null;
  delivery: DeliverySettings | null;
}

/** The settings with only the properties the schema names (see DeliveryFeeRuleSchema for why). */
export function cleanDeliverySettings(delivery: DeliverySettings | null): DeliverySettings | null {
  if (!delivery) return null;
  const fee: DeliverySettings['fee'] =
    delivery.fee.kind === 'flat'
      ? { kind: 'flat', feeMinor: delivery.fee.feeMinor }
      : { kind: 'distance_bands', bands: delivery.fee.bands.map((band) => ({ upToMeters: band.upToMeters, feeMinor: band.feeMinor })) };
  return {
    fee,
    ...(delivery.freeFromSubtotalMinor !== undefined ? { freeFromSubtotalMinor: delivery.freeFromSubtotalMinor } : {}),
    ...(delivery.area !== undefined ? { area: delivery.area } : {}),
  };
}

/**
 * The rules the schema cannot say, checked on the shop as it would be after the change, so that every
 * offending field is named at once: delivery needs rules, distance rules need the shop's position,
 * bands ascend, countries exist.
 */
export function assertShopFulfilmentSettings(settings: ShopFulfilmentSettings): void {
  const errors: Record<string, string> = {};
  if (settings.fulfilmentMethods.includes('delivery') && !settings.delivery) errors.delivery = 'is required when fulfilmentMethods includes delivery';
  const delivery = settings.delivery;
  if (delivery) {
    if (needsDistance(delivery) && !settings.position) errors.position = 'is required: the delivery rules go by distance from the shop';
    if (delivery.fee.kind === 'distance_bands') {
      const bands = delivery.fee.bands;
      if (bands.some((band, index) => index > 0 && band.upToMeters <= (bands[index - 1] as { upToMeters: number }).upToMeters)) {
        errors['delivery.fee.bands'] = 'must ascend by upToMeters, each band farther than the one before';
      }
    }
    const unknown = (delivery.area?.countries ?? []).filter((code) => !isCountryCode(code));
    if (unknown.length) errors['delivery.area.countries'] = `are not ISO 3166-1 alpha-2 countries: ${unknown.join(', ')}`;
  }
  if (Object.keys(errors).length) throw new ValidationError(errors);
}
