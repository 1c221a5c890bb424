import type { MerchantActor, ShopperActor } from '../../actor.ts';
import type { Config } from '../../config.ts';
import type { Database } from '../../database.ts';
import { DomainError } from '../../errors.ts';
import type { Order } from '../orders/order.entity.ts';
import { findOrder, type OrderWithLines } from '../orders/order-reads.ts';
import { OrderNotFoundError, PaymentWindowClosedError } from '../orders/orders.errors.ts';
import type { OrdersService } from '../orders/orders.service.ts';
import { renderQrImage, type QrImageFormat } from '../qr/qr-render.ts';
import type { QrService, RenderedQrCode } from '../qr/qr.service.ts';
import { OrderNotAwaitingPaymentError, QrOtherShopError } from './qr-payments.errors.ts';
import type { OrderPaymentQr, ScannedCodeInput } from './qr-payments.schemas.ts';
import { tokenFromScan } from './scanned-code.ts';

type OrderScope = { merchantId: string } | { shopperId: string };

/**
 * QR flow 2: a dynamic code for one unpaid order, signed with the order's payment deadline as its expiry.
 * The console (or the widget) shows it; the order's shopper scans it in the widget of the same shop and
 * pays it from their wallet through the orders module's own payment, so the rules of paying stay there.
 */
export class OrderCodesService {
  constructor(
    private readonly dependencies: { database: Database; qr: QrService; orders: OrdersService; config: Pick<Config, 'http'> },
    private readonly clock: () => number = Date.now,
  ) {}

  async forShopper(actor: ShopperActor, orderId: string): Promise<OrderPaymentQr> {
    return (await this.codeOf(orderId, { shopperId: actor.shopperId })).code;
  }

  async forMerchant(actor: MerchantActor, orderId: string): Promise<OrderPaymentQr> {
    return (await this.codeOf(orderId, { merchantId: actor.merchantId })).code;
  }

  renderForShopper(actor: ShopperActor, orderId: string, options: { format: QrImageFormat; sizePx: number }): Promise<RenderedQrCode> {
    return this.render(orderId, { shopperId: actor.shopperId }, options);
  }

  renderForMerchant(actor: MerchantActor, orderId: string, options: { format: QrImageFormat; sizePx: number }): Promise<RenderedQrCode> {
    return this.render(orderId, { merchantId: actor.merchantId }, options);
  }

  /**
   * Pays the order a scanned code names, from the scanning shopper's wallet. The code must be valid
   * (signature, type, expiry), of the shop whose widget scanned it, and of an order of this shopper that
   * still awaits payment: a code scanned again after paying is refused, and nothing moves twice.
   */
  async pay(actor: ShopperActor, input: ScannedCodeInput & { shopSlug: string }): Promise<OrderWithLines> {
    const { qr, database, orders, config } = this.dependencies;
    const payload = qr.verify(tokenFromScan(input.token, config.http.publicUrl), { expectedType: 'order' });
    const { rows } = await database.pool.query<{ id: string; merchantId: string }>(`select id, merchant_id as "merchantId" from shop where slug = $1 and status = 'open'`, [
      input.shopSlug,
    ]);
    const shop = rows[0];
    if (!shop) throw new DomainError('not_found', 'shop_not_found', `No open shop at "${input.shopSlug}".`);
    if (payload.shopId !== shop.id || payload.merchantId !== shop.merchantId) throw new QrOtherShopError();
    const order = await findOrder(database.pool, payload.orderId, { shopperId: actor.shopperId });
    if (!order) throw new OrderNotFoundError(payload.orderId);
    if (order.status !== 'pending_payment') throw new OrderNotAwaitingPaymentError(order.status);
    return orders.pay(actor, order.id, { method: 'wallet' });
  }

  private async codeOf(orderId: string, scope: OrderScope): Promise<{ order: Order; code: OrderPaymentQr }> {
    const order = await findOrder(this.dependencies.database.pool, orderId, scope);
    if (!order) throw new OrderNotFoundError(orderId);
    return { order, code: this.sign(order) };
  }

  private async render(orderId: string, scope: OrderScope, options: { format: QrImageFormat; sizePx: number }): Promise<RenderedQrCode> {
    const { order, code } = await this.codeOf(orderId, scope);
    const image = await renderQrImage(code.url, options.format, options.sizePx);
    return { ...image, filename: `order-${order.number}-payment.${options.format}`, url: code.url };
  }

  private sign(order: Order): OrderPaymentQr {
    if (order.status !== 'pending_payment') throw new OrderNotAwaitingPaymentError(order.status);
    const expiresAtSeconds = Math.floor(order.paymentDueAt.getTime() / 1000);
    if (expiresAtSeconds <= Math.floor(this.clock() / 1000)) throw new PaymentWindowClosedError();
    const { qr } = this.dependencies;
    const token = qr.sign({ type: 'order', merchantId: order.merchantId, shopId: order.shopId, orderId: order.id, expiresAtSeconds });
    return { orderId: order.id, token, url: qr.linkFor(token), expiresAt: new Date(expiresAtSeconds * 1000) };
  }
}
