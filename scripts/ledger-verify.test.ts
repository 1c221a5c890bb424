import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../db/src/ids.ts';
import { LedgerService } from '../db/src/modules/ledger/ledger.service.ts';
import { createTestEnvironment, type TestEnvironment } from '../db/src/testing/databases.ts';
import { runScript } from '../db/src/testing/run-script.ts';

let environment: TestEnvironment;

beforeAll(async () => {
  environment = await createTestEnvironment();
});
afterAll(() => environment.cleanup());

function verifyCommand(): Promise<{ code: number; output: string }> {
  return runScript('scripts/ledger-verify.ts', [], { ...process.env, DATABASE_URL: environment.config.database.url });
}

describe('npm run ledger:verify', () => {
  it('says OK and exits 0 for a sound ledger, and names the first bad row and exits 1 for a tampered one', async () => {
    const ledger = new LedgerService(environment.database);
    const world = await ledger.openAccount({ kind: 'world', currency: 'EUR' });
    const wallet = await ledger.openAccount({ kind: 'shopper_wallet', currency: 'EUR', ownerId: newId() });
    const [first] = await ledger.record([{ id: newId(), debitAccountId: world.id, creditAccountId: wallet.id, amountMinor: 500, currency: 'EUR', reason: 'top_up' }]);
    await ledger.record([{ id: newId(), debitAccountId: world.id, creditAccountId: wallet.id, amountMinor: 5, currency: 'EUR', reason: 'top_up' }]);
    await ledger.close();

    const sound = await verifyCommand();
    expect(sound.code).toBe(0);
    expect(sound.output).toMatch(/^OK: 2 transfers, 2 accounts/m);

    const client = await environment.database.pool.connect();
    try {
      await client.query('alter table ledger_transfer disable trigger ledger_transfer_append_only');
      await client.query(`update ledger_transfer set reason = 'tampered' where id = $1`, [first!.id]);
    } finally {
      await client.query('alter table ledger_transfer enable trigger ledger_transfer_append_only');
      client.release();
    }
    const tampered = await verifyCommand();
    expect(tampered.code).toBe(1);
    expect(tampered.output).toContain('body_hash_mismatch');
    expect(tampered.output).toContain(`transferId: ${first!.id}`);
  }, 60_000);
});
