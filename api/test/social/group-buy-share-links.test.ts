import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../db/src/ids.ts';
import { assertLedgerInvariants } from '../../../db/src/testing/ledger-invariants.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { fundWallet } from '../helpers/orders.ts';
import { createGuestShopper, createStoreFixture, type ShopperSession, type StoreFixture } from '../helpers/shoppers.ts';
import { createMerchantWithStaff, type StaffSession } from '../helpers/staff.ts';

/**
 * A group buy and one of its teams shared through share links (docs/social.md §2-§3): the `/r/<code>` page
 * unfurls with the team price and opens the widget at the offer or the team with the sharer's code; a
 * friend who opens the team link and joins has their member order attributed to the sharer, like a
 * checkout order.
 */
const TEAM_PRICE_MINOR = 1_500;
let testApp: TestApp;
let owner: StaffSession;
let shop: StoreFixture;
const app = () => testApp.app;

beforeAll(async () => {
  testApp = await buildTestApp();
  owner = await createMerchantWithStaff(app(), 'owner');
  shop = await createStoreFixture(app(), owner.merchantId, { variants: [{ priceMinor: 2_000, stockOnHand: 50 }] });
  const updated = await app().inject({ method: 'PUT', url: `/api/admin/shops/${shop.shopId}`, headers: owner.headers, payload: { referralCommissionBasisPoints: 1000 } });
  expect(updated.statusCode, updated.body).toBe(200);
}, 60_000);
afterEach(() => assertLedgerInvariants(testApp.database));
afterAll(async () => testApp?.close());

function post(url: string, headers: Record<string, string>, payload?: object) {
  return app().inject({ method: 'POST', url, headers, ...(payload ? { payload } : {}) });
}

async function fundedShopper(): Promise<ShopperSession> {
  const shopper = await createGuestShopper(app());
  await fundWallet(app(), shopper.shopperId, TEAM_PRICE_MINOR);
  return shopper;
}

async function createOffer(teamSize: number): Promise<{ id: string }> {
  const response = await post('/api/admin/group-buys', { ...owner.headers, 'idempotency-key': newId() }, { variantId: shop.variantIds[0], teamPriceMinor: TEAM_PRICE_MINOR, teamSize, teamCap: 10 });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

describe('group-buy share links', () => {
  it('a team link unfurls at the team price, opens the widget at the team, and attributes the joining friend’s order to the sharer', async () => {
    const offer = await createOffer(2);
    const leader = await fundedShopper();
    const opened = await post(`/api/store/group-buys/${offer.id}/teams`, { ...leader.headers, 'idempotency-key': newId() });
    expect(opened.statusCode, opened.body).toBe(201);
    const team = opened.json();

    const created = await post('/api/store/share-links', leader.headers, { kind: 'group_buy_team', shopSlug: shop.slug, targetId: team.id });
    expect(created.statusCode, created.body).toBe(201);
    const link = created.json();
    expect(link).toMatchObject({ kind: 'group_buy_team', targetId: team.id, card: { kind: 'group_buy_team', priceMinor: TEAM_PRICE_MINOR, currency: 'EUR', shopSlug: shop.slug } });
    expect(link.card.title).toContain('team of 2');
    expect(link.url).toMatch(new RegExp(`/r/${link.code}$`));
    // Sharing again gives the same code: the sharer's referral code for this team.
    expect((await post('/api/store/share-links', leader.headers, { kind: 'group_buy_team', shopSlug: shop.slug, targetId: team.id })).json().code).toBe(link.code);

    const page = await app().inject({ method: 'GET', url: `/r/${link.code}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<meta property="og:type" content="product">');
    expect(page.body).toContain('<meta property="product:price:amount" content="15.00">');
    expect(page.body).toContain('<meta name="twitter:data1" content="€15.00">');
    expect(page.body).toContain(`<meta property="og:site_name" content="Shop ${shop.slug}">`);
    expect(page.body).toContain(`<minishop-store shop="${shop.slug}" group-buy-team="${team.id}" ref="${link.code}">`);

    // The friend opens the link signed in (the widget does this), then joins: the team forms.
    const friend = await fundedShopper();
    const touch = await post(`/api/store/share-links/${link.code}/opens`, friend.headers);
    expect(touch.statusCode, touch.body).toBe(201);
    expect(touch.json()).toMatchObject({ attributed: true, shopSlug: shop.slug });
    const joined = await post(`/api/store/group-buys/teams/${team.id}/members`, friend.headers);
    expect(joined.statusCode, joined.body).toBe(201);
    expect(joined.json().team).toMatchObject({ status: 'formed', memberCount: 2 });

    const formed = (await app().inject({ method: 'GET', url: `/api/store/group-buys/teams/${team.id}`, headers: friend.headers })).json();
    const friendOrderId = formed.me.orderId as string;
    const leaderOrderId = formed.members.find((member: { shopperId: string }) => member.shopperId === leader.shopperId).orderId as string;
    const commissions = await app().inject({ method: 'GET', url: '/api/store/referral-commissions', headers: leader.headers });
    expect(commissions.statusCode, commissions.body).toBe(200);
    const items = commissions.json().items as { orderId: string; status: string; basisPoints: number; orderTotalMinor: number }[];
    expect(items.map((item) => item.orderId)).toEqual([friendOrderId]);
    expect(items[0]).toMatchObject({ status: 'pending', basisPoints: 1000, orderTotalMinor: TEAM_PRICE_MINOR });
    // The sharer's own order is nobody's (no touch), and the formed team's link no longer unfurls a seat.
    const { rows } = await app().database.pool.query(`select order_id from referral_commission where order_id = any($1::uuid[])`, [[leaderOrderId, friendOrderId]]);
    expect(rows.map((row) => row.order_id)).toEqual([friendOrderId]);
    expect((await app().inject({ method: 'GET', url: `/r/${link.code}` })).statusCode).toBe(404);
  });

  it('an offer link opens the widget at the group buy; bad targets are refused naming the field', async () => {
    const offer = await createOffer(3);
    const sharer = await createGuestShopper(app());
    const created = await post('/api/store/share-links', sharer.headers, { kind: 'group_buy', shopSlug: shop.slug, targetId: offer.id });
    expect(created.statusCode, created.body).toBe(201);
    const link = created.json();
    expect(link.card).toMatchObject({ kind: 'group_buy', priceMinor: TEAM_PRICE_MINOR });
    const page = await app().inject({ method: 'GET', url: `/r/${link.code}` });
    expect(page.body).toContain(`<minishop-store shop="${shop.slug}" group-buy="${offer.id}" ref="${link.code}">`);
    expect(page.body).toContain('team of 3');

    const before = await app().database.pool.query('select count(*)::int as count from share_link');
    const missing = await post('/api/store/share-links', sharer.headers, { kind: 'group_buy', shopSlug: shop.slug });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('targetId');
    const badKind = await post('/api/store/share-links', sharer.headers, { kind: 'group_buy_teams', shopSlug: shop.slug, targetId: offer.id });
    expect(badKind.statusCode).toBe(400);
    expect(badKind.body).toContain('kind');
    expect((await post('/api/store/share-links', sharer.headers, { kind: 'group_buy_team', shopSlug: shop.slug, targetId: newId() })).statusCode).toBe(404);
    // An offer id is not a team id (and the other way round).
    expect((await post('/api/store/share-links', sharer.headers, { kind: 'group_buy_team', shopSlug: shop.slug, targetId: offer.id })).statusCode).toBe(404);
    const after = await app().database.pool.query('select count(*)::int as count from share_link');
    expect(after.rows[0].count).toBe(before.rows[0].count);
  });
});
