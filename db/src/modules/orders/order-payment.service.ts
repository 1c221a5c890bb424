import type { ShopperActor } from '../../actor.ts';
import type { Database } from '../../database.ts';
import { allInOrder, commitBehind, withPoolTransaction } from '../../pool-transaction.ts';
import { AccountNotKnownYet } from '../ledger/ledger.errors.ts';
import type { Order } from './order.entity.ts';
import type { OrderLedger } from './order-ledger.ts';
import type { OrderWithLines } from './order-reads.ts';
import { lockOrderWithLines, recordTransition } from './order-records.ts';
import { InvalidOrderTransitionError, OrderNotFoundError, PaymentWindowClosedError } from './orders.errors.ts';
import { commitStock } from './stock-reservations.ts';

/**
 * A payment needs at most two accounts opened (its wallet, its escrow sub-account), so a third attempt
 * finds both; the fourth covers the process's account cache being emptied (when full) in between.
 */
const ACCOUNT_OPENING_ATTEMPTS = 4;

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
    // The payment's legs are built inside the transaction from accounts this process already knows (no
    // I/O: a second pooled connection must never be awaited while this one holds the order's lock). The
    // first payment of a shopper in a currency in this process finds its wallet not known yet: the
    // transaction ends having written nothing, the account is opened outside it, and the payment runs again.
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.payInTransaction(actor, orderId, now);
      } catch (error) {
        if (!(error instanceof AccountNotKnownYet) || attempt >= ACCOUNT_OPENING_ATTEMPTS) throw error;
        await this.ledger.openAccount(error.account);
      }
    }
  }

  private async payInTransaction(actor: ShopperActor, orderId: string, now: Date): Promise<OrderWithLines> {
    return withPoolTransaction(this.database.pool, async (client) => {
      const locked = await lockOrderWithLines(client, orderId, { shopperId: actor.shopperId });
      if (!locked) throw new OrderNotFoundError(orderId);
      if (isPaidByWallet(locked)) return locked;
      if (locked.status !== 'pending_payment') throw new InvalidOrderTransitionError(locked.status, 'paid');
      if (locked.paymentDueAt.getTime() <= now.getTime()) throw new PaymentWindowClosedError();
      // The event id is the order's, so the leg id is fixed per order and a second payment cannot post.
      const legs =
        locked.totalMinor > 0
          ? await this.ledger.knownAccountRecipes.walletPayment({
              eventId: locked.id,
              orderId: locked.id,
              shopperId: actor.shopperId,
              currency: locked.currency,
              amountMinor: locked.totalMinor,
            })
          : [];

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
      // The row is ours: lines go onto it rather than into a spread copy (docs/performance.md, "Spreads").
      return Object.assign(paid, { lines });
    });
  }
}

function isPaidByWallet(order: Order): boolean {
  return order.paymentMethod === 'wallet' && order.paidAt !== null && order.paidAt !== undefined;
}
