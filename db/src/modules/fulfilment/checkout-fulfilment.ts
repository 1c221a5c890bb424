import { ValidationError } from '../../errors.ts';
import type { QrService } from '../qr/qr.service.ts';
import { addressSnapshot } from './address-book.service.ts';
import { deliveryFeeMinor, placeInDeliveryArea } from './delivery-area.ts';
import { FulfilmentMethodNotOfferedError, InvalidTableTokenError, OutsideDeliveryAreaError } from './fulfilment.errors.ts';
import type { AddressInput, AddressSnapshot, FulfilmentMethod } from './fulfilment.schemas.ts';
import type { ShopFulfilmentSettings } from './shop-fulfilment-settings.ts';

/** What checkout was asked, about where the order goes, as it is stored for the idempotency check. */
export type FulfilmentRequest = {
  fulfilmentMethod?: FulfilmentMethod;
  addressId?: string;
  address?: AddressInput;
  tableToken?: string;
};

/** The request checked before the transaction: the inline address normalised, the table token verified. */
export interface CheckedFulfilmentRequest {
  /** Null: the shop decides (pickup if it offers it). */
  method: FulfilmentMethod | null;
  addressId: string | null;
  address: AddressSnapshot | null;
  table: { merchantId: string; shopId: string; label: string } | null;
}

/** Where the order goes, decided inside checkout's transaction. */
export interface Fulfilment {
  method: FulfilmentMethod;
  address: AddressSnapshot | null;
  /** The field the address came from, to name it in a refusal. */
  addressField: 'address' | 'addressId' | null;
  tableLabel: string | null;
  distanceMeters: number | null;
  /** The delivery fee before the free-delivery threshold (0 unless delivery). */
  baseFeeMinor: number;
}

export type ShopForFulfilment = ShopFulfilmentSettings & { id: string; merchantId: string };

/**
 * Checks what needs no database, before checkout opens its transaction: which inputs go together, the
 * inline address (its country), and the table token's signature (HMAC, in process). The method, when
 * absent, follows from what was sent: a table token means table service, an address delivery.
 */
export function checkFulfilmentRequest(request: FulfilmentRequest, qr: Pick<QrService, 'verify'>): CheckedFulfilmentRequest {
  if (request.addressId !== undefined && request.address !== undefined) throw new ValidationError({ address: 'send addressId or address, not both' });
  const hasAddress = request.addressId !== undefined || request.address !== undefined;
  const method = request.fulfilmentMethod ?? (request.tableToken !== undefined ? 'table' : hasAddress ? 'delivery' : null);
  if (method === 'delivery' && !hasAddress) throw new ValidationError({ addressId: 'is required for delivery (or send an address)' });
  if (method !== 'delivery' && hasAddress) {
    throw new ValidationError({ [request.addressId !== undefined ? 'addressId' : 'address']: `is only for delivery, not ${method}` });
  }
  if (method === 'table' && request.tableToken === undefined) throw new ValidationError({ tableToken: "is required for table service: scan the table's QR code" });
  if (method !== 'table' && request.tableToken !== undefined) throw new ValidationError({ tableToken: `is only for table service, not ${method ?? 'pickup'}` });

  let table: CheckedFulfilmentRequest['table'] = null;
  if (request.tableToken !== undefined) {
    try {
      const payload = qr.verify(request.tableToken, { expectedType: 'table' });
      table = { merchantId: payload.merchantId, shopId: payload.shopId, label: payload.table };
    } catch (error) {
      throw InvalidTableTokenError.from(error);
    }
  }
  return {
    method,
    addressId: request.addressId ?? null,
    address: request.address ? addressSnapshot(request.address, 'address.') : null,
    table,
  };
}

/**
 * Decides where the order goes against what the shop offers: the default method, the method offered,
 * the table of this shop, the saved address found, the address inside the delivery area. Called with
 * the shop and saved address that checkout's first statement read; throws before anything is reserved.
 */
export function resolveFulfilment(shop: ShopForFulfilment, request: CheckedFulfilmentRequest, savedAddress: AddressSnapshot | null): Fulfilment {
  const offered = shop.fulfilmentMethods;
  let method = request.method;
  if (method === null) {
    if (!offered.includes('pickup')) throw new ValidationError({ fulfilmentMethod: `is required: this shop offers ${offered.join(', ')}` });
    method = 'pickup';
  }
  if (!offered.includes(method)) throw new FulfilmentMethodNotOfferedError(method, offered);

  if (method === 'table') {
    const table = request.table as NonNullable<CheckedFulfilmentRequest['table']>;
    if (table.shopId !== shop.id || table.merchantId !== shop.merchantId) throw new InvalidTableTokenError("is another shop's table");
    return { method, address: null, addressField: null, tableLabel: table.label, distanceMeters: null, baseFeeMinor: 0 };
  }
  if (method === 'pickup') return { method, address: null, addressField: null, tableLabel: null, distanceMeters: null, baseFeeMinor: 0 };

  const addressField = request.addressId !== null ? 'addressId' : 'address';
  const address = request.addressId !== null ? savedAddress : request.address;
  if (!address) throw new ValidationError({ addressId: 'is not in your address book' }, 'address_not_found');
  const settings = shop.delivery;
  if (!settings) throw new FulfilmentMethodNotOfferedError(method, offered.filter((offer) => offer !== 'delivery'));
  const placement = placeInDeliveryArea(settings, shop.position, address);
  if (!placement.inArea) throw new OutsideDeliveryAreaError(addressField, placement.reason);
  return { method, address, addressField, tableLabel: null, distanceMeters: placement.distanceMeters, baseFeeMinor: placement.baseFeeMinor };
}

/** The fee the shopper pays for this fulfilment, once the goods' subtotal is known. */
export function fulfilmentFeeMinor(shop: ShopForFulfilment, fulfilment: Fulfilment, subtotalMinor: number): number {
  if (fulfilment.method !== 'delivery' || !shop.delivery) return 0;
  return deliveryFeeMinor(shop.delivery, fulfilment.baseFeeMinor, subtotalMinor);
}
