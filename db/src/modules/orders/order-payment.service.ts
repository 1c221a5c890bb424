import type { ShopperActor } from '../../actor.ts';
import type { Database } from '../../database.ts';
import { allInOrder, commitBehind, withPoolTransaction } from '../../pool-transaction.ts';
import type { Order } from './order.entity.ts';
import type { OrderLedger } from './order-ledger.ts';
import { findOrder, withLines, type OrderWithLines } from './order-reads.ts';
import { lockOrderWithLines, recordTransition } from './order-records.ts';
import { InvalidOrderTransitionError, OrderNotFoundError, PaymentWindowClosedError } from './orders.errors.ts';
import { commitStock } from './stock-reservations.ts';

/**
 * Payment from the shopper's wallet, in one transaction: the ledger moves the total from the wallet to
 * escrow, the reservation becomes a sale, and the order becomes `paid`. Insufficient funds (or anything
 * else) rolls all of it back.
 */
export class OrderPaymentService {
  constructor(
    private readonly database: Database,
    private readonly ledger: OrderLedger,
  ) {}

  /** Pays an order; paying an order this shopper already paid by wallet answers it again (a retry). */
  async payByWallet(actor: ShopperActor, orderId: string, now: Date = new Date()): Promise<OrderWithLines> {
    const order = await findOrder(this.database.pool, orderId, { shopperId: actor.shopperId });
    if (!order) throw new OrderNotFoundError(orderId);
    if (isPaidByWallet(order)) return withLines(this.database.pool, order);
    if (order.status !== 'pending_payment') throw new InvalidOrderTransitionError(order.status, 'paid');
    // Built before the transaction: the recipe may open the wallet and escrow accounts on a connection
    // of its own, which must never be awaited while this one holds locks. The event id is the order's,
    // so the leg id is fixed per order and a second payment cannot post.
    const legs =
      order.totalMinor > 0
        ? await this.ledger.recipes.walletPayment({ eventId: order.id, orderId: order.id, shopperId: actor.shopperId, currency: order.currency, amountMinor: order.totalMinor })
        : [];

    return withPoolTransaction(this.database.pool, async (client) => {
      const locked = await lockOrderWithLines(client, orderId, { shopperId: actor.shopperId });
      if (!locked) throw new OrderNotFoundError(orderId);
      if (isPaidByWallet(locked)) return locked;
      if (locked.status !== 'pending_payment') throw new InvalidOrderTransitionError(locked.status, 'paid');
      if (locked.paymentDueAt.getTime() <= now.getTime()) throw new PaymentWindowClosedError();

      const { lines, ...unpaid } = locked;
      // Sent together and run in order (the transaction is pipelined, db/src/pool-transaction.ts): none
      // needs what another returns. The ledger's comes last, because it holds the account locks (wallet,
      // escrow) until this transaction commits.
      const [, paid, ledger] = await allInOrder([
        commitStock(client, unpaid.merchantId, lines, actor, `order #${unpaid.number}`),
        recordTransition(client, unpaid, 'paid', actor, {
          paymentMethod: 'wallet',
          ...(legs[0] ? { paymentTransferId: legs[0].id } : {}),
        }),
        this.ledger.decideInTransaction(client, legs),
      ]);
      // Every check has passed (the wallet covers the total): the ledger's write and the commit leave together.
      const written = ledger.write();
      commitBehind(client);
      await written;
      return { ...paid, lines };
    });
  }
}

function isPaidByWallet(order: Order): boolean {
  return order.paymentMethod === 'wallet' && order.paidAt !== null && order.paidAt !== undefined;
}
