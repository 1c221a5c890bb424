import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../db/src/ids.ts';
import { assertLedgerInvariants } from '../../../db/src/testing/ledger-invariants.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { countRows, escrowBalanceMinor, fundWallet, stockOf, walletBalanceMinor } from '../helpers/orders.ts';
import { createGuestShopper, createStoreFixture, type ShopperSession, type StoreFixture } from '../helpers/shoppers.ts';
import { createMerchantWithStaff, type StaffSession } from '../helpers/staff.ts';

const REGULAR_PRICE_MINOR = 2_000;
const TEAM_PRICE_MINOR = 1_500;
let testApp: TestApp;
let owner: StaffSession;
let shop: StoreFixture;

beforeAll(async () => {
  testApp = await buildTestApp();
  owner = await createMerchantWithStaff(testApp.app, 'owner');
  shop = await createStoreFixture(testApp.app, owner.merchantId, { variants: [{ priceMinor: REGULAR_PRICE_MINOR, stockOnHand: 100 }] });
}, 60_000);
afterAll(async () => testApp?.close());

async function createOffer(body: Record<string, unknown>, idempotencyKey = newId()) {
  return testApp.app.inject({
    method: 'POST',
    url: '/api/admin/group-buys',
    headers: { ...owner.headers, 'idempotency-key': idempotencyKey },
    payload: { variantId: shop.variantIds[0], teamPriceMinor: TEAM_PRICE_MINOR, teamCap: 10, ...body },
  });
}

async function fundedShopper(amountMinor = TEAM_PRICE_MINOR): Promise<ShopperSession> {
  const shopper = await createGuestShopper(testApp.app);
  await fundWallet(testApp.app, shopper.shopperId, amountMinor);
  return shopper;
}

function openTeam(shopper: ShopperSession, groupBuyId: string, idempotencyKey = newId()) {
  return testApp.app.inject({ method: 'POST', url: `/api/store/group-buys/${groupBuyId}/teams`, headers: { ...shopper.headers, 'idempotency-key': idempotencyKey } });
}

function join(shopper: ShopperSession, teamId: string) {
  return testApp.app.inject({ method: 'POST', url: `/api/store/group-buys/teams/${teamId}/members`, headers: shopper.headers });
}

describe('group buys', () => {
  it('refuses bad offers with a 4xx naming the field, and creates nothing', async () => {
    const before = await testApp.app.database.pool.query('select count(*)::int as count from group_buy');
    const cases: [Record<string, unknown>, string][] = [
      [{ teamPriceMinor: 0 }, 'teamPriceMinor'],
      [{ teamPriceMinor: REGULAR_PRICE_MINOR }, 'teamPriceMinor'],
      [{ teamSize: 1 }, 'teamSize'],
      [{ windowSeconds: 10 }, 'windowSeconds'],
      [{ teamCap: 0 }, 'teamCap'],
      [{ variantId: newId() }, 'variantId'],
      [{ variantId: 'not-a-uuid' }, 'variantId'],
    ];
    for (const [body, field] of cases) {
      const response = await createOffer(body);
      expect(response.statusCode, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(response.statusCode, JSON.stringify(body)).toBeLessThan(500);
      expect(response.body, JSON.stringify(body)).toContain(field);
    }
    const missingKey = await testApp.app.inject({ method: 'POST', url: '/api/admin/group-buys', headers: owner.headers, payload: { variantId: shop.variantIds[0], teamPriceMinor: 1, teamCap: 1 } });
    expect(missingKey.statusCode).toBe(400);
    expect(missingKey.body).toContain('idempotency-key');
    const after = await testApp.app.database.pool.query('select count(*)::int as count from group_buy');
    expect(after.rows[0].count).toBe(before.rows[0].count);

    // Defaults, and a replay answering 201 again with the same offer.
    const key = newId();
    const created = await createOffer({}, key);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ teamSize: 2, windowSeconds: 86_400, teamCap: 10, teamPriceMinor: TEAM_PRICE_MINOR, regularPriceMinor: REGULAR_PRICE_MINOR, openedTeams: 0 });
    const replayed = await createOffer({}, key);
    expect(replayed.statusCode).toBe(201);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.json().id).toBe(created.json().id);
  });

  it('200 shoppers racing to join a team of 5: exactly 5 pay the team price, the rest are refused with nothing held', async () => {
    const { app } = testApp;
    const offer = (await createOffer({ teamSize: 5 })).json();
    const leader = await fundedShopper();
    const opened = await openTeam(leader, offer.id);
    expect(opened.statusCode).toBe(201);
    const team = opened.json();
    expect(team).toMatchObject({ status: 'open', memberCount: 1, teamSize: 5 });
    expect(await walletBalanceMinor(app, leader.shopperId)).toBe(0);
    expect(await stockOf(app, shop.variantIds[0]!)).toMatchObject({ reserved: 5 });

    const racers: ShopperSession[] = [];
    for (let index = 0; index < 200; index += 1) racers.push(await fundedShopper());
    const escrowBefore = await escrowBalanceMinor(app);
    const answers = await Promise.all(racers.map((racer) => join(racer, team.id)));
    const joined = answers.filter((answer) => answer.statusCode === 201);
    const refused = answers.filter((answer) => answer.statusCode === 409);
    expect(joined).toHaveLength(4);
    expect(refused).toHaveLength(196);
    for (const answer of refused) expect(answer.json().code).toBe('group_buy_team_full');

    const balances = await Promise.all(racers.map((racer) => walletBalanceMinor(app, racer.shopperId)));
    // Winners paid the team price; losers hold everything (nothing pending either).
    expect(balances.filter((balance) => balance === 0)).toHaveLength(4);
    expect(balances.filter((balance) => balance === TEAM_PRICE_MINOR)).toHaveLength(196);
    const { rows: pending } = await app.database.pool.query(
      `select count(*)::int as count from ledger_account where kind = 'shopper_wallet' and owner_id = any($1::uuid[]) and debits_pending > 0`,
      [racers.map((racer) => racer.shopperId)],
    );
    expect(pending[0].count).toBe(0);
    expect((await escrowBalanceMinor(app)) - escrowBefore).toBe(5 * TEAM_PRICE_MINOR);

    const formed = (await app.inject({ method: 'GET', url: `/api/store/group-buys/teams/${team.id}`, headers: leader.headers })).json();
    expect(formed).toMatchObject({ status: 'formed', memberCount: 5 });
    expect(formed.members).toHaveLength(5);
    const orderIds = formed.members.map((member: { orderId: string }) => member.orderId);
    const { rows: orders } = await app.database.pool.query(`select status, source, total_minor::int as total, payment_method as method from shop_order where id = any($1::uuid[])`, [orderIds]);
    expect(orders).toHaveLength(5);
    for (const order of orders) expect(order).toEqual({ status: 'paid', source: 'group_buy', total: TEAM_PRICE_MINOR, method: 'wallet' });
    // The team's reserved units became a sale.
    expect(await stockOf(app, shop.variantIds[0]!)).toEqual({ onHand: 95, reserved: 0 });

    // Joining a formed team (even a member again) moves nothing.
    const again = await join(leader, team.id);
    expect(again.statusCode).toBe(200);
    expect(again.json().duplicate).toBe(true);
    await assertLedgerInvariants(app.database);
  }, 120_000);

  it('a shopper cannot join the same team twice, even twice at once; a wallet too small is refused with nothing held', async () => {
    const { app } = testApp;
    const offer = (await createOffer({ teamSize: 3 })).json();
    const leader = await fundedShopper();
    const team = (await openTeam(leader, offer.id)).json();
    const friend = await fundedShopper(TEAM_PRICE_MINOR * 3);
    const both = await Promise.all([join(friend, team.id), join(friend, team.id)]);
    expect(both.map((answer) => answer.statusCode).sort()).toEqual([200, 201]);
    expect(await walletBalanceMinor(app, friend.shopperId)).toBe(TEAM_PRICE_MINOR * 2);
    const poor = await fundedShopper(TEAM_PRICE_MINOR - 1);
    const refused = await join(poor, team.id);
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ code: 'insufficient_funds' });
    expect(refused.body).toContain('teamPriceMinor');
    const shown = (await app.inject({ method: 'GET', url: `/api/store/group-buys/teams/${team.id}`, headers: poor.headers })).json();
    expect(shown).toMatchObject({ status: 'open', memberCount: 2 });
    expect(await walletBalanceMinor(app, poor.shopperId)).toBe(TEAM_PRICE_MINOR - 1);
    const unknown = await join(poor, newId());
    expect(unknown.statusCode).toBe(404);
  });

  it('team formed -> every order paid; a refund of a member order returns the money to that shopper’s wallet', async () => {
    const { app } = testApp;
    const offer = (await createOffer({})).json();
    const leader = await fundedShopper(TEAM_PRICE_MINOR + 100);
    const friend = await fundedShopper();
    const team = (await openTeam(leader, offer.id)).json();
    const joined = await join(friend, team.id);
    expect(joined.statusCode).toBe(201);
    const formed = joined.json().team;
    expect(formed.status).toBe('formed');
    // The joiner sees their own seat and order.
    expect(formed.me).toEqual({ position: 1, orderId: expect.any(String) });
    const leaderOrderId = formed.members.find((member: { shopperId: string }) => member.shopperId === leader.shopperId).orderId;
    expect(await walletBalanceMinor(app, leader.shopperId)).toBe(100);

    const ordersBefore = await countRows(app, 'shop_order');
    const refund = await app.inject({ method: 'POST', url: `/api/admin/orders/${leaderOrderId}/refunds`, headers: { ...owner.headers, 'idempotency-key': newId() }, payload: { amountMinor: 400 } });
    expect(refund.statusCode).toBe(201);
    expect(await walletBalanceMinor(app, leader.shopperId)).toBe(500);
    expect(await walletBalanceMinor(app, friend.shopperId)).toBe(0);
    expect(await countRows(app, 'shop_order')).toBe(ordersBefore);

    // The shopper sees the order among theirs, paid at the team price.
    const mine = await app.inject({ method: 'GET', url: `/api/store/orders/${leaderOrderId}`, headers: leader.headers });
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toMatchObject({ source: 'group_buy', totalMinor: TEAM_PRICE_MINOR, refundedMinor: 400 });

    // The console shows the team with its holds and the captures that resolved them.
    const shown = (await app.inject({ method: 'GET', url: `/api/admin/group-buys/${offer.id}`, headers: owner.headers })).json();
    expect(shown).toMatchObject({ formedTeams: 1, openTeams: 0, openedTeams: 1 });
    const reasons = shown.teams[0].transfers.map((transfer: { kind: string; reason: string }) => `${transfer.kind}:${transfer.reason}`);
    expect(reasons).toEqual(['pending:group_buy_hold', 'pending:group_buy_hold', 'post_pending:order_payment', 'post_pending:order_payment']);
    await assertLedgerInvariants(app.database);
  });

  it('refuses a team beyond the cap, and one the stock cannot cover, with nothing held', async () => {
    const { app } = testApp;
    const offer = (await createOffer({ teamCap: 1 })).json();
    await openTeam(await fundedShopper(), offer.id);
    const late = await fundedShopper();
    const refused = await openTeam(late, offer.id);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('group_buy_closed');
    expect(await walletBalanceMinor(app, late.shopperId)).toBe(TEAM_PRICE_MINOR);

    const scarce = await createStoreFixture(app, owner.merchantId, { variants: [{ priceMinor: REGULAR_PRICE_MINOR, stockOnHand: 2 }] });
    const scarceOffer = (await createOffer({ variantId: scarce.variantIds[0], teamSize: 3 })).json();
    const tooMany = await openTeam(late, scarceOffer.id);
    expect(tooMany.statusCode).toBe(409);
    expect(tooMany.json().code).toBe('group_buy_out_of_stock');
    expect(await walletBalanceMinor(app, late.shopperId)).toBe(TEAM_PRICE_MINOR);
    expect(await stockOf(app, scarce.variantIds[0]!)).toEqual({ onHand: 2, reserved: 0 });
    expect((await app.inject({ method: 'GET', url: `/api/admin/group-buys/${scarceOffer.id}`, headers: owner.headers })).json()).toMatchObject({ openedTeams: 0 });
  });
});
