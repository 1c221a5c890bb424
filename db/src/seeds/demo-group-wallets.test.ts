import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, createRedis } from '../redis.ts';
import { createServices, type Services } from '../services.ts';
import { createTestEnvironment, type TestEnvironment } from '../testing/databases.ts';
import { assertLedgerInvariants } from '../testing/ledger-invariants.ts';
import { seedDemo } from './demo.ts';
import { demoMembers } from './demo-chat-members.ts';
import { DEMO_GROUP_WALLET_CREDIT_MINOR, seedDemoGroupWallets } from './demo-group-wallets.ts';

describe("the demo group members' wallets", () => {
  let environment: TestEnvironment;
  let redis: Redis;
  let services: Services;

  beforeAll(async () => {
    environment = await createTestEnvironment();
    redis = await connectRedis(createRedis(environment.config), environment.config.redis.url);
    services = createServices({ config: environment.config, database: environment.database, redis });
    expect(await seedDemo(environment.database, environment.config)).toMatchObject({ seeded: true });
  });
  afterAll(async () => {
    await assertLedgerInvariants(environment.database);
    await services?.ledger.close();
    redis?.disconnect();
    await environment?.cleanup();
  });

  it('hold the demo promotion once, for the shoppers the demo page signs in, however often the seed runs', async () => {
    const first = await seedDemoGroupWallets(environment.database, services);
    const second = await seedDemoGroupWallets(environment.database, services);
    expect(first.map((member) => member.name)).toEqual(['Mei', 'Omar', 'Lina', 'Kenji']);
    expect(second).toEqual(first);
    // The demo page's own tokens (GET /demo/members) sign in as these same shoppers.
    const group = (await demoMembers(environment.database.pool))!;
    for (const [index, member] of group.members.entries()) {
      const session = await services.shoppers.createSession({ provider: 'host', hostId: group.hostId, token: member.token });
      expect(session.shopper.id).toBe(first[index]!.shopperId);
    }
    const { rows } = await environment.database.pool.query<{ ownerId: string; balance: number }>(
      `select owner_id as "ownerId", (credits_posted - debits_posted - debits_pending)::int as balance from ledger_account where kind = 'shopper_wallet' and owner_id = any($1::uuid[])`,
      [first.map((member) => member.shopperId)],
    );
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(row.balance).toBe(DEMO_GROUP_WALLET_CREDIT_MINOR);
    const { rows: transfers } = await environment.database.pool.query(`select count(*)::int as count from ledger_transfer where reason = 'top_up' and credit_account_id in (select id from ledger_account where kind = 'shopper_wallet' and owner_id = any($1::uuid[]))`, [
      first.map((member) => member.shopperId),
    ]);
    expect(transfers[0].count).toBe(4);
  });
});
