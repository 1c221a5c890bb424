import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStripeTestApp, type StripeTestApp } from '../../helpers/card-payments.ts';
import { createGuestShopper, createOperator, createStoreFixture } from '../../helpers/shoppers.ts';
import { createMerchantWithStaff, type StaffSession } from '../../helpers/staff.ts';
import { populateMerchant } from '../../helpers/tenant-records.ts';
import { fundWallet } from '../../helpers/orders.ts';
import { groupProof, registerChatHost } from '../../social/social-helpers.ts';
import { newId } from '../../../../db/src/ids.ts';

/**
 * react-admin's defaults on every admin list, generated from the running app: each GET operation of
 * the OpenAPI document (built from the route table) that takes simple-rest's `sort` is a list, and
 * each must answer `<List>`'s first request (`sort=["id","ASC"]&range=[0,9]&filter={}`), getMany's
 * `filter={"id":[...]}` and a `q` search. A list added tomorrow is checked without touching this file;
 * it only needs a record made by populateMerchant (or below) so that getMany has something to find.
 */

let stripe: StripeTestApp;
let owner: StaffSession;
let operatorHeaders: { authorization: string };
let listPaths: string[];

function get(url: string, headers: Record<string, string>) {
  return stripe.testApp.app.inject({ method: 'GET', url, headers });
}

function listUrl(path: string, query: { sort?: unknown; range?: unknown; filter?: unknown }): string {
  const parameters = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) parameters.set(name, JSON.stringify(value));
  return `${path}?${parameters}`;
}

function headersFor(path: string): Record<string, string> {
  return path.startsWith('/api/admin/operator/') ? operatorHeaders : owner.headers;
}

beforeAll(async () => {
  stripe = await buildStripeTestApp();
  const { app } = stripe.testApp;
  owner = await createMerchantWithStaff(app, 'owner');
  operatorHeaders = (await createOperator(app)).headers;
  // Subscribed before the orders are placed, so that their events fan out to it.
  const endpoint = await app.inject({
    method: 'POST',
    url: '/api/admin/webhook-endpoints',
    headers: owner.headers,
    payload: { url: 'https://hooks.example.test/minishop', description: 'the warehouse', events: ['order.paid'] },
  });
  expect(endpoint.statusCode).toBe(201);
  const records = await populateMerchant(stripe, owner, await createGuestShopper(app), 40_00);
  // The fan-out job's processor (workers/src/processors/webhook-fan-out.ts) calls exactly this.
  const { rows } = await app.database.pool.query<{ id: string }>(`select id from outbox where type = 'order.paid' and aggregate_id = $1`, [records.paidOrderId]);
  expect(await app.services.webhookDeliveries.fanOut(rows[0]!.id)).toEqual({ deliveries: 1 });
  const chatHost = await app.inject({ method: 'POST', url: '/api/admin/operator/chat-hosts', headers: operatorHeaders, payload: { name: 'Lists chat' } });
  expect(chatHost.statusCode).toBe(201);
  // A red envelope of the merchant's, from the balance its settled order left (docs/social.md).
  const host = await registerChatHost(app, operatorHeaders);
  const envelope = await app.inject({
    method: 'POST',
    url: '/api/admin/red-envelopes',
    headers: { ...owner.headers, 'idempotency-key': newId() },
    payload: { mode: 'equal', currency: 'EUR', amountMinor: 3_00, shareCount: 3, group: await groupProof(host, null, 'lists') },
  });
  expect(envelope.statusCode, envelope.body).toBe(201);
  // A referral commission (docs/social.md §4): a shopper shares a product, a friend opens the link and orders.
  const referralShop = await createStoreFixture(app, owner.merchantId);
  expect((await app.inject({ method: 'PUT', url: `/api/admin/shops/${referralShop.shopId}`, headers: owner.headers, payload: { referralCommissionBasisPoints: 500 } })).statusCode).toBe(200);
  const sharer = await createGuestShopper(app);
  const friend = await createGuestShopper(app);
  const link = await app.inject({ method: 'POST', url: '/api/store/share-links', headers: sharer.headers, payload: { kind: 'product', shopSlug: referralShop.slug, targetId: referralShop.productId } });
  expect(link.statusCode, link.body).toBe(201);
  expect((await app.inject({ method: 'POST', url: `/api/store/share-links/${link.json().code}/opens`, headers: friend.headers })).statusCode).toBe(201);
  const referred = await app.inject({ method: 'POST', url: `/api/store/shops/${referralShop.slug}/orders`, headers: friend.headers, payload: { source: 'buy_now', variantId: referralShop.variantIds[0], quantity: 1 } });
  expect(referred.statusCode, referred.body).toBe(201);
  // A group buy of the merchant's variant with one team opened by a shopper (docs/social.md §2).
  const groupBuy = await app.inject({
    method: 'POST',
    url: '/api/admin/group-buys',
    headers: { ...owner.headers, 'idempotency-key': newId() },
    payload: { variantId: records.variantId, teamPriceMinor: 1, teamCap: 2 },
  });
  expect(groupBuy.statusCode, groupBuy.body).toBe(201);
  const teamLeader = await createGuestShopper(app);
  await fundWallet(app, teamLeader.shopperId, 1);
  const team = await app.inject({ method: 'POST', url: `/api/store/group-buys/${groupBuy.json().id}/teams`, headers: { ...teamLeader.headers, 'idempotency-key': newId() } });
  expect(team.statusCode, team.body).toBe(201);

  const document = app.swagger() as { paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>> };
  listPaths = Object.entries(document.paths)
    .filter(([path, operations]) => path.startsWith('/api/admin') && operations.get?.parameters?.some((parameter) => parameter.in === 'query' && parameter.name === 'sort'))
    .map(([path]) => path);
}, 120_000);
afterAll(() => stripe?.close());

describe('the admin lists found in the route table', () => {
  it('include every list the console shows', () => {
    expect(listPaths).toEqual(
      expect.arrayContaining([
        '/api/admin/shops',
        '/api/admin/commissions',
        '/api/admin/staff',
        '/api/admin/invitations',
        '/api/admin/api-keys',
        '/api/admin/orders',
        '/api/admin/payment-code-charges',
        '/api/admin/finance/accounts',
        '/api/admin/finance/payouts',
        '/api/admin/shipments',
        '/api/admin/couriers',
        '/api/admin/webhook-endpoints',
        '/api/admin/webhook-deliveries',
        '/api/admin/operator/merchants',
        '/api/admin/operator/shops',
        '/api/admin/operator/chat-hosts',
        '/api/admin/operator/ledger/accounts',
        '/api/admin/operator/ledger/transfers',
        '/api/admin/operator/finance/payouts',
        '/api/admin/group-buys',
        '/api/admin/group-buy-teams',
      ]),
    );
    // Path parameters would need a record of their own; no list has one today.
    expect(listPaths.filter((path) => path.includes('{'))).toEqual([]);
  });
});

describe('every admin list with react-admin defaults', () => {
  it('answers <List>\'s first request (sort by id, first ten, no filter) with 200, rows and Content-Range', async () => {
    const failures: string[] = [];
    for (const path of listPaths) {
      const response = await get(listUrl(path, { sort: ['id', 'ASC'], range: [0, 9], filter: {} }), headersFor(path));
      const range = response.headers['content-range'];
      if (response.statusCode !== 200) failures.push(`${path}: ${response.statusCode} ${response.body.slice(0, 200)}`);
      else if (typeof range !== 'string' || !/^[a-z-]+ (\d+-\d+|\*)\/\d+$/.test(range)) failures.push(`${path}: Content-Range ${String(range)}`);
      else if (response.json().length === 0) failures.push(`${path}: no rows to check getMany with`);
      else {
        const ids = response.json().map((row: { id: string }) => row.id);
        if (ids.join() !== [...ids].sort().join()) failures.push(`${path}: not sorted by id: ${ids.join()}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('answers getMany (filter={"id":[<one real id>]}) with exactly that record', async () => {
    const failures: string[] = [];
    for (const path of listPaths) {
      const first = (await get(listUrl(path, { sort: ['id', 'DESC'], range: [0, 0] }), headersFor(path))).json()[0] as { id: string };
      const response = await get(listUrl(path, { filter: { id: [first.id] } }), headersFor(path));
      if (response.statusCode !== 200) failures.push(`${path}: ${response.statusCode} ${response.body.slice(0, 200)}`);
      else if (JSON.stringify(response.json().map((row: { id: string }) => row.id)) !== JSON.stringify([first.id])) failures.push(`${path}: got ${response.body.slice(0, 200)}`);
      else if (!String(response.headers['content-range']).endsWith('/1')) failures.push(`${path}: Content-Range ${String(response.headers['content-range'])}`);
    }
    expect(failures).toEqual([]);
  });

  it('applies q: a text nothing contains finds no row, where the unfiltered list has some', async () => {
    const failures: string[] = [];
    for (const path of listPaths) {
      const response = await get(listUrl(path, { filter: { q: 'zz-nothing-has-this-zz' } }), headersFor(path));
      if (response.statusCode !== 200) failures.push(`${path}: ${response.statusCode} ${response.body.slice(0, 200)}`);
      else if (response.json().length !== 0 || response.headers['content-range'] !== `${response.headers['content-range']}`.replace(/ .*/, ' */0')) {
        failures.push(`${path}: q ignored: ${response.headers['content-range']}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('honours range: [1,1] is the second row, and Content-Range says so', async () => {
    const failures: string[] = [];
    for (const path of listPaths) {
      const all = await get(listUrl(path, { sort: ['id', 'ASC'], range: [0, 499] }), headersFor(path));
      const rows = all.json() as { id: string }[];
      if (rows.length < 2) continue;
      const second = await get(listUrl(path, { sort: ['id', 'ASC'], range: [1, 1] }), headersFor(path));
      if (JSON.stringify(second.json().map((row: { id: string }) => row.id)) !== JSON.stringify([rows[1]!.id])) failures.push(`${path}: ${second.body.slice(0, 200)}`);
      if (!String(second.headers['content-range']).endsWith(` 1-1/${rows.length}`)) failures.push(`${path}: Content-Range ${String(second.headers['content-range'])}`);
    }
    expect(failures).toEqual([]);
  });

  it('still refuses a sort by a field the list does not offer, naming sort', async () => {
    const response = await get(listUrl('/api/admin/orders', { sort: ['password', 'ASC'] }), owner.headers);
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual({ sort: expect.stringContaining('cannot sort by password') });
  });
});

describe('CORS', () => {
  it('exposes Content-Range to the console on another origin', async () => {
    const response = await stripe.testApp.app.inject({ method: 'GET', url: '/api/admin/shops', headers: { ...owner.headers, origin: 'http://localhost:5173' } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-expose-headers']).toContain('Content-Range');
  });
});
