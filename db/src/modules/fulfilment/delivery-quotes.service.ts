import type { ShopperActor } from '../../actor.ts';
import type { Database } from '../../database.ts';
import { CheckoutShopNotFoundError } from '../orders/orders.errors.ts';
import { addressSnapshotJsonSql } from './address-book.service.ts';
import { checkFulfilmentRequest, fulfilmentFeeMinor, resolveFulfilment, type ShopForFulfilment } from './checkout-fulfilment.ts';
import type { AddressSnapshot, DeliveryQuote, DeliveryQuoteInput } from './fulfilment.schemas.ts';

/** A quote is for delivery, so it never has a table token to verify. */
const NO_TABLE_TOKENS = {
  verify(): never {
    throw new TypeError('a delivery quote has no table token');
  },
};

/**
 * What delivery to an address would cost, by the same rules checkout applies, so the widget can show it
 * while the shopper chooses. A quote only: checkout computes the fee again from the goods it reserves.
 */
export class DeliveryQuotesService {
  constructor(private readonly database: Database) {}

  async quote(actor: ShopperActor, shopSlug: string, input: DeliveryQuoteInput): Promise<DeliveryQuote> {
    const request = checkFulfilmentRequest(
      { fulfilmentMethod: 'delivery', ...(input.addressId !== undefined ? { addressId: input.addressId } : {}), ...(input.address !== undefined ? { address: input.address } : {}) },
      NO_TABLE_TOKENS,
    );
    const { rows } = await this.database.pool.query<ShopForFulfilment & { savedAddress: AddressSnapshot | null }>(
      `select shop.id, shop.merchant_id as "merchantId", shop.fulfilment_methods as "fulfilmentMethods", shop.position, shop.delivery,
              (select ${addressSnapshotJsonSql('address')} from shopper_address address where address.id = $2 and address.shopper_id = $3) as "savedAddress"
         from shop where shop.slug = $1 and shop.status = 'open'`,
      [shopSlug, request.addressId, actor.shopperId],
    );
    const shop = rows[0];
    if (!shop) throw new CheckoutShopNotFoundError(shopSlug);
    const fulfilment = resolveFulfilment(shop, request, shop.savedAddress);
    return {
      deliveryFeeMinor: fulfilmentFeeMinor(shop, fulfilment, input.subtotalMinor ?? 0),
      baseFeeMinor: fulfilment.baseFeeMinor,
      freeFromSubtotalMinor: shop.delivery?.freeFromSubtotalMinor ?? null,
      distanceMeters: fulfilment.distanceMeters,
    };
  }
}
