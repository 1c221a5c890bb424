import type { MerchantActor, ShopperActor } from '../../actor.ts';
import type { Config } from '../../config.ts';
import type { Database } from '../../database.ts';
import type { ListPage, ListQuery } from '../../list-query.ts';
import { withPoolTransaction } from '../../pool-transaction.ts';
import type { ServiceLogger } from '../../service-logger.ts';
import type { QrService } from '../qr/qr.service.ts';
import { CheckoutService, type CheckoutResult } from './checkout.service.ts';
import type { Order } from './order.entity.ts';
import { cancelLockedOrder } from './order-cancellation.ts';
import { OrderFulfilmentService } from './order-fulfilment.service.ts';
import type { OrderLedger } from './order-ledger.ts';
import { OrderPaymentService } from './order-payment.service.ts';
import { OrderQueriesService } from './order-queries.service.ts';
import type { OrderWithHistory, OrderWithLines } from './order-reads.ts';
import { lockOrder } from './order-records.ts';
import { OrderRefundsService, type CardRefunder } from './order-refunds.service.ts';
import { InvalidOrderTransitionError, OrderNotFoundError } from './orders.errors.ts';
import type { CheckoutInput, NoteInput, OrderListFilterInput, PayInput, RefundCreateInput, ShipInput, StoreOrderListInput } from './orders.schemas.ts';

export interface OrdersServiceDependencies {
  database: Database;
  config: Pick<Config, 'orders'>;
  ledger: OrderLedger;
  /** Verifies the signed table tokens of table service at checkout. */
  qr: Pick<QrService, 'verify'>;
  /** The card processor, once payments are wired; null leaves card refunds pending (their job retries). */
  cardRefunder?: () => CardRefunder | null;
  logger?: ServiceLogger;
  /** Ships an order as one shipment (the shipments module, docs/delivery.md); the ship verb hands over to it. */
  shipper: OrderShipper;
}

export interface OrderShipper {
  shipOrder(actor: MerchantActor, id: string, input: ShipInput): Promise<void>;
}

/**
 * The orders module's verbs, one entry point for routes and job processors: place, pay, cancel, pack,
 * ship, refund, expire. Each verb lives in a file of its own; this class only routes to them.
 */
export class OrdersService {
  private readonly checkout: CheckoutService;
  private readonly queries: OrderQueriesService;
  private readonly fulfilment: OrderFulfilmentService;
  private readonly payments: OrderPaymentService;
  private readonly refunds: OrderRefundsService;

  constructor(private readonly dependencies: OrdersServiceDependencies) {
    this.checkout = new CheckoutService(dependencies.database, dependencies.config, dependencies.qr);
    this.queries = new OrderQueriesService(dependencies.database);
    this.fulfilment = new OrderFulfilmentService(dependencies.database);
    this.payments = new OrderPaymentService(dependencies.database, dependencies.ledger);
    this.refunds = new OrderRefundsService(dependencies.database, dependencies.ledger, dependencies.cardRefunder ?? (() => null), dependencies.logger);
  }

  // Shoppers

  place(actor: ShopperActor, input: CheckoutInput & { shopSlug: string; idempotencyKey?: string | undefined }): Promise<CheckoutResult> {
    return this.checkout.place(actor, input);
  }

  listForShopper(actor: ShopperActor, input: StoreOrderListInput) {
    return this.queries.listForShopper(actor, input);
  }

  getForShopper(actor: ShopperActor, id: string): Promise<OrderWithLines> {
    return this.queries.getForShopper(actor, id);
  }

  pay(actor: ShopperActor, id: string, _input: PayInput): Promise<OrderWithLines> {
    return this.payments.payByWallet(actor, id);
  }

  /** A shopper may cancel until the merchant packs the order; a paid order is refunded. */
  async cancelByShopper(actor: ShopperActor, id: string): Promise<OrderWithLines> {
    await withPoolTransaction(this.dependencies.database.pool, async (client) => {
      const order = await lockOrder(client, id, { shopperId: actor.shopperId });
      if (!order) throw new OrderNotFoundError(id);
      if (order.packedAt) throw new InvalidOrderTransitionError(order.status, 'cancelled', 'the merchant has packed it; ask the shop');
      return cancelLockedOrder(client, order, actor, { reason: 'shopper', note: '', refundRemaining: this.refunds.refundRemaining });
    });
    return this.queries.getForShopper(actor, id);
  }

  // Merchants

  list(actor: MerchantActor, query: ListQuery<OrderListFilterInput>): Promise<ListPage<Order>> {
    return this.queries.list(actor, query);
  }

  get(actor: MerchantActor, id: string): Promise<OrderWithHistory> {
    return this.queries.get(actor, id);
  }

  async pack(actor: MerchantActor, id: string, input: NoteInput): Promise<OrderWithHistory> {
    await this.fulfilment.pack(actor, id, input);
    return this.queries.get(actor, id);
  }

  /** Ships everything left in one shipment that has left the shop (docs/delivery.md §2). */
  async ship(actor: MerchantActor, id: string, input: ShipInput): Promise<OrderWithHistory> {
    await this.dependencies.shipper.shipOrder(actor, id, input);
    return this.queries.get(actor, id);
  }

  /** Handed over (pickup, table) or delivered by the merchant's own means. */
  async deliver(actor: MerchantActor, id: string, input: NoteInput): Promise<OrderWithHistory> {
    await this.fulfilment.deliver(actor, id, input);
    return this.queries.get(actor, id);
  }

  /** A merchant may cancel until the order ships; a paid order is refunded in full and restocked. */
  async cancelByMerchant(actor: MerchantActor, id: string, input: NoteInput): Promise<OrderWithHistory> {
    await withPoolTransaction(this.dependencies.database.pool, async (client) => {
      const order = await lockOrder(client, id, { merchantId: actor.merchantId });
      if (!order) throw new OrderNotFoundError(id);
      return cancelLockedOrder(client, order, actor, { reason: 'merchant', note: input.note ?? '', refundRemaining: this.refunds.refundRemaining });
    });
    return this.queries.get(actor, id);
  }

  async refund(actor: MerchantActor, id: string, input: RefundCreateInput & { idempotencyKey: string }): Promise<{ order: OrderWithHistory; replayed: boolean }> {
    const { replayed } = await this.refunds.refund(actor, id, input);
    return { order: await this.queries.get(actor, id), replayed };
  }

  // Jobs

  expire(orderId: string, now?: Date): Promise<{ cancelled: boolean }> {
    return this.fulfilment.expire(orderId, now);
  }

  expireOverdue(now?: Date, limit?: number): Promise<{ expired: number }> {
    return this.fulfilment.expireOverdue(now, limit);
  }

  completeCardRefund(refundId: string) {
    return this.refunds.completeCardRefund(refundId);
  }

  /** In the Stripe webhook's transaction: a card payment the order cannot take goes back (card-payments.ts). */
  requestLatePaymentRefund(...input: Parameters<OrderRefundsService['requestLatePaymentRefund']>) {
    return this.refunds.requestLatePaymentRefund(...input);
  }
}
