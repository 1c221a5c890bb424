import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../../db/src/ids.ts';
import { buildStripeTestApp, type StripeTestApp } from '../../helpers/card-payments.ts';
import { fundMerchantThroughOrder, type SettledOrder } from '../../helpers/settled-orders.ts';
import { createOperator } from '../../helpers/shoppers.ts';
import { createMerchantWithStaff, type StaffSession } from '../../helpers/staff.ts';

/** The journal as a simple-rest list for the finance pages: each merchant sees the transfers of its own accounts. */

interface Transfer {
  id: string;
  sequence: number;
  reason: string;
  debitAccountId: string;
  creditAccountId: string;
  referenceId: string | null;
  createdAt: string;
}

let stripe: StripeTestApp;
let owner: StaffSession;
let stranger: StaffSession;
let operator: { authorization: string };
let ownSale: SettledOrder;
let theirSale: SettledOrder;

function get(headers: Record<string, string>, url: string, query: Record<string, unknown> = {}) {
  const parameters = new URLSearchParams(Object.entries(query).map(([name, value]) => [name, JSON.stringify(value)]));
  return stripe.testApp.app.inject({ method: 'GET', url: `${url}?${parameters}`, headers });
}

async function accountIdsOf(merchantId: string): Promise<string[]> {
  const { rows } = await stripe.testApp.app.database.pool.query<{ id: string }>('select id from ledger_account where merchant_id = $1', [merchantId]);
  return rows.map((row) => row.id);
}

beforeAll(async () => {
  stripe = await buildStripeTestApp();
  const { app } = stripe.testApp;
  owner = await createMerchantWithStaff(app, 'owner');
  stranger = await createMerchantWithStaff(app, 'owner');
  operator = (await createOperator(app)).headers;
  ownSale = await fundMerchantThroughOrder(stripe, owner.merchantId, 30_00);
  theirSale = await fundMerchantThroughOrder(stripe, stranger.merchantId, 12_00);
  const payout = await app.inject({ method: 'POST', url: '/api/admin/finance/payouts', headers: { ...owner.headers, 'idempotency-key': newId() }, payload: { amountMinor: 10_00, currency: 'EUR' } });
  expect(payout.statusCode).toBe(201);
}, 120_000);
afterAll(() => stripe?.close());

describe('GET /api/admin/finance/transfers', () => {
  it("lists every transfer that touches one of the merchant's accounts, newest first, and none other", async () => {
    const response = await get(owner.headers, '/api/admin/finance/transfers');
    expect(response.statusCode).toBe(200);
    const transfers: Transfer[] = response.json();
    const own = new Set(await accountIdsOf(owner.merchantId));
    expect(transfers.length).toBeGreaterThan(0);
    expect(transfers.every((transfer) => own.has(transfer.debitAccountId) || own.has(transfer.creditAccountId))).toBe(true);
    expect(transfers.map((transfer) => transfer.reason)).toEqual(expect.arrayContaining(['settlement_net', 'payout']));
    expect(transfers.some((transfer) => transfer.referenceId === theirSale.orderId)).toBe(false);
    expect(transfers.map((transfer) => transfer.sequence)).toEqual([...transfers.map((transfer) => transfer.sequence)].sort((left, right) => right - left));
    expect(response.headers['content-range']).toBe(`transfers 0-${transfers.length - 1}/${transfers.length}`);
  });

  it('filters by reason, reference, account, period and q; getMany finds by id', async () => {
    const [payout] = (await get(owner.headers, '/api/admin/finance/transfers', { filter: { reason: 'payout' } })).json() as Transfer[];
    expect(payout).toMatchObject({ reason: 'payout' });
    const bySale = (await get(owner.headers, '/api/admin/finance/transfers', { filter: { referenceId: ownSale.orderId } })).json() as Transfer[];
    expect(bySale.map((transfer) => transfer.reason)).toContain('settlement_net');
    const byAccount = (await get(owner.headers, '/api/admin/finance/transfers', { filter: { accountId: payout!.debitAccountId } })).json() as Transfer[];
    expect(byAccount.every((transfer) => [transfer.debitAccountId, transfer.creditAccountId].includes(payout!.debitAccountId))).toBe(true);
    expect((await get(owner.headers, '/api/admin/finance/transfers', { filter: { to: '2020-01-01T00:00:00Z' } })).json()).toEqual([]);
    expect((await get(owner.headers, '/api/admin/finance/transfers', { filter: { from: '2020-01-01T00:00:00Z', q: 'payo' } })).json().map((transfer: Transfer) => transfer.id)).toEqual([payout!.id]);
    expect((await get(owner.headers, '/api/admin/finance/transfers', { filter: { id: [payout!.id] } })).json().map((transfer: Transfer) => transfer.id)).toEqual([payout!.id]);
  });

  it("hides another merchant's transfers: not in the list by id, 404 when shown", async () => {
    const theirs = ((await get(stranger.headers, '/api/admin/finance/transfers', { filter: { reason: 'settlement_net' } })).json() as Transfer[])[0]!;
    expect((await get(owner.headers, '/api/admin/finance/transfers', { filter: { id: [theirs.id] } })).json()).toEqual([]);
    const shown = await stripe.testApp.app.inject({ method: 'GET', url: `/api/admin/finance/transfers/${theirs.id}`, headers: owner.headers });
    expect(shown.statusCode).toBe(404);
    const mine = await stripe.testApp.app.inject({ method: 'GET', url: `/api/admin/finance/transfers/${theirs.id}`, headers: stranger.headers });
    expect(mine.json()).toMatchObject({ id: theirs.id, reason: 'settlement_net' });
  });

  it('gives the operator every transfer under /operator/finance/transfers', async () => {
    const all = (await get(operator, '/api/admin/operator/finance/transfers', { range: [0, 499] })).json() as Transfer[];
    const references = all.map((transfer) => transfer.referenceId);
    expect(references).toEqual(expect.arrayContaining([ownSale.orderId, theirSale.orderId]));
  });

  it('refuses a malformed period, naming the filter field', async () => {
    const response = await get(owner.headers, '/api/admin/finance/transfers', { filter: { from: 'last week' } });
    expect(response.statusCode).toBe(400);
    expect(Object.keys(response.json().errors)).toEqual(['filter.from']);
  });
});
