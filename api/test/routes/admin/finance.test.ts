import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../../db/src/ids.ts';
import type { LedgerTransfer } from '../../../../db/src/modules/ledger/ledger.types.ts';
import { decimalFromMinor, type CurrencyCode } from '../../../../db/src/money.ts';
import { assertLedgerInvariants } from '../../../../db/src/testing/ledger-invariants.ts';
import { TRANSFER_COLUMNS, transferFromRow, type TransferRow } from '../../../../db/src/modules/ledger/ledger-store.ts';
import type { TestApp } from '../../helpers/app.ts';
import { buildStripeTestApp, type StripeTestApp } from '../../helpers/card-payments.ts';
import { parseCsv, parseJsonLines, type CsvLine } from '../../helpers/finance.ts';
import { deliveredOrder, setPlatformFee } from '../../helpers/settled-orders.ts';
import { createOperator, createStoreFixture } from '../../helpers/shoppers.ts';
import { createMerchantWithStaff, type StaffSession } from '../../helpers/staff.ts';
import { sealBeforeRead } from '../../../../db/src/modules/ledger/ledger-sealer.ts';

let stripe: StripeTestApp;
let testApp: TestApp;
/** Every transfer of the scenario, read back from the ledger in sequence order. */
let recorded: LedgerTransfer[];
/** Times between the scenario's steps (see beforeAll). */
const marks: Record<string, string> = {};
let refundId: string;
let financeA: StaffSession;
let financeB: StaffSession;
let availableA: { id: string };
let availableB: { id: string };

const url = '/api/admin/finance';

interface Totals {
  debitsPosted: number;
  creditsPosted: number;
  debitsPending: number;
  creditsPending: number;
}

/**
 * The test's own model of an account, written from docs/ledger.md rather than from the finance code:
 * posted and post_pending move money; pending holds; post/void/expire release the whole hold.
 */
function expectedTotals(accountId: string, transfers: LedgerTransfer[]): Totals {
  const pendingAmounts = new Map(recorded.filter((transfer) => transfer.kind === 'pending').map((transfer) => [transfer.id, transfer.amountMinor]));
  const totals = { debitsPosted: 0, creditsPosted: 0, debitsPending: 0, creditsPending: 0 };
  for (const transfer of transfers) {
    const side = transfer.debitAccountId === accountId ? 'debits' : transfer.creditAccountId === accountId ? 'credits' : null;
    if (!side) continue;
    if (transfer.kind === 'posted') totals[`${side}Posted`] += transfer.amountMinor;
    if (transfer.kind === 'pending') totals[`${side}Pending`] += transfer.amountMinor;
    if (transfer.kind === 'post_pending') {
      totals[`${side}Posted`] += transfer.amountMinor;
      totals[`${side}Pending`] -= pendingAmounts.get(transfer.pendingId!)!;
    }
    if (transfer.kind === 'void_pending' || transfer.kind === 'expire_pending') totals[`${side}Pending`] -= pendingAmounts.get(transfer.pendingId!)!;
  }
  return totals;
}

/** Balance and available of a credit-normal account (a merchant's), from its totals. */
function creditNormal(totals: Totals) {
  const balanceMinor = totals.creditsPosted - totals.debitsPosted;
  return { ...totals, balanceMinor, availableMinor: balanceMinor - totals.debitsPending };
}

function touching(accountIds: string[], transfers = recorded): LedgerTransfer[] {
  return transfers.filter((transfer) => accountIds.includes(transfer.debitAccountId) || accountIds.includes(transfer.creditAccountId));
}

async function get(path: string, session: StaffSession = financeA) {
  return testApp.app.inject({ method: 'GET', url: `${url}${path}`, headers: session.headers });
}

/** A time between two steps of the scenario, distinct from both (transfers carry millisecond times). */
async function mark(name: string): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 5));
  marks[name] = new Date().toISOString();
  await new Promise((resolve) => setTimeout(resolve, 5));
}

function call(method: 'POST' | 'PUT', path: string, headers: { authorization: string }, payload: object = {}) {
  return testApp.app.inject({ method, url: path, headers: { ...headers, 'idempotency-key': newId() }, payload });
}

/**
 * The scenario, through the product's own paths: merchant A earns from two orders (the first at the
 * default 2.5 %, the second at 3 % that the operator set), B from a USD order at 0 %; A is paid out 10.00,
 * a payout of 5.00 fails, a 10.00 refund of the second order comes back out of A's balance (9.70; the
 * platform returns its 0.30 share of the fee) and 7.00 wait in an open payout.
 */
beforeAll(async () => {
  stripe = await buildStripeTestApp();
  testApp = stripe.testApp;
  financeA = await createMerchantWithStaff(testApp.app, 'finance');
  financeB = await createMerchantWithStaff(testApp.app, 'finance');
  const ownerA = await createMerchantWithStaff(testApp.app, 'owner', financeA.merchantId);
  const ownerB = await createMerchantWithStaff(testApp.app, 'owner', financeB.merchantId);
  const operator = (await createOperator(testApp.app)).headers;
  const shopA = await createStoreFixture(testApp.app, financeA.merchantId, { variants: [{ priceMinor: 30_00, stockOnHand: 5 }, { priceMinor: 50_00, stockOnHand: 5 }] });
  const shopB = await createStoreFixture(testApp.app, financeB.merchantId, { currency: 'USD', variants: [{ priceMinor: 20_00, stockOnHand: 5 }] });
  const confirm = async (order: { id: string }, shopper: { headers: { authorization: string } }) => {
    expect((await call('POST', `/api/store/orders/${order.id}/confirm-receipt`, shopper.headers)).statusCode).toBe(200);
  };

  await mark('start');
  const one = await deliveredOrder(stripe, { merchant: ownerA, shop: shopA, variantId: shopA.variantIds[0] });
  await confirm(one.order, one.shopper);
  expect(await testApp.app.services.settlement.settle(one.order.id)).toMatchObject({ netMinor: 29_25, platformFeeMinor: 75 });
  await mark('afterFirstSettlement');
  await setPlatformFee(testApp.app, operator, financeA.merchantId, 300);
  const two = await deliveredOrder(stripe, { merchant: ownerA, shop: shopA, variantId: shopA.variantIds[1] });
  await confirm(two.order, two.shopper);
  await mark('beforeSecondSettlement');
  expect(await testApp.app.services.settlement.settle(two.order.id)).toMatchObject({ netMinor: 48_50, platformFeeMinor: 1_50 });
  await mark('afterSecondSettlement');
  await setPlatformFee(testApp.app, operator, financeB.merchantId, 0);
  const three = await deliveredOrder(stripe, { merchant: ownerB, shop: shopB });
  await confirm(three.order, three.shopper);
  await testApp.app.services.settlement.settle(three.order.id);

  const payout = async (amountMinor: number, outcome?: 'paid' | 'failed') => {
    const requested = await call('POST', '/api/admin/finance/payouts', financeA.headers, { amountMinor, currency: 'EUR' });
    expect(requested.statusCode, requested.body).toBe(201);
    if (outcome) await call('POST', `/api/admin/operator/finance/local-provider/payouts/${requested.json().providerReference}/settle`, operator, { outcome });
  };
  await payout(10_00, 'paid');
  const second = await call('POST', '/api/admin/finance/payouts', financeA.headers, { amountMinor: 5_00, currency: 'EUR' });
  await mark('afterSecondPayoutHold');
  await call('POST', `/api/admin/operator/finance/local-provider/payouts/${second.json().providerReference}/settle`, operator, { outcome: 'failed' });
  await mark('afterSecondPayoutFailed');
  const refunded = await call('POST', `/api/admin/orders/${two.order.id}/refunds`, ownerA.headers, { amountMinor: 10_00 });
  expect(refunded.statusCode, refunded.body).toBe(201);
  refundId = refunded.json().refunds[0].id;
  await payout(7_00);
  await mark('end');

  await sealBeforeRead(testApp.database.pool);
  const { rows } = await testApp.database.pool.query<TransferRow>(`select ${TRANSFER_COLUMNS} from ledger_transfer order by sequence`);
  recorded = rows.map(transferFromRow);
  const accounts = await testApp.database.pool.query<{ id: string; owner_id: string }>(`select id, owner_id from ledger_account where kind = 'merchant_available'`);
  availableA = accounts.rows.find((row) => row.owner_id === financeA.merchantId)!;
  availableB = accounts.rows.find((row) => row.owner_id === financeB.merchantId)!;
});
afterEach(() => assertLedgerInvariants(testApp.database));
afterAll(async () => {
  await stripe.close();
});

describe('/api/admin/finance accounts and balances', () => {
  it("lists only the merchant's own accounts, with balances that follow the ledger's rules", async () => {
    const response = await get('/accounts');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-range']).toBe('accounts 0-0/1');
    const [account] = response.json();
    // 2925 + 4850 settled; 1000 paid out; 970 taken back for a refund; 700 held by an open payout.
    expect(account).toMatchObject({ id: availableA.id, kind: 'merchant_available', currency: 'EUR', balanceMinor: 5805, availableMinor: 5105, debitsPending: 700 });
    expect(account).toMatchObject(creditNormal(expectedTotals(availableA.id, recorded)));
  });

  it('sums up available, held and pending money per currency', async () => {
    const response = await get('/balances');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual([{ currency: 'EUR', availableMinor: 5105, balanceMinor: 5805, heldForPayoutsMinor: 700, pendingSettlementMinor: 0 }]);
  });

  it('gives the balance as of any past time as the sum of the transfers up to it', async () => {
    // Between the steps, and exactly at (and a millisecond before) A's first and every later movement.
    const movements = touching([availableA.id]).map((transfer) => transfer.createdAt.getTime());
    const times = [
      '2020-01-01T00:00:00.000Z',
      ...Object.values(marks),
      ...movements.flatMap((time) => [new Date(time).toISOString(), new Date(time - 1).toISOString()]),
      new Date(Date.now() + 365 * 86_400_000).toISOString(),
    ];
    for (const asOf of times) {
      const response = await get(`/accounts/${availableA.id}/balance?asOf=${asOf}`);
      expect(response.statusCode, asOf).toBe(200);
      const upTo = recorded.filter((transfer) => transfer.createdAt.getTime() <= Date.parse(asOf));
      expect(response.json(), asOf).toMatchObject({ accountId: availableA.id, asOf, ...creditNormal(expectedTotals(availableA.id, upTo)), transfers: touching([availableA.id], upTo).length });
    }
    const now = (await get(`/accounts/${availableA.id}/balance`)).json();
    const row = (await get(`/accounts/${availableA.id}`)).json();
    expect(now).toMatchObject({ asOf: null, balanceMinor: row.balanceMinor, availableMinor: row.availableMinor, debitsPosted: row.debitsPosted, creditsPending: row.creditsPending });
  });
});

describe('/api/admin/finance statements', () => {
  it('opens at zero, runs through every movement and closes on the account row', async () => {
    const response = await get(`/accounts/${availableA.id}/statement`);
    expect(response.statusCode).toBe(200);
    const statement = response.json();
    const account = (await get(`/accounts/${availableA.id}`)).json();
    const expected = touching([availableA.id]);
    expect(statement.opening).toMatchObject({ balanceMinor: 0, availableMinor: 0 });
    expect(statement.lines.map((line: { transferId: string }) => line.transferId)).toEqual(expected.map((transfer) => transfer.id));
    expect(statement.closing).toEqual({
      debitsPosted: account.debitsPosted,
      creditsPosted: account.creditsPosted,
      debitsPending: account.debitsPending,
      creditsPending: account.creditsPending,
      balanceMinor: account.balanceMinor,
      availableMinor: account.availableMinor,
    });
    expect(statement.opening.balanceMinor + statement.creditsMinor - statement.debitsMinor).toBe(statement.closing.balanceMinor);
    expect(statement.movements).toBe(expected.length);
    expect(statement.nextAfterSequence).toBeNull();
    // Every running balance is what the transfers up to that line add up to.
    statement.lines.forEach((line: { balanceMinor: number; availableMinor: number }, index: number) => {
      const { balanceMinor, availableMinor } = creditNormal(expectedTotals(availableA.id, expected.slice(0, index + 1)));
      expect({ balanceMinor: line.balanceMinor, availableMinor: line.availableMinor }, `line ${index}`).toEqual({ balanceMinor, availableMinor });
    });
    expect(statement.lines.at(-1)).toMatchObject({ balanceMinor: account.balanceMinor, availableMinor: account.availableMinor });
  });

  it('covers exactly a period [from, to), with the opening and closing balances at its ends', async () => {
    const from = marks.beforeSecondSettlement as string;
    const to = marks.afterSecondPayoutHold as string;
    const statement = (await get(`/accounts/${availableA.id}/statement?from=${from}&to=${to}`)).json();
    const inPeriod = touching([availableA.id]).filter((transfer) => transfer.createdAt.getTime() >= Date.parse(from) && transfer.createdAt.getTime() < Date.parse(to));
    expect(statement.lines.map((line: { transferId: string }) => line.transferId)).toEqual(inPeriod.map((transfer) => transfer.id));
    expect(statement.lines.map((line: { reason: string; kind: string }) => `${line.kind}:${line.reason}`)).toEqual([
      'posted:settlement_net',
      'pending:payout',
      'post_pending:payout',
      'pending:payout',
    ]);
    const before = recorded.filter((transfer) => transfer.createdAt.getTime() < Date.parse(from));
    expect(statement.opening).toEqual(creditNormal(expectedTotals(availableA.id, before)));
    expect(statement.opening.balanceMinor).toBe(2925);
    const closingAsOf = (await get(`/accounts/${availableA.id}/balance?asOf=${new Date(Date.parse(to) - 1).toISOString()}`)).json();
    expect(statement.closing).toMatchObject({ balanceMinor: closingAsOf.balanceMinor, availableMinor: closingAsOf.availableMinor });
    expect(statement.opening.balanceMinor + statement.creditsMinor - statement.debitsMinor).toBe(statement.closing.balanceMinor);
    expect(statement.lines.at(-1)).toMatchObject({ balanceMinor: statement.closing.balanceMinor, availableMinor: statement.closing.availableMinor });
  });

  it('pages chain exactly: each page starts from the running balance where the last one stopped', async () => {
    const whole = (await get(`/accounts/${availableA.id}/statement`)).json();
    const lines: unknown[] = [];
    let afterSequence: number | null = 0;
    let pages = 0;
    while (afterSequence !== null) {
      const page: { opening: unknown; closing: unknown; lines: unknown[]; nextAfterSequence: number | null } = (await get(`/accounts/${availableA.id}/statement?limit=2&afterSequence=${afterSequence}`)).json();
      expect(page.opening).toEqual(whole.opening);
      expect(page.closing).toEqual(whole.closing);
      lines.push(...page.lines);
      afterSequence = page.nextAfterSequence;
      pages += 1;
    }
    expect(pages).toBe(Math.ceil(whole.lines.length / 2));
    expect(lines).toEqual(whole.lines);
  });

  it('refuses a period that ends before it starts, and malformed times', async () => {
    const reversed = await get(`/accounts/${availableA.id}/statement?from=2026-03-09T00:00:00Z&to=2026-03-01T00:00:00Z`);
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json()).toMatchObject({ code: 'invalid_period', errors: { to: 'must be after from' } });
    expect((await get(`/accounts/${availableA.id}/balance?asOf=yesterday`)).statusCode).toBe(400);
    expect((await get(`/accounts/${availableA.id}/statement?limit=0`)).statusCode).toBe(400);
    expect((await get(`/journal.csv?from=2026-03-09T00:00:00Z&to=2026-03-09T00:00:00Z`)).statusCode).toBe(400);
  });
});

describe('/api/admin/finance journal exports', () => {
  it('exports the merchant journal as CSV that re-adds to zero per currency and to the statements', async () => {
    const response = await get('/journal.csv');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="journal-merchant-${financeA.merchantId}-start-now.csv"`);
    const lines = parseCsv(response.body);
    const expected = touching([availableA.id]);
    expect(lines).toHaveLength(expected.length * 2);
    expect([...new Set(lines.map((line) => line.transfer_id))]).toEqual(expected.map((transfer) => transfer.id));

    const sums = new Map<string, { debits: number; credits: number }>();
    for (const line of lines) {
      const sum = sums.get(line.currency!) ?? { debits: 0, credits: 0 };
      sum.debits += Number(line.debit_minor);
      sum.credits += Number(line.credit_minor);
      sums.set(line.currency!, sum);
      expect(line.debit).toBe(decimalFromMinor(Number(line.debit_minor), line.currency as CurrencyCode));
      expect(line.credit).toBe(decimalFromMinor(Number(line.credit_minor), line.currency as CurrencyCode));
      expect(line.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
    for (const [currency, sum] of sums) expect(sum.debits, currency).toBe(sum.credits);

    const statement = (await get(`/accounts/${availableA.id}/statement`)).json();
    const ownLines = lines.filter((line) => line.account_id === availableA.id);
    const credits = ownLines.reduce((total, line) => total + Number(line.credit_minor), 0);
    const debits = ownLines.reduce((total, line) => total + Number(line.debit_minor), 0);
    expect(credits - debits).toBe(statement.closing.balanceMinor - statement.opening.balanceMinor);
    expect(credits).toBe(statement.creditsMinor);
    expect(debits).toBe(statement.debitsMinor);
  });

  it('writes amounts as integers and exact decimals, metadata as canonical JSON, null as empty', async () => {
    const lines = parseCsv((await get('/journal.csv')).body);
    const net = lines.find((line) => line.reason === 'settlement_net' && line.side === 'credit' && line.amount_minor === '4850')!;
    expect(net).toMatchObject({ account_id: availableA.id, account_kind: 'merchant_available', credit_minor: '4850', credit: '48.50', debit: '0.00', currency: 'EUR', kind: 'posted' });
    expect(net).toMatchObject({ pending_id: '', corrects_id: '', linked: 'true', metadata: '{}', timeout_seconds: '0' });
    const hold = lines.find((line) => line.kind === 'pending' && line.side === 'debit')!;
    expect(hold).toMatchObject({ amount_minor: '1000', amount: '10.00', debit_minor: '0', credit_minor: '0' });
    // The refund took 9.70 back from A into escrow, a correction of the settlement's net leg.
    const reversal = lines.find((line) => line.reason === 'settlement_reversal_net' && line.side === 'credit')!;
    const settlementNet = lines.find((line) => line.reason === 'settlement_net' && line.amount_minor === '4850')!;
    expect(reversal).toMatchObject({ account_kind: 'escrow', account_owner_type: 'platform', account_owner_id: '', credit: '9.70', corrects_id: settlementNet.transfer_id, metadata: `{"refundId":"${refundId}"}` });
  });

  it('exports exactly the transfers of a period', async () => {
    const from = marks.afterSecondSettlement as string;
    const to = marks.afterSecondPayoutFailed as string;
    const response = await get(`/journal.csv?from=${from}&to=${to}`);
    const stamp = (time: string) => time.replace(/\.\d{3}Z$/, 'Z').replaceAll(':', '');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="journal-merchant-${financeA.merchantId}-${stamp(from)}-${stamp(to)}.csv"`);
    const ids = [...new Set(parseCsv(response.body).map((line) => line.transfer_id))];
    const expected = touching([availableA.id]).filter((transfer) => transfer.createdAt.getTime() >= Date.parse(from) && transfer.createdAt.getTime() < Date.parse(to));
    expect(ids).toEqual(expected.map((transfer) => transfer.id));
    expect(ids).toHaveLength(4);
  });

  it('exports exactly the transfers of one account', async () => {
    const escrowOfA = (await testApp.database.pool.query<{ id: string }>(`select id from ledger_account where kind = 'escrow' and currency = 'EUR'`)).rows[0]!;
    const own = parseCsv((await get(`/journal.csv?accountId=${availableA.id}`)).body);
    expect([...new Set(own.map((line) => line.transfer_id))]).toEqual(touching([availableA.id]).map((transfer) => transfer.id));
    // A platform account is not the merchant's, even when its transfers touch the merchant.
    expect((await get(`/journal.csv?accountId=${escrowOfA.id}`)).statusCode).toBe(404);
  });

  it('exports the same lines as JSON lines, with typed values', async () => {
    const csv = parseCsv((await get('/journal.csv')).body);
    const response = await get('/journal.jsonl');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="journal-merchant-.+\.jsonl"$/);
    const lines = parseJsonLines(response.body);
    expect(lines).toHaveLength(csv.length);
    expect(Object.keys(lines[0]!)).toEqual(Object.keys(csv[0]!));
    lines.forEach((line, index) => {
      const row = csv[index] as CsvLine;
      expect(line.transfer_id).toBe(row.transfer_id);
      expect(line.debit_minor).toBe(Number(row.debit_minor));
      expect(line.credit).toBe(row.credit);
      expect(line.linked).toBe(row.linked === 'true');
      expect(JSON.stringify(line.metadata)).toBe(row.metadata);
      expect(line.reference_id ?? '').toBe(row.reference_id);
    });
    const reversal = lines.find((line) => line.reason === 'settlement_reversal_net');
    expect(reversal?.metadata).toEqual({ refundId });
  });
});

describe('/api/admin/finance tenancy and roles', () => {
  it("answers 404 for another merchant's account on every read", async () => {
    for (const path of [`/accounts/${availableA.id}`, `/accounts/${availableA.id}/balance`, `/accounts/${availableA.id}/statement`, `/journal.csv?accountId=${availableA.id}`, `/journal.jsonl?accountId=${availableA.id}`]) {
      const response = await get(path, financeB);
      expect(response.statusCode, path).toBe(404);
      expect(response.json().code, path).toBe('ledger_account_not_found');
    }
    const list = (await get('/accounts', financeB)).json();
    expect(list.map((account: { id: string }) => account.id)).toEqual([availableB.id]);
    const filtered = await get(`/accounts?filter=${encodeURIComponent(JSON.stringify({ merchantId: financeA.merchantId }))}`, financeB);
    expect(filtered.json()).toEqual([]);
    const exported = parseCsv((await get('/journal.csv', financeB)).body);
    expect(exported.length).toBeGreaterThan(0);
    expect(exported.some((line) => line.account_id === availableA.id)).toBe(false);
    expect(new Set(exported.map((line) => line.currency))).toEqual(new Set(['USD']));
  });

  it('is for the owner and finance roles only', async () => {
    for (const role of ['clerk', 'manager'] as const) {
      const session = await createMerchantWithStaff(testApp.app, role, financeA.merchantId);
      for (const path of ['/accounts', '/balances', `/accounts/${availableA.id}/statement`, '/journal.csv', '/payouts']) {
        expect((await get(path, session)).statusCode, `${role} ${path}`).toBe(403);
      }
    }
    const owner = await createMerchantWithStaff(testApp.app, 'owner', financeA.merchantId);
    expect((await get('/balances', owner)).statusCode).toBe(200);
    expect((await testApp.app.inject({ method: 'GET', url: `${url}/journal.csv` })).statusCode).toBe(401);
  });
});
