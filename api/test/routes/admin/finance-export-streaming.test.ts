import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillLedger } from '../../../../db/src/testing/ledger-bulk.ts';
import { assertLedgerInvariants } from '../../../../db/src/testing/ledger-invariants.ts';
import { operatorHeaders } from '../../helpers/finance.ts';
import { buildTestApp, type TestApp } from '../../helpers/app.ts';
import { placePaidOrder } from '../../helpers/orders.ts';
import { createGuestShopper, createStoreFixture } from '../../helpers/shoppers.ts';
import { createMerchantWithStaff, type StaffSession } from '../../helpers/staff.ts';

let testApp: TestApp;
let baseUrl: string;
let operator: { authorization: string };
let finance: StaffSession;

const TRANSFERS = 30_000;
/** The export pool's size, and so the cap on exports running at once. */
const EXPORT_CAP = 2;

function open(path: string, headers: Record<string, string>): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${baseUrl}${path}`, { headers }, resolve);
    request.on('error', reject);
    request.end();
  });
}

/** Until both pools have every client back, no session of this database holds a transaction, and no export runs. */
async function settled(): Promise<void> {
  const { pool, exportPool } = testApp.database;
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const open = await pool.query<{ count: number }>(
      `select count(*)::int as count from pg_stat_activity where datname = current_database() and xact_start is not null and pid <> pg_backend_pid()`,
    );
    const poolsIdle = pool.totalCount === pool.idleCount && exportPool.totalCount === exportPool.idleCount;
    if (poolsIdle && open.rows[0]!.count === 0 && testApp.app.services.journalExport.runningExports === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('an export kept its database client');
}

beforeAll(async () => {
  testApp = await buildTestApp({ DATABASE_EXPORT_POOL_MAX: String(EXPORT_CAP), JOURNAL_EXPORT_RETRY_AFTER_SECONDS: '7' });
  operator = await operatorHeaders(testApp.app);
  finance = await createMerchantWithStaff(testApp.app, 'finance');
  await fillLedger(testApp.database.pool, { transfers: TRANSFERS, merchantId: finance.merchantId, wallets: 200 });
  await testApp.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(testApp.app.server.address() as AddressInfo).port}`;
});
afterAll(() => testApp.close());

describe('journal exports over HTTP', () => {
  it('streams the whole journal as an attachment over a real connection', async () => {
    await assertLedgerInvariants(testApp.database);
    const response = await open('/api/admin/operator/finance/journal.csv', operator);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-disposition']).toBe('attachment; filename="journal-platform-start-now.csv"');
    expect(response.headers['transfer-encoding']).toBe('chunked');
    let newlines = 0;
    let chunks = 0;
    for await (const chunk of response as AsyncIterable<Buffer>) {
      chunks += 1;
      for (const byte of chunk) if (byte === 10) newlines += 1;
    }
    expect(newlines).toBe(1 + 2 * TRANSFERS);
    expect(chunks).toBeGreaterThan(10);
    await settled();
  });

  it('gives the database client back when the reader goes away mid-download', async () => {
    // More aborted downloads than the export pool has clients: a leak would refuse the next export.
    for (let attempt = 0; attempt < EXPORT_CAP + 2; attempt += 1) {
      const response = await open('/api/admin/finance/journal.jsonl', finance.headers);
      expect(response.statusCode).toBe(200);
      await new Promise<void>((resolve) => response.once('data', () => resolve()));
      response.destroy();
      await settled();
    }
    const after = await testApp.app.inject({ method: 'GET', url: '/api/admin/finance/balances', headers: finance.headers });
    expect(after.statusCode).toBe(200);
  });

  it('refuses the export past the cap with 429 and Retry-After, while checkout still goes through', async () => {
    const shop = await createStoreFixture(testApp.app, finance.merchantId, { variants: [{ priceMinor: 4_50, stockOnHand: 5 }] });
    const shopper = await createGuestShopper(testApp.app);
    // Slow readers: each download is opened and then not read, so it keeps its export running.
    const slow = await Promise.all(Array.from({ length: EXPORT_CAP }, () => open('/api/admin/operator/finance/journal.csv', operator)));
    expect(slow.map((response) => response.statusCode)).toEqual(Array(EXPORT_CAP).fill(200));
    expect(testApp.app.services.journalExport.runningExports).toBe(EXPORT_CAP);
    expect(testApp.database.exportPool.totalCount).toBe(EXPORT_CAP);

    const refused = await open('/api/admin/finance/journal.jsonl', finance.headers);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('7');
    let body = '';
    for await (const chunk of refused as AsyncIterable<Buffer>) body += chunk.toString('utf8');
    expect(JSON.parse(body)).toMatchObject({ type: 'rate_limited', code: 'journal_exports_busy' });

    // The main pool is untouched by the exports: a shopper checks out and pays by wallet meanwhile.
    const order = await placePaidOrder(testApp.app, shopper, shop.slug, shop.variantIds[0]!);
    expect(order).toMatchObject({ status: 'paid', totalMinor: 4_50 });

    for (const response of slow) response.destroy();
    await settled();
    const again = await open('/api/admin/finance/journal.jsonl', finance.headers);
    expect(again.statusCode).toBe(200);
    again.destroy();
    await settled();
    await assertLedgerInvariants(testApp.database);
  });
});
