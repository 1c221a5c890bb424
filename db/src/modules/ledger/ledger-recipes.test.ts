import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../ids.ts';
import { withPoolTransaction } from '../../pool-transaction.ts';
import { createTestEnvironment, type TestEnvironment } from '../../testing/databases.ts';
import { assertLedgerInvariants } from '../../testing/ledger-invariants.ts';
import { LedgerService } from './ledger.service.ts';
import { codes, fundedWallet, ManualClock } from './ledger.test-support.ts';
import { AccountNotKnownYet } from './ledger.errors.ts';
import { orderSettlementLegId } from './ledger-recipes.ts';
import type { AccountKind } from './ledger.types.ts';

let environment: TestEnvironment;
let clock: ManualClock;
let ledger: LedgerService;

beforeAll(async () => {
  environment = await createTestEnvironment();
  clock = new ManualClock();
  ledger = new LedgerService(environment.database, { now: clock.now });
});
afterEach(() => assertLedgerInvariants(environment.database));
afterAll(async () => {
  await ledger.close();
  await environment.cleanup();
});

async function balance(kind: AccountKind, ownerId?: string) {
  // Escrow is split into sub-accounts (docs/ledger.md §5): "the" escrow balance is their sum.
  if (kind === 'escrow') return escrowBalance();
  const account = await ledger.openAccount({ kind, currency: 'EUR', ...(ownerId ? { ownerId } : {}) });
  return (await ledger.getAccountById(account.id))!;
}

async function escrowBalance() {
  const { rows } = await environment.database.pool.query<{ balanceMinor: number }>(
    `select coalesce(sum(credits_posted - debits_posted), 0)::bigint as "balanceMinor" from ledger_account where kind = 'escrow' and currency = 'EUR'`,
  );
  return rows[0]!;
}

async function shopperWith(balanceMinor: number) {
  const wallet = await fundedWallet(ledger, balanceMinor);
  return wallet.ownerId!;
}

describe('posting recipes', () => {
  it('pays by wallet into escrow, settles the net and the platform fee that sum to the gross, once per order', async () => {
    const shopperId = await shopperWith(10_000);
    const merchantId = newId();
    const orderId = newId();
    const escrowBefore = (await balance('escrow')).balanceMinor;
    const feesBefore = (await balance('platform_fees')).balanceMinor;
    const payment = await ledger.recipes.walletPayment({ eventId: `order.paid:${orderId}`, orderId, shopperId, currency: 'EUR', amountMinor: 1_999 });
    await ledger.record(payment);
    await ledger.record(await ledger.recipes.walletPayment({ eventId: `order.paid:${orderId}`, orderId, shopperId, currency: 'EUR', amountMinor: 1_999 }));
    expect((await balance('shopper_wallet', shopperId)).balanceMinor).toBe(8_001);

    const settle = () => ledger.recipes.orderSettlement({ orderId, merchantId, currency: 'EUR', grossMinor: 1_999, platformFeeMinor: 50 });
    const legs = await settle();
    expect(legs.map((leg) => [leg.id, leg.reason, leg.amountMinor, leg.linked])).toEqual([
      [orderSettlementLegId(orderId, 'net'), 'settlement_net', 1_949, true],
      [orderSettlementLegId(orderId, 'fee'), 'settlement_fee', 50, false],
    ]);
    await ledger.record(legs);
    // The same order settled again (a retried job, a second worker): the same ids, nothing new.
    expect((await ledger.submit(await settle())).map((result) => result.status)).toEqual(['exists', 'exists']);
    expect((await balance('merchant_available', merchantId)).balanceMinor).toBe(1_949);
    expect((await balance('platform_fees')).balanceMinor - feesBefore).toBe(50);
    expect((await balance('escrow')).balanceMinor).toBe(escrowBefore);
    await expect(ledger.recipes.orderSettlement({ orderId: newId(), merchantId, currency: 'EUR', grossMinor: 100, platformFeeMinor: 101 })).rejects.toMatchObject({
      fields: { platformFeeMinor: expect.any(String) },
    });
  });

  it('refunds before settlement by reversing the payment, never more than was paid', async () => {
    const shopperId = await shopperWith(5_000);
    const orderId = newId();
    const [paid] = await ledger.record(await ledger.recipes.walletPayment({ eventId: newId(), orderId, shopperId, currency: 'EUR', amountMinor: 3_000 }));
    const first = await ledger.recipes.refund({ eventId: newId(), paymentTransferId: paid!.id, amountMinor: 1_000 });
    expect(first[0]).toMatchObject({ correctsId: paid!.id, reason: 'refund', referenceType: 'order', referenceId: orderId });
    await ledger.record(first);
    await ledger.record(await ledger.recipes.refund({ eventId: newId(), paymentTransferId: paid!.id, amountMinor: 2_000 }));
    await expect(ledger.record(await ledger.recipes.refund({ eventId: newId(), paymentTransferId: paid!.id, amountMinor: 1 }))).rejects.toMatchObject({
      code: 'reversal_exceeds_remaining',
    });
    expect((await balance('shopper_wallet', shopperId)).balanceMinor).toBe(5_000);
  });

  it('takes a refund after settlement back into escrow from the merchant and the fee account, never more than was settled', async () => {
    const orderId = newId();
    const merchantId = newId();
    const clearingBefore = (await balance('card_clearing')).balanceMinor;
    const feesBefore = (await balance('platform_fees')).balanceMinor;
    const [paid] = await ledger.record(await ledger.recipes.cardPayment({ eventId: newId(), orderId, currency: 'EUR', amountMinor: 1_000, paymentIntentId: 'pi_1' }));
    await ledger.record(await ledger.recipes.orderSettlement({ orderId, merchantId, currency: 'EUR', grossMinor: 1_000, platformFeeMinor: 30 }));
    const refundId = newId();
    const reversal = await ledger.recipes.settlementReversal({ eventId: refundId, orderId, merchantId, currency: 'EUR', merchantShareMinor: 485, platformFeeShareMinor: 15, refundId });
    expect(reversal.map((leg) => [leg.reason, leg.amountMinor, leg.correctsId])).toEqual([
      ['settlement_reversal_net', 485, orderSettlementLegId(orderId, 'net')],
      ['settlement_reversal_fee', 15, orderSettlementLegId(orderId, 'fee')],
    ]);
    await ledger.record([...reversal, ...(await ledger.recipes.refund({ eventId: refundId, paymentTransferId: paid!.id, amountMinor: 500, refundId }))].map((leg, index) => ({ ...leg, linked: index < 2 })));
    expect((await balance('merchant_available', merchantId)).balanceMinor).toBe(485);
    expect((await balance('platform_fees')).balanceMinor - feesBefore).toBe(15);
    expect((await balance('card_clearing')).balanceMinor - clearingBefore).toBe(500);
    // The merchant's share of what remains is 485: taking back 486 would reverse more than was settled.
    await expect(
      ledger.record(await ledger.recipes.settlementReversal({ eventId: newId(), orderId, merchantId, currency: 'EUR', merchantShareMinor: 486, platformFeeShareMinor: 0 })),
    ).rejects.toMatchObject({ code: 'reversal_exceeds_remaining' });
  });

  it('tops up by card and pays out through a hold that is posted or voided', async () => {
    const shopperId = newId();
    await ledger.record(await ledger.recipes.topUp({ eventId: newId(), shopperId, currency: 'EUR', amountMinor: 700, source: 'card' }));
    expect((await balance('shopper_wallet', shopperId)).balanceMinor).toBe(700);

    const merchantId = newId();
    // The order that settles is the one paid: its money is in the escrow sub-account its payment credited.
    const paidOrderId = newId();
    const escrowFunding = await ledger.recipes.walletPayment({ eventId: newId(), orderId: paidOrderId, shopperId, currency: 'EUR', amountMinor: 700 });
    await ledger.record(escrowFunding);
    await ledger.record(await ledger.recipes.orderSettlement({ orderId: paidOrderId, merchantId, currency: 'EUR', grossMinor: 700, platformFeeMinor: 0 }));

    const [payout] = await ledger.record(await ledger.recipes.payoutStart({ eventId: newId(), payoutId: newId(), merchantId, currency: 'EUR', amountMinor: 400 }));
    expect(await balance('merchant_available', merchantId)).toMatchObject({ balanceMinor: 700, availableMinor: 300 });
    await expect(ledger.record(await ledger.recipes.payoutStart({ eventId: newId(), payoutId: newId(), merchantId, currency: 'EUR', amountMinor: 301 }))).rejects.toMatchObject({
      code: 'insufficient_funds',
    });
    await ledger.record(await ledger.recipes.payoutComplete({ eventId: newId(), payoutTransferId: payout!.id }));
    expect(await balance('merchant_available', merchantId)).toMatchObject({ balanceMinor: 300, availableMinor: 300 });

    const [failing] = await ledger.record(await ledger.recipes.payoutStart({ eventId: newId(), payoutId: newId(), merchantId, currency: 'EUR', amountMinor: 300 }));
    await ledger.record(await ledger.recipes.payoutFail({ eventId: newId(), payoutTransferId: failing!.id }));
    expect(await balance('merchant_available', merchantId)).toMatchObject({ balanceMinor: 300, availableMinor: 300 });
  });

  it('funds a red envelope that can never pay out more than was put in, and returns the rest', async () => {
    const senderShopperId = await shopperWith(1_000);
    const envelopeId = newId();
    await ledger.record(await ledger.recipes.redEnvelopeFund({ eventId: newId(), envelopeId, senderShopperId, currency: 'EUR', amountMinor: 600 }));
    const claim = async (amountMinor: number) =>
      ledger.submit(await ledger.recipes.redEnvelopeClaim({ eventId: newId(), envelopeId, claimerShopperId: newId(), currency: 'EUR', amountMinor }));
    const outcomes = await Promise.all([claim(200), claim(200), claim(200), claim(200)]);
    expect(outcomes.flat().filter((result) => result.status === 'created')).toHaveLength(3);
    expect((await balance('red_envelope_hold', envelopeId)).balanceMinor).toBe(0);

    const secondEnvelope = newId();
    await ledger.record(await ledger.recipes.redEnvelopeFund({ eventId: newId(), envelopeId: secondEnvelope, senderShopperId, currency: 'EUR', amountMinor: 300 }));
    await ledger.record(await ledger.recipes.redEnvelopeClaim({ eventId: newId(), envelopeId: secondEnvelope, claimerShopperId: newId(), currency: 'EUR', amountMinor: 100 }));
    await ledger.record(await ledger.recipes.redEnvelopeReturn({ eventId: newId(), envelopeId: secondEnvelope, senderShopperId, currency: 'EUR', amountMinor: 200 }));
    expect((await balance('shopper_wallet', senderShopperId)).balanceMinor).toBe(1_000 - 600 - 100);
  });

  it('distributes an N-way red envelope all or nothing', async () => {
    const senderShopperId = await shopperWith(1_000);
    const recipients = [newId(), newId(), newId()];
    const tooMuch = await ledger.recipes.redEnvelopeDistribute({
      eventId: newId(),
      envelopeId: newId(),
      senderShopperId,
      currency: 'EUR',
      shares: recipients.map((shopperId) => ({ shopperId, amountMinor: 400 })),
    });
    expect(codes(await ledger.submit(tooMuch))).toEqual(['insufficient_funds', 'linked_event_failed', 'linked_event_failed', 'linked_event_failed']);
    expect((await balance('shopper_wallet', recipients[0])).balanceMinor).toBe(0);
    const fits = await ledger.recipes.redEnvelopeDistribute({
      eventId: newId(),
      envelopeId: newId(),
      senderShopperId,
      currency: 'EUR',
      shares: recipients.map((shopperId, index) => ({ shopperId, amountMinor: 100 + index })),
    });
    await ledger.record(fits);
    expect((await balance('shopper_wallet', recipients[2])).balanceMinor).toBe(102);
    expect((await balance('shopper_wallet', senderShopperId)).balanceMinor).toBe(1_000 - 303);
  });

  it('holds group-buy money from the wallet towards escrow, posts every member\'s hold together when the team forms, voids them when it fails', async () => {
    const first = await shopperWith(1_000);
    const second = await shopperWith(1_000);
    const teamId = newId();
    const [firstHold] = await ledger.record(await ledger.recipes.groupBuyHold({ eventId: newId(), teamId, shopperId: first, currency: 'EUR', amountMinor: 400 }));
    const [secondHold] = await ledger.record(await ledger.recipes.groupBuyHold({ eventId: newId(), teamId, shopperId: second, currency: 'EUR', amountMinor: 400 }));
    expect(await balance('shopper_wallet', first)).toMatchObject({ balanceMinor: 1_000, availableMinor: 600 });
    const escrowBefore = (await balance('escrow')).balanceMinor;
    const firstOrderId = newId();
    const captures = ledger.recipes.groupBuyCapture({ teamId, members: [{ holdTransferId: firstHold!.id, orderId: firstOrderId }, { holdTransferId: secondHold!.id, orderId: newId() }] });
    expect(captures.map((leg) => leg.linked)).toEqual([true, false]);
    await withPoolTransaction(environment.database.pool, async (client) => ledger.recordInTransaction(client, captures));
    expect(await balance('shopper_wallet', first)).toMatchObject({ balanceMinor: 600, availableMinor: 600 });
    expect((await balance('escrow')).balanceMinor - escrowBefore).toBe(800);

    // The captured leg is the order's payment: a refund reverses it into the member's wallet.
    await ledger.record(await ledger.recipes.refund({ eventId: newId(), paymentTransferId: captures[0]!.id, amountMinor: 150 }));
    expect((await balance('shopper_wallet', first)).balanceMinor).toBe(750);

    const [failedTeam] = await ledger.record(await ledger.recipes.groupBuyHold({ eventId: newId(), teamId: newId(), shopperId: second, currency: 'EUR', amountMinor: 100 }));
    const release = ledger.recipes.groupBuyRelease({ holdTransferIds: [failedTeam!.id] });
    await ledger.record(release);
    // The release's id derives from the hold's: recording it again moves nothing.
    await ledger.record(release);
    expect(await balance('shopper_wallet', second)).toMatchObject({ balanceMinor: 600, availableMinor: 600 });
  });
});

describe('recipes without I/O (knownAccountRecipes)', () => {
  it('name an account this process has not opened yet, and build the same legs as the recipes once it has', async () => {
    const justStarted = new LedgerService(environment.database);
    const input = { eventId: newId(), orderId: newId(), shopperId: newId(), currency: 'EUR' as const, amountMinor: 700 };
    const wallet = await justStarted.knownAccountRecipes.walletPayment(input).catch((error: unknown) => error);
    expect(wallet).toBeInstanceOf(AccountNotKnownYet);
    expect(wallet).toMatchObject({ account: { kind: 'shopper_wallet', currency: 'EUR', ownerId: input.shopperId } });
    await justStarted.openAccount((wallet as AccountNotKnownYet).account);
    const escrow = await justStarted.knownAccountRecipes.walletPayment(input).catch((error: unknown) => error);
    expect(escrow).toMatchObject({ account: { kind: 'escrow', currency: 'EUR' } });
    await justStarted.openAccount((escrow as AccountNotKnownYet).account);
    expect(await justStarted.knownAccountRecipes.walletPayment(input)).toEqual(await justStarted.recipes.walletPayment(input));
    await justStarted.close();
  });
});
