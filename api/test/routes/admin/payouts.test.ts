import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../../db/src/ids.ts';
import { assertLedgerInvariants } from '../../../../db/src/testing/ledger-invariants.ts';
import { operatorHeaders } from '../../helpers/finance.ts';
import type { TestApp } from '../../helpers/app.ts';
import { buildStripeTestApp, type StripeTestApp } from '../../helpers/card-payments.ts';
import { fundMerchantThroughOrder } from '../../helpers/settled-orders.ts';
import { createMerchantWithStaff, type StaffSession } from '../../helpers/staff.ts';

let stripe: StripeTestApp;
let testApp: TestApp;
let finance: StaffSession;
let operator: { authorization: string };

const url = '/api/admin/finance/payouts';
const operatorUrl = '/api/admin/operator/finance';

/** Money on the merchant's available balance the product's way: a real order, paid, delivered, confirmed and settled. */
async function settle(merchantId: string, grossMinor: number) {
  await fundMerchantThroughOrder(stripe, merchantId, grossMinor);
}

async function balances(session: StaffSession = finance) {
  const response = await testApp.app.inject({ method: 'GET', url: '/api/admin/finance/balances', headers: session.headers });
  return response.json() as { currency: string; availableMinor: number; balanceMinor: number; heldForPayoutsMinor: number }[];
}

/** Every payout request sends an Idempotency-Key (required); null leaves it out to see the 400. */
async function requestPayout(amountMinor: number, options: { session?: StaffSession; currency?: string; idempotencyKey?: string | null } = {}) {
  const idempotencyKey = options.idempotencyKey === undefined ? newId() : options.idempotencyKey;
  return testApp.app.inject({
    method: 'POST',
    url,
    headers: { ...(options.session ?? finance).headers, ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
    payload: { amountMinor, currency: options.currency ?? 'EUR' },
  });
}

async function settleAtProvider(providerReference: string, outcome: 'paid' | 'failed') {
  return testApp.app.inject({ method: 'POST', url: `${operatorUrl}/local-provider/payouts/${providerReference}/settle`, headers: operator, payload: { outcome } });
}

async function counts() {
  const { rows } = await testApp.database.pool.query<{ transfers: number; payouts: number; pendings: number; accounts: number; events: number }>(
    `select (select count(*) from ledger_transfer)::int as transfers, (select count(*) from payout)::int as payouts,
            (select count(*) from ledger_pending)::int as pendings, (select count(*) from ledger_account)::int as accounts,
            (select count(*) from payout_provider_event)::int as events`,
  );
  return rows[0]!;
}

async function ledgerPendingStatus(holdTransferId: string): Promise<string> {
  return (await testApp.database.pool.query<{ status: string }>('select status from ledger_pending where transfer_id = $1', [holdTransferId])).rows[0]!.status;
}

beforeAll(async () => {
  stripe = await buildStripeTestApp();
  testApp = stripe.testApp;
  finance = await createMerchantWithStaff(testApp.app, 'finance');
  operator = await operatorHeaders(testApp.app);
  await settle(finance.merchantId, 100_00);
});
afterEach(() => assertLedgerInvariants(testApp.database));
afterAll(() => stripe.close());

describe('POST /api/admin/finance/payouts', () => {
  it('refuses more than the available balance with 422 insufficient_funds and holds nothing', async () => {
    const before = await counts();
    const response = await requestPayout(100_01);
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ type: 'business_rule', code: 'insufficient_funds', errors: { amountMinor: 'exceeds the available balance of 10000' } });
    expect(await counts()).toEqual(before);
    expect(await balances()).toEqual([expect.objectContaining({ availableMinor: 100_00, heldForPayoutsMinor: 0 })]);
  });

  it('refuses a currency the merchant holds nothing in, without opening an account', async () => {
    const before = await counts();
    const response = await requestPayout(1, { currency: 'USD' });
    expect(response.statusCode).toBe(422);
    expect(response.json().code).toBe('insufficient_funds');
    expect(await counts()).toEqual(before);
  });

  it('refuses bad input with 400 and changes nothing', async () => {
    const before = await counts();
    for (const payload of [{ amountMinor: 0, currency: 'EUR' }, { amountMinor: 1.5, currency: 'EUR' }, { amountMinor: 100, currency: 'XXX' }, { currency: 'EUR' }]) {
      const response = await testApp.app.inject({ method: 'POST', url, headers: finance.headers, payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
    }
    expect(await counts()).toEqual(before);
  });

  it('holds the money pending, then posts it when the provider confirms', async () => {
    const response = await requestPayout(40_00);
    expect(response.statusCode).toBe(201);
    const payout = response.json();
    expect(payout).toMatchObject({ merchantId: finance.merchantId, amountMinor: 40_00, currency: 'EUR', status: 'pending', provider: 'local', resolutionTransferId: null });
    expect(payout.providerReference).toMatch(/^lpo_/);
    expect(await ledgerPendingStatus(payout.holdTransferId)).toBe('pending');
    expect(await balances()).toEqual([expect.objectContaining({ availableMinor: 60_00, balanceMinor: 100_00, heldForPayoutsMinor: 40_00 })]);

    // The hold counts: 70 of the 60 still available is refused.
    expect((await requestPayout(70_00)).statusCode).toBe(422);

    const confirmed = await settleAtProvider(payout.providerReference, 'paid');
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json()).toMatchObject({ outcome: 'applied', event: { type: 'payout.paid', provider: 'local' }, payout: { id: payout.id, status: 'posted' } });
    expect(confirmed.json().payout.postedAt).toEqual(expect.any(String));
    expect(await ledgerPendingStatus(payout.holdTransferId)).toBe('posted');
    expect(await balances()).toEqual([expect.objectContaining({ availableMinor: 60_00, balanceMinor: 60_00, heldForPayoutsMinor: 0 })]);
    const inTransit = await testApp.database.pool.query<{ credits_posted: number; debits_posted: number }>(`select * from ledger_account where kind = 'payouts_in_transit'`);
    expect(inTransit.rows[0]).toMatchObject({ credits_posted: 40_00, debits_posted: 40_00 });

    // Confirming twice and failing after the confirmation are refused, each with its own code.
    const before = await counts();
    const again = await settleAtProvider(payout.providerReference, 'paid');
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('payout_already_posted');
    const failLater = await settleAtProvider(payout.providerReference, 'failed');
    expect(failLater.statusCode).toBe(409);
    expect(failLater.json().code).toBe('payout_posted_cannot_fail');
    expect(await counts()).toEqual(before);
    expect((await testApp.app.inject({ method: 'GET', url: `${url}/${payout.id}`, headers: finance.headers })).json()).toMatchObject({ status: 'posted' });
  });

  it('voids the hold when the provider fails, and the money is available again', async () => {
    const payout = (await requestPayout(25_00)).json();
    expect(await balances()).toEqual([expect.objectContaining({ availableMinor: 35_00, heldForPayoutsMinor: 25_00 })]);
    const failed = await settleAtProvider(payout.providerReference, 'failed');
    expect(failed.statusCode).toBe(200);
    expect(failed.json().payout).toMatchObject({ status: 'voided', failureCode: 'account_closed' });
    expect(await ledgerPendingStatus(payout.holdTransferId)).toBe('voided');
    expect(await balances()).toEqual([expect.objectContaining({ availableMinor: 60_00, balanceMinor: 60_00, heldForPayoutsMinor: 0 })]);

    const before = await counts();
    const failAgain = await settleAtProvider(payout.providerReference, 'failed');
    expect(failAgain.statusCode).toBe(409);
    expect(failAgain.json().code).toBe('payout_already_voided');
    const confirmLater = await settleAtProvider(payout.providerReference, 'paid');
    expect(confirmLater.statusCode).toBe(409);
    expect(confirmLater.json().code).toBe('payout_voided_cannot_post');
    expect(await counts()).toEqual(before);

    // The released money can be paid out again.
    expect((await requestPayout(60_00)).statusCode).toBe(201);
    const latest = (await testApp.app.inject({ method: 'GET', url: `${url}?range=[0,0]`, headers: finance.headers })).json()[0];
    expect((await settleAtProvider(latest.providerReference, 'failed')).statusCode).toBe(200);
  });

  it('applies a duplicate provider callback once: the second delivery changes nothing', async () => {
    const payout = (await requestPayout(10_00)).json();
    const settled = (await settleAtProvider(payout.providerReference, 'paid')).json();
    const before = await counts();
    for (let delivery = 0; delivery < 3; delivery += 1) {
      const duplicate = await testApp.app.inject({ method: 'POST', url: `${operatorUrl}/payouts/provider-events`, headers: operator, payload: settled.event });
      expect(duplicate.statusCode).toBe(200);
      expect(duplicate.json()).toMatchObject({ outcome: 'duplicate', payout: { id: payout.id, status: 'posted' } });
    }
    expect(await counts()).toEqual(before);

    const reused = await testApp.app.inject({ method: 'POST', url: `${operatorUrl}/payouts/provider-events`, headers: operator, payload: { ...settled.event, type: 'payout.failed' } });
    expect(reused.statusCode).toBe(409);
    expect(reused.json().code).toBe('provider_event_reused');
    expect(await counts()).toEqual(before);
  });

  it('applies concurrent deliveries of one callback exactly once', async () => {
    const payout = (await requestPayout(5_00)).json();
    const event = { provider: 'local', eventId: `evt_${newId()}`, type: 'payout.paid', providerReference: payout.providerReference };
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => testApp.app.inject({ method: 'POST', url: `${operatorUrl}/payouts/provider-events`, headers: operator, payload: event })),
    );
    expect(responses.map((response) => response.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(responses.map((response) => response.json().outcome).sort()).toEqual(['applied', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    const posts = await testApp.database.pool.query(`select 1 from ledger_transfer where pending_id = $1`, [payout.holdTransferId]);
    expect(posts.rowCount).toBe(1);
  });

  it('refuses events from another provider or for an unknown payout', async () => {
    const unknownProvider = await testApp.app.inject({
      method: 'POST',
      url: `${operatorUrl}/payouts/provider-events`,
      headers: operator,
      payload: { provider: 'acme-bank', eventId: 'evt_1', type: 'payout.paid', providerReference: 'lpo_x' },
    });
    expect(unknownProvider.statusCode).toBe(400);
    expect(unknownProvider.json().code).toBe('unknown_payout_provider');
    const unknownPayout = await testApp.app.inject({
      method: 'POST',
      url: `${operatorUrl}/payouts/provider-events`,
      headers: operator,
      payload: { provider: 'local', eventId: 'evt_2', type: 'payout.paid', providerReference: 'lpo_nothing' },
    });
    expect(unknownPayout.statusCode).toBe(404);
    expect((await settleAtProvider('lpo_nothing', 'paid')).statusCode).toBe(404);
  });

  it('answers a retry with the same Idempotency-Key with the first payout, and a different body with 409', async () => {
    const key = `payout-${newId()}`;
    const first = await requestPayout(3_00, { idempotencyKey: key });
    expect(first.statusCode).toBe(201);
    const before = await counts();
    const retry = await requestPayout(3_00, { idempotencyKey: key });
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json().id).toBe(first.json().id);
    const other = await requestPayout(4_00, { idempotencyKey: key });
    expect(other.statusCode).toBe(409);
    expect(other.json()).toMatchObject({ code: 'idempotency_key_reused', errors: { amountMinor: expect.any(String) } });
    expect(await counts()).toEqual(before);
    await settleAtProvider(first.json().providerReference, 'failed');
  });

  it('never holds more than is available under concurrent requests', async () => {
    const merchant = await createMerchantWithStaff(testApp.app, 'finance');
    await settle(merchant.merchantId, 60_00);
    const responses = await Promise.all(Array.from({ length: 6 }, () => requestPayout(25_00, { session: merchant })));
    const statuses = responses.map((response) => response.statusCode).sort();
    expect(statuses).toEqual([201, 201, 422, 422, 422, 422]);
    expect(responses.filter((response) => response.statusCode === 422).every((response) => response.json().code === 'insufficient_funds')).toBe(true);
    expect(await balances(merchant)).toEqual([expect.objectContaining({ availableMinor: 10_00, heldForPayoutsMinor: 50_00 })]);
    const rows = await testApp.database.pool.query(`select 1 from payout where merchant_id = $1`, [merchant.merchantId]);
    expect(rows.rowCount).toBe(2);
  });
});

describe('payouts tenancy and roles', () => {
  it("hides another merchant's payouts behind 404 and leaves them out of its list", async () => {
    const payout = (await requestPayout(1_00)).json();
    const stranger = await createMerchantWithStaff(testApp.app, 'finance');
    expect((await testApp.app.inject({ method: 'GET', url: `${url}/${payout.id}`, headers: stranger.headers })).statusCode).toBe(404);
    const list = await testApp.app.inject({ method: 'GET', url, headers: stranger.headers });
    expect(list.json()).toEqual([]);
    const operatorList = await testApp.app.inject({ method: 'GET', url: `${operatorUrl}/payouts?filter=${encodeURIComponent(JSON.stringify({ merchantId: finance.merchantId }))}`, headers: operator });
    expect(operatorList.json().map((item: { id: string }) => item.id)).toContain(payout.id);
  });

  it('lets the owner and finance request payouts, not a manager or clerk, and keeps provider callbacks for operators', async () => {
    for (const role of ['manager', 'clerk'] as const) {
      const session = await createMerchantWithStaff(testApp.app, role, finance.merchantId);
      expect((await requestPayout(1_00, { session })).statusCode, role).toBe(403);
    }
    const owner = await createMerchantWithStaff(testApp.app, 'owner', finance.merchantId);
    expect((await requestPayout(1_00, { session: owner })).statusCode).toBe(201);
    const asMerchant = await testApp.app.inject({
      method: 'POST',
      url: `${operatorUrl}/payouts/provider-events`,
      headers: finance.headers,
      payload: { provider: 'local', eventId: 'evt_3', type: 'payout.paid', providerReference: 'lpo_x' },
    });
    expect(asMerchant.statusCode).toBe(403);
  });
});
