import type { ShopperActor } from '../../actor.ts';
import type { Database } from '../../database.ts';
import { DomainError } from '../../errors.ts';
import { renderQrImage, type QrImageFormat } from '../qr/qr-render.ts';
import type { QrService, RenderedQrCode } from '../qr/qr.service.ts';
import { QrOtherShopperError } from './qr-payments.errors.ts';
import { PAYMENT_CODE_LIFETIME_SECONDS, PAYMENT_CODE_REFRESH_SECONDS, type PaymentCode } from './qr-payments.schemas.ts';

/**
 * QR flow 3, the shopper's side: a payment code for one shop, signed with the shopper, the shop and a
 * random nonce, valid once for a minute. The widget asks for a fresh one every PAYMENT_CODE_REFRESH_SECONDS.
 * Codes are stateless until a merchant charges one (PaymentCodeChargesService), so issuing costs no write.
 */
export class PaymentCodesService {
  constructor(
    private readonly dependencies: { database: Database; qr: QrService },
    private readonly clock: () => number = Date.now,
  ) {}

  async issue(actor: ShopperActor, input: { shopSlug: string }): Promise<PaymentCode> {
    const { rows } = await this.dependencies.database.pool.query<{ id: string; merchantId: string }>(
      `select id, merchant_id as "merchantId" from shop where slug = $1 and status = 'open'`,
      [input.shopSlug],
    );
    const shop = rows[0];
    if (!shop) throw new DomainError('not_found', 'shop_not_found', `No open shop at "${input.shopSlug}".`);
    const issuedAtSeconds = Math.floor(this.clock() / 1000);
    const expiresAtSeconds = issuedAtSeconds + PAYMENT_CODE_LIFETIME_SECONDS;
    const token = this.dependencies.qr.sign({ type: 'payment_code', shopperId: actor.shopperId, merchantId: shop.merchantId, shopId: shop.id, issuedAtSeconds, expiresAtSeconds });
    return {
      token,
      shopSlug: input.shopSlug,
      issuedAt: new Date(issuedAtSeconds * 1000),
      expiresAt: new Date(expiresAtSeconds * 1000),
      refreshAfterSeconds: PAYMENT_CODE_REFRESH_SECONDS,
    };
  }

  /**
   * Draws one of the shopper's own live codes. The image holds the bare token, not a link: a payment code
   * is a bearer instrument, and a stranger's phone camera should open nothing with it.
   */
  async render(actor: ShopperActor, token: string, options: { format: QrImageFormat; sizePx: number }): Promise<RenderedQrCode> {
    const payload = this.dependencies.qr.verify(token, { expectedType: 'payment_code' });
    if (payload.shopperId !== actor.shopperId) throw new QrOtherShopperError();
    const image = await renderQrImage(token, options.format, options.sizePx);
    return { ...image, filename: `payment-code.${options.format}`, url: token };
  }
}
