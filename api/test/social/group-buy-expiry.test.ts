import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../db/src/ids.ts';
import { JobQueues } from '../../../db/src/queues/job-queues.ts';
import { assertLedgerInvariants } from '../../../db/src/testing/ledger-invariants.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { expireWithTwoWorkers, untilPast } from '../helpers/expiry.ts';
import { fundWallet, stockOf, walletBalanceMinor } from '../helpers/orders.ts';
import { createGuestShopper, createStoreFixture, type ShopperSession, type StoreFixture } from '../helpers/shoppers.ts';
import { createMerchantWithStaff, type StaffSession } from '../helpers/staff.ts';

const WINDOW_SECONDS = 2;
const TEAM_PRICE_MINOR = 900;
let testApp: TestApp;
let owner: StaffSession;
let shop: StoreFixture;
let queues: JobQueues;

beforeAll(async () => {
  testApp = await buildTestApp({ GROUP_BUY_MIN_WINDOW_SECONDS: '1' });
  owner = await createMerchantWithStaff(testApp.app, 'owner');
  shop = await createStoreFixture(testApp.app, owner.merchantId, { variants: [{ priceMinor: 1_200, stockOnHand: 20 }] });
  queues = new JobQueues(testApp.config);
}, 60_000);
afterAll(async () => {
  await queues?.close();
  await testApp?.close();
});

async function offer(teamSize: number): Promise<{ id: string }> {
  const response = await testApp.app.inject({
    method: 'POST',
    url: '/api/admin/group-buys',
    headers: { ...owner.headers, 'idempotency-key': newId() },
    payload: { variantId: shop.variantIds[0], teamPriceMinor: TEAM_PRICE_MINOR, teamSize, windowSeconds: WINDOW_SECONDS, teamCap: 5 },
  });
  expect(response.statusCode).toBe(201);
  return response.json();
}

async function fundedShopper(): Promise<ShopperSession> {
  const shopper = await createGuestShopper(testApp.app);
  await fundWallet(testApp.app, shopper.shopperId, TEAM_PRICE_MINOR);
  return shopper;
}

/** A team of `teamSize` opened by one shopper and joined by `joiners` more; returns the team and its members. */
async function partlyFilledTeam(teamSize: number, joiners: number): Promise<{ team: { id: string; expiresAt: string }; members: ShopperSession[] }> {
  const { app } = testApp;
  const { id } = await offer(teamSize);
  const leader = await fundedShopper();
  const opened = await app.inject({ method: 'POST', url: `/api/store/group-buys/${id}/teams`, headers: { ...leader.headers, 'idempotency-key': newId() } });
  expect(opened.statusCode).toBe(201);
  const members = [leader];
  for (let index = 0; index < joiners; index += 1) {
    const friend = await fundedShopper();
    expect((await app.inject({ method: 'POST', url: `/api/store/group-buys/teams/${opened.json().id}/members`, headers: friend.headers })).statusCode).toBe(201);
    members.push(friend);
  }
  return { team: opened.json(), members };
}

async function releaseCount(teamId: string): Promise<number> {
  const { rows } = await testApp.app.database.pool.query<{ count: number }>(
    `select count(*)::int as count from ledger_transfer where reason = 'group_buy_release'
        and pending_id in (select hold_transfer_id from group_buy_member where team_id = $1)`,
    [teamId],
  );
  return rows[0]!.count;
}

describe('a group-buy team whose window closes first', () => {
  it('has every hold voided and its stock released once when two workers expire it at the same time; no join after the window', async () => {
    const { app } = testApp;
    const stockBefore = await stockOf(app, shop.variantIds[0]!);
    const { team, members } = await partlyFilledTeam(4, 2);
    expect(await stockOf(app, shop.variantIds[0]!)).toEqual({ onHand: stockBefore.onHand, reserved: stockBefore.reserved + 4 });
    for (const member of members) expect(await walletBalanceMinor(app, member.shopperId)).toBe(0);

    expect(await app.services.groupBuys.expireTeam(team.id)).toMatchObject({ status: 'not_due' });
    expect(await app.services.dueWork.find()).not.toContainEqual(expect.objectContaining({ name: 'group_buy.expire', key: team.id }));

    await untilPast(team.expiresAt);
    const late = await fundedShopper();
    const refused = await app.inject({ method: 'POST', url: `/api/store/group-buys/teams/${team.id}/members`, headers: late.headers });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().code).toBe('group_buy_team_expired');
    expect(await walletBalanceMinor(app, late.shopperId)).toBe(TEAM_PRICE_MINOR);
    expect(await app.services.dueWork.find()).toContainEqual(expect.objectContaining({ name: 'group_buy.expire', key: team.id }));

    const outcomes = await Promise.all([app.services.groupBuys.expireTeam(team.id), app.services.groupBuys.expireTeam(team.id)]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['expired', 'unchanged']);
    expect(outcomes).toContainEqual({ status: 'expired', releasedHolds: 3 });
    expect(await app.services.groupBuys.expireTeam(team.id)).toMatchObject({ status: 'unchanged' });

    for (const member of members) expect(await walletBalanceMinor(app, member.shopperId)).toBe(TEAM_PRICE_MINOR);
    expect(await stockOf(app, shop.variantIds[0]!)).toEqual(stockBefore);
    expect(await releaseCount(team.id)).toBe(3);
    const shown = (await app.inject({ method: 'GET', url: `/api/store/group-buys/teams/${team.id}`, headers: members[0]!.headers })).json();
    expect(shown).toMatchObject({ status: 'expired', memberCount: 3 });
    expect(shown.members.every((member: { releaseTransferId: string | null; orderId: string | null }) => member.releaseTransferId && !member.orderId)).toBe(true);
    expect(await app.services.dueWork.find()).not.toContainEqual(expect.objectContaining({ name: 'group_buy.expire', key: team.id }));
    await assertLedgerInvariants(app.database);
  }, 30_000);

  it('is found by the due-work sweeper and expired by two real job workers exactly once', async () => {
    const { app } = testApp;
    const stockBefore = await stockOf(app, shop.variantIds[0]!);
    const { team, members } = await partlyFilledTeam(3, 1);
    await untilPast(team.expiresAt);

    await expireWithTwoWorkers(testApp, queues, {
      job: 'group_buy.expire',
      key: team.id,
      isDone: async () => (await releaseCount(team.id)) >= 2,
      notDone: 'the team did not expire',
      check: async () => {
        expect(await releaseCount(team.id)).toBe(2);
        for (const member of members) expect(await walletBalanceMinor(app, member.shopperId)).toBe(TEAM_PRICE_MINOR);
        expect(await stockOf(app, shop.variantIds[0]!)).toEqual(stockBefore);
        expect((await app.services.dueWork.find()).filter((work) => work.key === team.id)).toEqual([]);
        await assertLedgerInvariants(app.database);
      },
    });
  }, 30_000);
});
