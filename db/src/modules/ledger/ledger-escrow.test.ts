import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../ids.ts';
import { withPoolTransaction } from '../../pool-transaction.ts';
import { createTestEnvironment, type TestEnvironment } from '../../testing/databases.ts';
import { assertLedgerInvariants } from '../../testing/ledger-invariants.ts';
import { escrowShardOf } from './ledger-recipes.ts';
import { LedgerService } from './ledger.service.ts';
import { fundedWallet, ManualClock } from './ledger.test-support.ts';

let environment: TestEnvironment;
let ledger: LedgerService;

beforeAll(async () => {
  environment = await createTestEnvironment({ DATABASE_POOL_MAX: '24' });
  ledger = new LedgerService(environment.database, { now: new ManualClock().now, escrowShards: 16 });
});
afterEach(() => assertLedgerInvariants(environment.database));
afterAll(async () => {
  await ledger.close();
  await environment.cleanup();
});

/** Two order ids whose payments go into different escrow sub-accounts. */
function ordersOnDifferentShards(): [string, string] {
  const first = newId();
  for (;;) {
    const second = newId();
    if (escrowShardOf(second, ledger.escrowShards) !== escrowShardOf(first, ledger.escrowShards)) return [first, second];
  }
}

describe('escrow sub-accounts (docs/ledger.md §5)', () => {
  it('credits the same sub-account for the same order, and settles and refunds an order from the sub-account its payment credited', async () => {
    const wallet = await fundedWallet(ledger, 5_000);
    const orderId = newId();
    const [paid] = await ledger.record(await ledger.recipes.walletPayment({ eventId: newId(), orderId, shopperId: wallet.ownerId!, currency: 'EUR', amountMinor: 3_000 }));
    const [paidByCard] = await ledger.recipes.cardPayment({ eventId: newId(), orderId, currency: 'EUR', amountMinor: 1 });
    expect(paidByCard!.creditAccountId).toBe(paid!.creditAccountId);
    const escrow = (await ledger.getAccountById(paid!.creditAccountId))!;
    expect(escrow.kind).toBe('escrow');

    const [refunded] = await ledger.record(await ledger.recipes.refund({ eventId: newId(), paymentTransferId: paid!.id, amountMinor: 1_000 }));
    expect(refunded!.debitAccountId).toBe(escrow.id);
    const settlement = await ledger.record(await ledger.recipes.orderSettlement({ orderId, merchantId: newId(), currency: 'EUR', grossMinor: 2_000, platformFeeMinor: 60 }));
    expect(settlement.map((leg) => leg.debitAccountId)).toEqual([escrow.id, escrow.id]);
    expect((await ledger.getAccountById(escrow.id))!.balanceMinor).toBe(escrow.balanceMinor - 3_000);
  });

  it('posts a captured hold into the sub-account it was held towards, and settles the order from there', async () => {
    const wallet = await fundedWallet(ledger, 1_000);
    const [hold] = await ledger.record(await ledger.recipes.groupBuyHold({ eventId: newId(), teamId: newId(), shopperId: wallet.ownerId!, currency: 'EUR', amountMinor: 400 }));
    const orderId = newId();
    await withPoolTransaction(environment.database.pool, (client) => ledger.recordInTransaction(client, ledger.recipes.groupBuyCapture({ teamId: newId(), members: [{ holdTransferId: hold!.id, orderId }] })));
    const settlement = await ledger.record(await ledger.recipes.orderSettlement({ orderId, merchantId: newId(), currency: 'EUR', grossMinor: 400, platformFeeMinor: 0 }));
    expect(settlement[0]!.debitAccountId).toBe(hold!.creditAccountId);
  });

  it('lets the payment of one order commit while another order\'s payment holds its escrow sub-account open', async () => {
    const [alice, bob] = await Promise.all([fundedWallet(ledger, 1_000), fundedWallet(ledger, 1_000)]);
    const [firstOrderId, secondOrderId] = ordersOnDifferentShards();
    const firstPayment = await ledger.recipes.walletPayment({ eventId: newId(), orderId: firstOrderId, shopperId: alice.ownerId!, currency: 'EUR', amountMinor: 100 });
    const secondPayment = await ledger.recipes.walletPayment({ eventId: newId(), orderId: secondOrderId, shopperId: bob.ownerId!, currency: 'EUR', amountMinor: 200 });
    expect(firstPayment[0]!.creditAccountId).not.toBe(secondPayment[0]!.creditAccountId);

    const held = await environment.database.pool.connect();
    try {
      await held.query('begin');
      await ledger.recordInTransaction(held, firstPayment);
      const second = withPoolTransaction(environment.database.pool, (client) => ledger.recordInTransaction(client, secondPayment));
      const outcome = await Promise.race([second.then(() => 'committed'), new Promise((resolve) => setTimeout(() => resolve('blocked'), 5_000))]);
      expect(outcome).toBe('committed');
      expect((await ledger.getAccountById(secondPayment[0]!.creditAccountId!))!.creditsPosted).toBeGreaterThanOrEqual(200);
      await held.query('commit');
    } finally {
      await held.query('rollback').catch(() => undefined);
      held.release();
    }
    expect((await ledger.getAccountById(alice.id))!.balanceMinor).toBe(900);
  });
});
