import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MerchantActor } from '../../actor.ts';
import { newId } from '../../ids.ts';
import { buildStripeTestApp, type StripeTestApp } from '../../../../api/test/helpers/card-payments.ts';
import { fundMerchantThroughOrder } from '../../../../api/test/helpers/settled-orders.ts';
import { createMerchantWithStaff } from '../../../../api/test/helpers/staff.ts';
import type { TestEnvironment } from '../../testing/databases.ts';
import { assertLedgerInvariants } from '../../testing/ledger-invariants.ts';
import { LedgerService } from '../ledger/ledger.service.ts';
import { LocalPaymentsProvider } from './local-payout-provider.ts';
import type { PaymentsProvider, PayoutRequest, PayoutSubmission, ProviderRecord } from './payout-provider.ts';
import type { ServiceLogger } from '../../service-logger.ts';
import { PayoutsService } from './payouts.service.ts';

/** Keeps what the service logs, so a test can see that a failure was reported with its context. */
class RecordingLogger implements ServiceLogger {
  readonly lines: { level: string; context: Record<string, unknown>; message: string }[] = [];
  info(context: object, message: string) {
    this.lines.push({ level: 'info', context: context as Record<string, unknown>, message });
  }
  warn(context: object, message: string) {
    this.lines.push({ level: 'warn', context: context as Record<string, unknown>, message });
  }
  error(context: object, message: string) {
    this.lines.push({ level: 'error', context: context as Record<string, unknown>, message });
  }
}

let stripe: StripeTestApp;
let environment: TestEnvironment;
let ledger: LedgerService;

/** A provider that a test steers: refuses, is unreachable, or behaves like the local one. */
class SteeredProvider implements PaymentsProvider {
  readonly name = 'steered';
  mode: 'accept' | 'refuse' | 'unreachable' = 'accept';
  readonly requests: PayoutRequest[] = [];
  constructor(private readonly local: LocalPaymentsProvider) {}

  async createPayout(request: PayoutRequest): Promise<PayoutSubmission> {
    this.requests.push(request);
    if (this.mode === 'unreachable') throw new Error('connect ECONNREFUSED');
    if (this.mode === 'refuse') return { status: 'failed', providerReference: `ref_${request.payoutId}`, failureCode: 'invalid_bank_account', failureMessage: 'No such account.' };
    return this.local.createPayout(request);
  }

  listRecords(period: { from: Date; to: Date }): AsyncIterable<ProviderRecord> {
    return this.local.listRecords(period);
  }
}

/** A merchant whose available balance holds `amountMinor`, earned through a real order (api/test/helpers/settled-orders.ts). */
async function merchantWithBalance(amountMinor: number): Promise<MerchantActor> {
  const finance = await createMerchantWithStaff(stripe.testApp.app, 'finance');
  await fundMerchantThroughOrder(stripe, finance.merchantId, amountMinor);
  return { type: 'staff', userId: finance.userId, merchantId: finance.merchantId, role: 'finance', isOperator: false };
}

async function available(merchantId: string): Promise<number> {
  const { rows } = await environment.database.pool.query<{ available: number }>(
    `select credits_posted - debits_posted - debits_pending as available from ledger_account where kind = 'merchant_available' and owner_id = $1`,
    [merchantId],
  );
  return rows[0]!.available;
}

beforeAll(async () => {
  // The whole API with the fake Stripe: merchants earn their balances through real orders.
  stripe = await buildStripeTestApp();
  environment = stripe.testApp;
  ledger = new LedgerService(environment.database);
});
afterAll(async () => {
  await assertLedgerInvariants(environment.database);
  await ledger.close();
  await stripe.close();
});

describe('PayoutsService with a payout provider', () => {
  it('voids the hold at once when the provider refuses the payout on the spot', async () => {
    const provider = new SteeredProvider(new LocalPaymentsProvider(environment.database.pool));
    const payouts = new PayoutsService(environment.database, ledger, provider);
    const actor = await merchantWithBalance(50_00);
    provider.mode = 'refuse';
    const { payout } = await payouts.request(actor, { amountMinor: 20_00, currency: 'EUR' }, 'refused-on-the-spot');
    expect(payout).toMatchObject({ status: 'voided', provider: 'steered', failureCode: 'invalid_bank_account', providerReference: `ref_${payout.id}` });
    expect(await available(actor.merchantId)).toBe(50_00);
  });

  it('keeps a payout pending when the provider cannot be reached, and submits it on a retry with the same key', async () => {
    const provider = new SteeredProvider(new LocalPaymentsProvider(environment.database.pool));
    const payouts = new PayoutsService(environment.database, ledger, provider);
    const actor = await merchantWithBalance(50_00);
    provider.mode = 'unreachable';
    const first = await payouts.request(actor, { amountMinor: 30_00, currency: 'EUR' }, 'key-1');
    expect(first.payout).toMatchObject({ status: 'pending', providerReference: null });
    expect(await available(actor.merchantId)).toBe(20_00);

    provider.mode = 'accept';
    const retry = await payouts.request(actor, { amountMinor: 30_00, currency: 'EUR' }, 'key-1');
    expect(retry.replayed).toBe(true);
    expect(retry.payout).toMatchObject({ id: first.payout.id, status: 'pending' });
    expect(retry.payout.providerReference).toMatch(/^lpo_/);
    // The provider saw the same payout id twice: its idempotency keeps it one payout.
    expect(provider.requests.map((request) => request.payoutId)).toEqual([first.payout.id, first.payout.id]);
    const again = await payouts.request(actor, { amountMinor: 30_00, currency: 'EUR' }, 'key-1');
    expect(again.payout.providerReference).toBe(retry.payout.providerReference);
    expect(provider.requests).toHaveLength(2);
    expect(await available(actor.merchantId)).toBe(20_00);
  });

  it('takes provider callbacks from the platform only, never from a merchant', async () => {
    const provider = new SteeredProvider(new LocalPaymentsProvider(environment.database.pool));
    const payouts = new PayoutsService(environment.database, ledger, provider);
    const actor = await merchantWithBalance(10_00);
    const { payout } = await payouts.request(actor, { amountMinor: 10_00, currency: 'EUR' }, 'platform-callbacks');
    const event = { provider: 'steered', eventId: 'evt_merchant', type: 'payout.paid' as const, providerReference: payout.providerReference! };
    await expect(payouts.applyProviderEvent(actor, event)).rejects.toMatchObject({ type: 'forbidden', code: 'operator_only' });
    expect((await payouts.get(actor, payout.id)).status).toBe('pending');
    const applied = await payouts.applyProviderEvent({ type: 'system', process: 'test' }, event);
    expect(applied).toMatchObject({ outcome: 'applied', payout: { status: 'posted' } });
  });

  it('logs an unreachable provider with the payout, keeps the error on the payout, and submits it when the sweeper retries', async () => {
    const provider = new SteeredProvider(new LocalPaymentsProvider(environment.database.pool));
    const logger = new RecordingLogger();
    const payouts = new PayoutsService(environment.database, ledger, provider, { holdTimeoutSeconds: 3_600, logger });
    const actor = await merchantWithBalance(40_00);
    provider.mode = 'unreachable';
    const { payout } = await payouts.request(actor, { amountMinor: 25_00, currency: 'EUR' }, 'logged-failure');
    expect(payout).toMatchObject({ status: 'pending', providerReference: null, attemptCount: 1, lastError: expect.stringContaining('ECONNREFUSED') });
    expect(logger.lines).toEqual([
      expect.objectContaining({ level: 'error', context: expect.objectContaining({ payoutId: payout.id, merchantId: actor.merchantId, amountMinor: 25_00, err: expect.any(Error) }) }),
    ]);

    provider.mode = 'accept';
    const resubmitted = await payouts.resubmit(payout.id);
    expect(resubmitted).toMatchObject({ id: payout.id, status: 'pending', attemptCount: 2, lastError: null, providerReference: expect.stringMatching(/^lpo_/) });
    // Accepted: a later resubmit asks the provider nothing more.
    await payouts.resubmit(payout.id);
    expect(provider.requests).toHaveLength(2);
  });

  it('expires a payout whose hold timed out before the provider answered: the money is available again and the payout follows, flagged', async () => {
    // The ledger's clock, moved by the test: the hold's timeout passes without waiting a minute.
    let clockMs = Date.now();
    const clockedLedger = new LedgerService(environment.database, { now: () => new Date(clockMs) });
    const provider = new SteeredProvider(new LocalPaymentsProvider(environment.database.pool));
    const payouts = new PayoutsService(environment.database, clockedLedger, provider, { holdTimeoutSeconds: 60 });
    const actor = await merchantWithBalance(30_00);
    const { payout } = await payouts.request(actor, { amountMinor: 30_00, currency: 'EUR' }, 'expiring');
    expect(await available(actor.merchantId)).toBe(0);
    const { rows: holds } = await environment.database.pool.query(`select timeout_seconds as "timeoutSeconds" from ledger_transfer where id = $1`, [payout.holdTransferId]);
    expect(holds).toEqual([{ timeoutSeconds: 60 }]);

    // Before the timeout: the ledger keeps holding it, and nothing expires.
    clockMs += 30_000;
    await clockedLedger.expirePendingTransfers();
    expect(await payouts.expireLapsedHolds()).toEqual({ expired: 0 });
    expect((await payouts.get(actor, payout.id)).status).toBe('pending');

    clockMs += 90_000;
    await clockedLedger.expirePendingTransfers();
    expect(await payouts.expireLapsedHolds()).toEqual({ expired: 1 });
    expect(await payouts.expireLapsedHolds()).toEqual({ expired: 0 });
    const expired = await payouts.get(actor, payout.id);
    expect(expired).toMatchObject({ status: 'expired', expiredAt: expect.any(Date), failureCode: 'hold_expired', attentionReason: 'hold_expired', needsAttentionAt: expect.any(Date) });
    const { rows: resolution } = await environment.database.pool.query(`select kind, pending_id as "pendingId" from ledger_transfer where id = $1`, [expired.resolutionTransferId]);
    expect(resolution).toEqual([{ kind: 'expire_pending', pendingId: payout.holdTransferId }]);
    expect(await available(actor.merchantId)).toBe(30_00);
    const { rows: events } = await environment.database.pool.query(`select payload from outbox where type = 'payout.expired' and aggregate_id = $1`, [payout.id]);
    expect(events).toEqual([{ payload: expect.objectContaining({ payoutId: payout.id, merchantId: actor.merchantId, amountMinor: 30_00 }) }]);

    // The provider says "paid" after all: the books cannot follow on their own; an operator is asked.
    const late = { provider: 'steered', eventId: `evt_${newId()}`, type: 'payout.paid' as const, providerReference: payout.providerReference! };
    await expect(payouts.applyProviderEvent({ type: 'system', process: 'test' }, late)).rejects.toMatchObject({ code: 'payout_expired' });
    expect(await payouts.get(actor, payout.id)).toMatchObject({ status: 'expired', attentionReason: 'paid_after_hold_expired' });
    expect(await available(actor.merchantId)).toBe(30_00);
    await clockedLedger.close();
  });
});
