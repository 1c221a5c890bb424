import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillLedger } from '../../../../db/src/testing/ledger-bulk.ts';
import { assertLedgerInvariants } from '../../../../db/src/testing/ledger-invariants.ts';
import { operatorHeaders } from '../../helpers/finance.ts';
import { buildTestApp, type TestApp } from '../../helpers/app.ts';
import { createMerchantWithStaff, type StaffSession } from '../../helpers/staff.ts';

let testApp: TestApp;
let baseUrl: string;
let operator: { authorization: string };
let finance: StaffSession;

const TRANSFERS = 30_000;

function open(path: string, headers: Record<string, string>): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${baseUrl}${path}`, { headers }, resolve);
    request.on('error', reject);
    request.end();
  });
}

async function settled(): Promise<void> {
  const { pool } = testApp.database;
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const open = await pool.query<{ count: number }>(
      `select count(*)::int as count from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'`,
    );
    if (pool.totalCount === pool.idleCount && open.rows[0]!.count === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('an export kept its database client');
}

beforeAll(async () => {
  testApp = await buildTestApp();
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
    // More aborted downloads than the pool has clients: a leak would starve the next request.
    for (let attempt = 0; attempt < testApp.config.database.poolMax + 2; attempt += 1) {
      const response = await open('/api/admin/finance/journal.jsonl', finance.headers);
      expect(response.statusCode).toBe(200);
      await new Promise<void>((resolve) => response.once('data', () => resolve()));
      response.destroy();
      await settled();
    }
    const after = await testApp.app.inject({ method: 'GET', url: '/api/admin/finance/balances', headers: finance.headers });
    expect(after.statusCode).toBe(200);
  });
});
