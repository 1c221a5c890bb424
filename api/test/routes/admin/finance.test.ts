import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../../db/src/ids.ts';
import type { LedgerTransfer } from '../../../../db/src/modules/ledger/ledger.types.ts';
import { decimalFromMinor, type CurrencyCode } from '../../../../db/src/money.ts';
import { assertLedgerInvariants } from '../../../../db/src/testing/ledger-invariants.ts';
import { ClockedLedger, parseCsv, parseJsonLines, type CsvLine } from '../../helpers/finance.ts';
import { buildTestApp, type TestApp } from '../../helpers/app.ts';
import { createMerchantWithStaff, type StaffSession } from '../../helpers/staff.ts';

let testApp: TestApp;
let ledger: ClockedLedger;
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
  const pendingAmounts = new Map(ledger.recorded.filter((transfer) => transfer.kind === 'pending').map((transfer) => [transfer.id, transfer.amountMinor]));
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

function touching(accountIds: string[], transfers = ledger.recorded): LedgerTransfer[] {
  return transfers.filter((transfer) => accountIds.includes(transfer.debitAccountId) || accountIds.includes(transfer.creditAccountId));
}

async function get(path: string, session: StaffSession = financeA) {
  return testApp.app.inject({ method: 'GET', url: `${url}${path}`, headers: session.headers });
}

beforeAll(async () => {
  testApp = await buildTestApp();
  financeA = await createMerchantWithStaff(testApp.app, 'finance');
  financeB = await createMerchantWithStaff(testApp.app, 'finance');
  ledger = new ClockedLedger(testApp.database);
  const { recipes } = ledger;
  const shopperOne = newId();
  const shopperTwo = newId();
  const [orderOne, orderTwo, orderThree] = [newId(), newId(), newId()];
  const merchantA = financeA.merchantId;

  await ledger.recordAt('2026-03-01T09:00:00.000Z', recipes.topUp({ eventId: newId(), shopperId: shopperOne, source: 'world', currency: 'EUR', amountMinor: 100_00 }));
  await ledger.recordAt('2026-03-01T10:00:00.000Z', recipes.walletPayment({ eventId: newId(), orderId: orderOne, shopperId: shopperOne, currency: 'EUR', amountMinor: 30_00 }));
  await ledger.recordAt('2026-03-02T10:00:00.000Z', recipes.settlement({ eventId: newId(), orderId: orderOne, merchantId: merchantA, currency: 'EUR', grossMinor: 30_00, feeBasisPoints: 250 }));
  const [cardPayment] = await ledger.recordAt(
    '2026-03-03T10:00:00.000Z',
    recipes.cardPayment({ eventId: newId(), orderId: orderTwo, currency: 'EUR', amountMinor: 50_00, paymentIntentId: 'pi_test_123' }),
  );
  await ledger.recordAt('2026-03-04T10:00:00.000Z', recipes.settlement({ eventId: newId(), orderId: orderTwo, merchantId: merchantA, currency: 'EUR', grossMinor: 50_00, feeBasisPoints: 300 }));
  await ledger.recordAt('2026-03-05T09:00:00.000Z', recipes.topUp({ eventId: newId(), shopperId: shopperTwo, source: 'world', currency: 'USD', amountMinor: 20_00 }));
  await ledger.recordAt('2026-03-05T10:00:00.000Z', recipes.walletPayment({ eventId: newId(), orderId: orderThree, shopperId: shopperTwo, currency: 'USD', amountMinor: 20_00 }));
  await ledger.recordAt(
    '2026-03-05T11:00:00.000Z',
    recipes.settlement({ eventId: newId(), orderId: orderThree, merchantId: financeB.merchantId, currency: 'USD', grossMinor: 20_00, feeBasisPoints: 0 }),
  );
  const firstPayout = newId();
  const [firstHold] = await ledger.recordAt('2026-03-06T10:00:00.000Z', recipes.payoutStart({ eventId: firstPayout, payoutId: firstPayout, merchantId: merchantA, currency: 'EUR', amountMinor: 10_00 }));
  await ledger.recordAt('2026-03-07T10:00:00.000Z', recipes.payoutComplete({ eventId: newId(), payoutTransferId: firstHold!.id }));
  const secondPayout = newId();
  const [secondHold] = await ledger.recordAt('2026-03-08T10:00:00.000Z', recipes.payoutStart({ eventId: secondPayout, payoutId: secondPayout, merchantId: merchantA, currency: 'EUR', amountMinor: 5_00 }));
  await ledger.recordAt('2026-03-09T10:00:00.000Z', recipes.payoutFail({ eventId: newId(), payoutTransferId: secondHold!.id }));
  await ledger.recordAt('2026-03-10T10:00:00.000Z', recipes.refund({ eventId: newId(), paymentTransferId: cardPayment!.id, amountMinor: 10_00, settledMerchantId: merchantA, refundId: 're_test_1' }));
  const thirdPayout = newId();
  await ledger.recordAt('2026-03-11T10:00:00.000Z', recipes.payoutStart({ eventId: thirdPayout, payoutId: thirdPayout, merchantId: merchantA, currency: 'EUR', amountMinor: 7_00 }));

  const accounts = await testApp.database.pool.query<{ id: string; owner_id: string }>(`select id, owner_id from ledger_account where kind = 'merchant_available'`);
  availableA = accounts.rows.find((row) => row.owner_id === financeA.merchantId)!;
  availableB = accounts.rows.find((row) => row.owner_id === financeB.merchantId)!;
});
afterEach(() => assertLedgerInvariants(testApp.database));
afterAll(async () => {
  await ledger.close();
  await testApp.close();
});

describe('/api/admin/finance accounts and balances', () => {
  it("lists only the merchant's own accounts, with balances that follow the ledger's rules", async () => {
    const response = await get('/accounts');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-range']).toBe('accounts 0-0/1');
    const [account] = response.json();
    // 2925 + 4850 settled; 1000 paid out; 1000 refunded; 700 held by an open payout.
    expect(account).toMatchObject({ id: availableA.id, kind: 'merchant_available', currency: 'EUR', balanceMinor: 5775, availableMinor: 5075, debitsPending: 700 });
    expect(account).toMatchObject(creditNormal(expectedTotals(availableA.id, ledger.recorded)));
  });

  it('sums up available, held and pending money per currency', async () => {
    const response = await get('/balances');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual([{ currency: 'EUR', availableMinor: 5075, balanceMinor: 5775, heldForPayoutsMinor: 700, pendingSettlementMinor: 0 }]);
  });

  it('gives the balance as of any past time as the sum of the transfers up to it', async () => {
    const times = [
      '2026-02-28T00:00:00.000Z',
      '2026-03-02T10:00:00.000Z',
      '2026-03-02T09:59:59.999Z',
      '2026-03-06T12:00:00.000Z',
      '2026-03-07T10:00:00.000Z',
      '2026-03-08T23:00:00.000Z',
      '2026-03-10T10:00:00.000Z',
      '2026-12-31T00:00:00.000Z',
    ];
    for (const asOf of times) {
      const response = await get(`/accounts/${availableA.id}/balance?asOf=${asOf}`);
      expect(response.statusCode, asOf).toBe(200);
      const upTo = ledger.recorded.filter((transfer) => transfer.createdAt.getTime() <= Date.parse(asOf));
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
    const from = '2026-03-04T00:00:00.000Z';
    const to = '2026-03-09T00:00:00.000Z';
    const statement = (await get(`/accounts/${availableA.id}/statement?from=${from}&to=${to}`)).json();
    const inPeriod = touching([availableA.id]).filter((transfer) => transfer.createdAt.getTime() >= Date.parse(from) && transfer.createdAt.getTime() < Date.parse(to));
    expect(statement.lines.map((line: { transferId: string }) => line.transferId)).toEqual(inPeriod.map((transfer) => transfer.id));
    expect(statement.lines.map((line: { reason: string; kind: string }) => `${line.kind}:${line.reason}`)).toEqual([
      'posted:settlement_net',
      'pending:payout',
      'post_pending:payout',
      'pending:payout',
    ]);
    const before = ledger.recorded.filter((transfer) => transfer.createdAt.getTime() < Date.parse(from));
    expect(statement.opening).toEqual(creditNormal(expectedTotals(availableA.id, before)));
    expect(statement.opening.balanceMinor).toBe(2925);
    const closingAsOf = (await get(`/accounts/${availableA.id}/balance?asOf=2026-03-08T23:59:59.999Z`)).json();
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
    const refund = lines.find((line) => line.reason === 'refund' && line.side === 'credit')!;
    expect(refund).toMatchObject({ account_kind: 'card_clearing', account_owner_type: 'platform', account_owner_id: '', credit: '10.00', metadata: '{"refundId":"re_test_1"}' });
  });

  it('exports exactly the transfers of a period', async () => {
    const from = '2026-03-06T00:00:00.000Z';
    const to = '2026-03-10T00:00:00.000Z';
    const response = await get(`/journal.csv?from=${from}&to=${to}`);
    expect(response.headers['content-disposition']).toBe(`attachment; filename="journal-merchant-${financeA.merchantId}-2026-03-06T000000Z-2026-03-10T000000Z.csv"`);
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
    const refund = lines.find((line) => line.reason === 'refund');
    expect(refund?.metadata).toEqual({ refundId: 're_test_1' });
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
