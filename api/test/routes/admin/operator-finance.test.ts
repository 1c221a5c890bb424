import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../../db/src/ids.ts';
import { assertLedgerInvariants } from '../../../../db/src/testing/ledger-invariants.ts';
import type { TestApp } from '../../helpers/app.ts';
import { buildStripeTestApp, type StripeTestApp } from '../../helpers/card-payments.ts';
import { operatorHeaders, parseCsv, type CsvLine } from '../../helpers/finance.ts';
import { deliveredOrder, setPlatformFee } from '../../helpers/settled-orders.ts';
import { createOperator, createStoreFixture } from '../../helpers/shoppers.ts';
import { createMerchantWithStaff, type StaffSession } from '../../helpers/staff.ts';
import { sealBeforeRead } from '../../../../db/src/modules/ledger/ledger-sealer.ts';

let stripe: StripeTestApp;
let testApp: TestApp;
let operator: { authorization: string };
let merchantOne: StaffSession;
let merchantTwo: StaffSession;

const url = '/api/admin/operator/finance';

async function get(path: string, headers: Record<string, string> = operator) {
  return testApp.app.inject({ method: 'GET', url: `${url}${path}`, headers });
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** JSON with keys sorted at every depth: the recipe of docs/finance.md, written out again here on purpose. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortedKeys((value as Record<string, unknown>)[key])]));
  return value;
}

/** Recomputes a transfer's body hash and chain hash from one CSV line, as docs/finance.md tells an auditor to. */
function recompute(line: CsvLine) {
  const orNull = (text: string | undefined) => (text === '' || text === undefined ? null : text);
  const body = [
    line.transfer_id,
    line.kind,
    orNull(line.pending_id),
    line.debit_account_id,
    line.credit_account_id,
    Number(line.amount_minor),
    line.currency,
    Number(line.timeout_seconds),
    line.linked === 'true',
    line.reason,
    orNull(line.reference_type),
    orNull(line.reference_id),
    orNull(line.corrects_id),
    sortedKeys(JSON.parse(line.metadata!)),
  ];
  const bodyHash = sha256Hex(JSON.stringify(body));
  const hash = sha256Hex(JSON.stringify([line.previous_hash, Number(line.sequence), line.created_at, bodyHash]));
  return { bodyHash, hash };
}

/** A time between two steps of the scenario, distinct from both (transfers carry millisecond times). */
async function mark(): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, 5));
  const time = new Date().toISOString();
  await new Promise((resolve) => setTimeout(resolve, 5));
  return time;
}

/** After the first order's payment, before its settlement. */
let afterFirstPayment: string;

beforeAll(async () => {
  stripe = await buildStripeTestApp();
  testApp = stripe.testApp;
  operator = await operatorHeaders(testApp.app);
  merchantOne = await createMerchantWithStaff(testApp.app, 'finance');
  merchantTwo = await createMerchantWithStaff(testApp.app, 'finance');
  // The merchants earn through real orders (topped up by card, paid by wallet, delivered, confirmed,
  // settled) at a platform fee of 1.25 % that the operator sets: 80.00 settles as 79.00 + 1.00.
  const platformOperator = (await createOperator(testApp.app)).headers;
  for (const [merchant, currency] of [
    [merchantOne, 'EUR'],
    [merchantTwo, 'EUR'],
    [merchantOne, 'USD'],
  ] as const) {
    const owner = await createMerchantWithStaff(testApp.app, 'owner', merchant.merchantId);
    await setPlatformFee(testApp.app, platformOperator, merchant.merchantId, 125);
    const shop = await createStoreFixture(testApp.app, merchant.merchantId, { currency, variants: [{ priceMinor: 80_00, stockOnHand: 1 }] });
    const { order, shopper } = await deliveredOrder(stripe, { merchant: owner, shop });
    afterFirstPayment ??= await mark();
    expect((await testApp.app.inject({ method: 'POST', url: `/api/store/orders/${order.id}/confirm-receipt`, headers: shopper.headers })).statusCode).toBe(200);
    expect(await testApp.app.services.settlement.settle(order.id)).toMatchObject({ status: 'settled', netMinor: 79_00, platformFeeMinor: 1_00 });
  }
  const payout = await testApp.app.inject({ method: 'POST', url: '/api/admin/finance/payouts', headers: { ...merchantOne.headers, 'idempotency-key': newId() }, payload: { amountMinor: 9_99, currency: 'EUR' } });
  expect(payout.statusCode, payout.body).toBe(201);
  // An operator's posting with nested, unsorted metadata: the export must write it so that the hash recomputes.
  const account = async (kind: string) => (await testApp.app.inject({ method: 'POST', url: '/api/admin/operator/ledger/accounts', headers: operator, payload: { kind, currency: 'EUR' } })).json();
  const [world, fees] = [await account('world'), await account('platform_fees')];
  const posted = await testApp.app.inject({
    method: 'POST',
    url: '/api/admin/operator/ledger/transfers',
    headers: operator,
    payload: { transfers: [{ id: newId(), debitAccountId: world.id, creditAccountId: fees.id, amountMinor: 1, currency: 'EUR', reason: 'adjustment', metadata: { zeta: 'ü "quoted", comma', alpha: { two: 2, one: [1, { b: 1, a: 0 }] } } }] },
  });
  expect(posted.statusCode, posted.body).toBe(200);
});
afterEach(() => assertLedgerInvariants(testApp.database));
afterAll(async () => {
  await stripe.close();
});

describe('/api/admin/operator/finance reads', () => {
  it('is for operators only', async () => {
    for (const path of ['/accounts', '/trial-balance', '/journal.csv', '/reconciliation?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z', '/payouts']) {
      expect((await get(path, merchantOne.headers)).statusCode, path).toBe(403);
    }
    expect((await testApp.app.inject({ method: 'GET', url: `${url}/trial-balance` })).statusCode).toBe(401);
  });

  it('sees every account, platform accounts included, with statements', async () => {
    const accounts = (await get('/accounts?range=[0,99]')).json();
    expect(new Set(accounts.map((account: { kind: string }) => account.kind))).toEqual(
      new Set(['card_clearing', 'shopper_wallet', 'escrow', 'merchant_available', 'platform_fees', 'payouts_in_transit', 'world']),
    );
    const escrow = accounts.find((account: { kind: string; currency: string }) => account.kind === 'escrow' && account.currency === 'EUR');
    const statement = (await get(`/accounts/${escrow.id}/statement`)).json();
    expect(statement.closing).toMatchObject({ balanceMinor: escrow.balanceMinor, creditsPosted: escrow.creditsPosted });
    // Two payments in, then each settlement's net and fee out.
    expect(statement.lines.map((line: { reason: string }) => line.reason)).toEqual(['order_payment', 'settlement_net', 'settlement_fee', 'order_payment', 'settlement_net', 'settlement_fee']);
    const clearing = accounts.find((account: { kind: string; currency: string }) => account.kind === 'card_clearing' && account.currency === 'EUR');
    // A debit-normal account: its balance is debits less credits.
    expect((await get(`/accounts/${clearing.id}/balance`)).json()).toMatchObject({ balanceMinor: 160_00, debitsPosted: 160_00 });
  });

  it('balances the trial balance per currency, now and as of a past time', async () => {
    const now = (await get('/trial-balance')).json();
    expect(now.balanced).toBe(true);
    expect(now.currencies.map((currency: { currency: string }) => currency.currency)).toEqual(['EUR', 'USD']);
    for (const currency of now.currencies) {
      expect(currency.debitsPosted).toBe(currency.creditsPosted);
      expect(currency.debitsPending).toBe(currency.creditsPending);
      expect(currency.debitBalancesMinor).toBe(currency.creditBalancesMinor);
    }
    const eur = now.currencies[0];
    expect(eur.kinds.find((kind: { kind: string }) => kind.kind === 'merchant_available')).toMatchObject({ accounts: 2, creditsPosted: 2 * 79_00, debitsPending: 9_99 });
    expect(eur.kinds.find((kind: { kind: string }) => kind.kind === 'card_clearing')).toMatchObject({ debitBalancesMinor: 160_00, creditBalancesMinor: 0 });
    // As of now, the sums over the transfers agree with the account rows.
    const recomputed = (await get('/trial-balance?asOf=2099-01-01T00:00:00.000Z')).json();
    expect(recomputed.currencies).toEqual(now.currencies);

    const past = (await get(`/trial-balance?asOf=${afterFirstPayment}`)).json();
    expect(past.balanced).toBe(true);
    expect(past.currencies).toHaveLength(1);
    const kinds = Object.fromEntries(past.currencies[0].kinds.map((kind: { kind: string; debitsPosted: number; creditsPosted: number }) => [kind.kind, [kind.debitsPosted, kind.creditsPosted]]));
    expect(kinds).toMatchObject({ card_clearing: [80_00, 0], shopper_wallet: [80_00, 80_00], escrow: [0, 80_00] });
  });
});

describe('/api/admin/operator/finance journal', () => {
  it('exports the whole journal so that anyone can recompute the hash chain from the CSV', async () => {
    const lines = parseCsv((await get('/journal.csv')).body);
    const transfers = (await testApp.database.pool.query<{ count: number }>('select count(*)::int as count from ledger_transfer')).rows[0]!.count;
    expect(lines).toHaveLength(transfers * 2);
    const head = (await testApp.database.pool.query<{ last_hash: string }>('select last_hash from ledger_head')).rows[0]!;
    let previousHash = '0'.repeat(64);
    for (const line of lines.filter((entry) => entry.side === 'debit')) {
      expect(line.previous_hash, line.sequence).toBe(previousHash);
      const { bodyHash, hash } = recompute(line);
      expect(bodyHash, line.sequence).toBe(line.body_hash);
      expect(hash, line.sequence).toBe(line.hash);
      previousHash = hash;
    }
    expect(previousHash).toBe(head.last_hash);
    const adjustment = lines.find((line) => line.reason === 'adjustment')!;
    // Keys sorted at every depth, the operator who posted it recorded among them (docs/ledger.md).
    expect(adjustment.metadata).toMatch(/^\{"alpha":\{"one":\[1,\{"a":0,"b":1\}\],"two":2\},"postedByStaffUserId":"[0-9a-f-]{36}","zeta":"ü \\"quoted\\", comma"\}$/);
  });

  it('sums to zero per currency, and exports one merchant when asked', async () => {
    const lines = parseCsv((await get('/journal.csv')).body);
    for (const currency of ['EUR', 'USD']) {
      const own = lines.filter((line) => line.currency === currency);
      const debits = own.reduce((total, line) => total + Number(line.debit_minor), 0);
      const credits = own.reduce((total, line) => total + Number(line.credit_minor), 0);
      expect(debits, currency).toBe(credits);
    }
    const response = await get(`/journal.csv?merchantId=${merchantTwo.merchantId}`);
    expect(response.headers['content-disposition']).toBe(`attachment; filename="journal-merchant-${merchantTwo.merchantId}-start-now.csv"`);
    const merchantLines = parseCsv(response.body);
    const accountIds = (await testApp.database.pool.query<{ id: string }>('select id from ledger_account where merchant_id = $1', [merchantTwo.merchantId])).rows.map((row) => row.id);
    await sealBeforeRead(testApp.database.pool);
    const expected = (
      await testApp.database.pool.query<{ id: string }>('select id from ledger_transfer where debit_account_id = any($1) or credit_account_id = any($1) order by sequence', [accountIds])
    ).rows.map((row) => row.id);
    expect([...new Set(merchantLines.map((line) => line.transfer_id))]).toEqual(expected);
    expect(expected).toHaveLength(1);
  });
});
