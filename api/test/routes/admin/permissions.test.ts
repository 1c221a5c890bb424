import { createHmac } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { newId } from '../../../../db/src/ids.ts';
import type { StaffRole } from '../../../../db/src/modules/staff/membership.entity.ts';
import { PERMISSIONS, roleAllows, type Permission } from '../../../../db/src/modules/staff/permissions.ts';
import { guardedRoutes, type GuardedRoute } from '../../../src/plugins/app/authentication.ts';
import type { RoutePermission } from '../../../src/types.ts';
import { buildTestApp } from '../../helpers/app.ts';
import { logIn } from '../../helpers/auth.ts';
import { createGuestShopper, createOperator } from '../../helpers/shoppers.ts';
import { snapshotDatabase } from '../../helpers/snapshots.ts';
import { createMerchantWithStaff } from '../../helpers/staff.ts';

/**
 * The role matrix, generated from the running app: every guarded /api/admin route, called by every kind
 * of caller. A caller whose role lacks the route's permission (db/src/modules/staff/permissions.ts)
 * gets 403, one who has it never does (400/404/422 are fine: the id is made up and the body empty), and
 * callers without a staff identity get 401.
 *
 * Two reviewed tables pin what the matrix enforces: which permission each admin route names, and which
 * roles each permission grants. Adding an admin route, or loosening a route or a role, fails here until
 * the change is written into them, so it is a visible, reviewed decision.
 */

const ROLES: readonly StaffRole[] = ['owner', 'manager', 'clerk', 'finance'];

/** What each role may do, as reviewed. Must equal PERMISSIONS. */
const REVIEWED_GRANTS: Record<Permission, readonly StaffRole[]> = {
  'shops.read': ['owner', 'manager', 'clerk', 'finance'],
  'shops.write': ['owner', 'manager'],
  'catalog.read': ['owner', 'manager', 'clerk', 'finance'],
  'catalog.write': ['owner', 'manager'],
  'stock.adjust': ['owner', 'manager', 'clerk'],
  'staff.read': ['owner', 'manager'],
  'staff.manage': ['owner'],
  'api_keys.manage': ['owner'],
  'finance.read': ['owner', 'finance'],
  'finance.write': ['owner', 'finance'],
  'orders.read': ['owner', 'manager', 'clerk', 'finance'],
  'orders.fulfil': ['owner', 'manager', 'clerk'],
  'orders.refund': ['owner', 'manager', 'finance'],
  'payments.charge': ['owner', 'manager', 'clerk'],
  'couriers.manage': ['owner', 'manager'],
  'webhooks.manage': ['owner', 'manager'],
};

/** The permission of every admin route but the HEAD twins of GET routes (which must name their GET's). */
const REVIEWED_ROUTES: Record<string, RoutePermission> = {
  'GET /api/admin/shops': 'shops.read',
  'GET /api/admin/shops/:id': 'shops.read',
  'POST /api/admin/shops': 'shops.write',
  'PUT /api/admin/shops/:id': 'shops.write',
  'DELETE /api/admin/shops/:id': 'shops.write',
  'GET /api/admin/categories': 'catalog.read',
  'GET /api/admin/categories/:id': 'catalog.read',
  'POST /api/admin/categories': 'catalog.write',
  'PUT /api/admin/categories/:id': 'catalog.write',
  'DELETE /api/admin/categories/:id': 'catalog.write',
  'GET /api/admin/products': 'catalog.read',
  'GET /api/admin/products/:id': 'catalog.read',
  'POST /api/admin/products': 'catalog.write',
  'PUT /api/admin/products/:id': 'catalog.write',
  'DELETE /api/admin/products/:id': 'catalog.write',
  'GET /api/admin/products/:id/photos': 'catalog.read',
  'POST /api/admin/products/:id/photos': 'catalog.write',
  'PUT /api/admin/products/:id/photos/:photoId': 'catalog.write',
  'DELETE /api/admin/products/:id/photos/:photoId': 'catalog.write',
  'GET /api/admin/dashboard': 'orders.read',
  'GET /api/admin/finance/transfers': 'finance.read',
  'GET /api/admin/finance/transfers/:id': 'finance.read',
  'GET /api/admin/operator/finance/transfers': 'platform.operate',
  'GET /api/admin/operator/finance/transfers/:id': 'platform.operate',
  'GET /api/admin/customers': 'orders.read',
  'GET /api/admin/customers/:id': 'orders.read',
  'GET /api/admin/orders/:id/related': 'orders.read',
  'GET /api/admin/operator/dashboard': 'platform.operate',
  'GET /api/admin/variants': 'catalog.read',
  'GET /api/admin/variants/:id': 'catalog.read',
  'POST /api/admin/variants': 'catalog.write',
  'PUT /api/admin/variants/:id': 'catalog.write',
  'DELETE /api/admin/variants/:id': 'catalog.write',
  'GET /api/admin/stock-movements': 'catalog.read',
  'GET /api/admin/stock-movements/:id': 'catalog.read',
  'POST /api/admin/stock-movements': 'stock.adjust',
  'GET /api/admin/staff': 'staff.read',
  'GET /api/admin/staff/:id': 'staff.read',
  'PUT /api/admin/staff/:id': 'staff.manage',
  'DELETE /api/admin/staff/:id': 'staff.manage',
  'GET /api/admin/invitations': 'staff.read',
  'GET /api/admin/invitations/:id': 'staff.read',
  'POST /api/admin/invitations': 'staff.manage',
  'DELETE /api/admin/invitations/:id': 'staff.manage',
  'GET /api/admin/api-keys': 'api_keys.manage',
  'GET /api/admin/api-keys/:id': 'api_keys.manage',
  'POST /api/admin/api-keys': 'api_keys.manage',
  'DELETE /api/admin/api-keys/:id': 'api_keys.manage',
  'GET /api/admin/qr-codes/shops/:shopId.svg': 'shops.read',
  'GET /api/admin/qr-codes/products/:productId.svg': 'shops.read',
  'GET /api/admin/qr-codes/shops/:shopId/tables/:table.svg': 'shops.read',
  'GET /api/admin/qr-codes/shops/:shopId.png': 'shops.read',
  'GET /api/admin/qr-codes/products/:productId.png': 'shops.read',
  'GET /api/admin/qr-codes/shops/:shopId/tables/:table.png': 'shops.read',
  'GET /api/admin/orders': 'orders.read',
  'GET /api/admin/orders/:id': 'orders.read',
  'POST /api/admin/orders/:id/pack': 'orders.fulfil',
  'POST /api/admin/orders/:id/ship': 'orders.fulfil',
  'POST /api/admin/orders/:id/deliver': 'orders.fulfil',
  'POST /api/admin/orders/:id/cancel': 'orders.refund',
  'POST /api/admin/orders/:id/refunds': 'orders.refund',
  'GET /api/admin/orders/:id/payment-qr': 'orders.read',
  'GET /api/admin/orders/:id/payment-qr.svg': 'orders.read',
  'GET /api/admin/orders/:id/payment-qr.png': 'orders.read',
  'POST /api/admin/payment-code-charges': 'payments.charge',
  'GET /api/admin/payment-code-charges': 'orders.read',
  'GET /api/admin/payment-code-charges/:id': 'orders.read',
  'GET /api/admin/shipments': 'orders.read',
  'GET /api/admin/shipments/:id': 'orders.read',
  'POST /api/admin/shipments/:id/courier': 'orders.fulfil',
  'POST /api/admin/shipments/:id/events': 'orders.fulfil',
  'POST /api/admin/orders/:orderId/shipments': 'orders.fulfil',
  'GET /api/admin/couriers': 'orders.read',
  'GET /api/admin/couriers/:id': 'orders.read',
  'POST /api/admin/couriers': 'couriers.manage',
  'PUT /api/admin/couriers/:id': 'couriers.manage',
  'DELETE /api/admin/couriers/:id': 'couriers.manage',
  'POST /api/admin/couriers/:id/token': 'couriers.manage',
  'GET /api/admin/finance/accounts': 'finance.read',
  'GET /api/admin/finance/accounts/:id': 'finance.read',
  'GET /api/admin/finance/accounts/:id/balance': 'finance.read',
  'GET /api/admin/finance/accounts/:id/statement': 'finance.read',
  'GET /api/admin/finance/journal.csv': 'finance.read',
  'GET /api/admin/finance/journal.jsonl': 'finance.read',
  'GET /api/admin/finance/balances': 'finance.read',
  'GET /api/admin/finance/payouts': 'finance.read',
  'GET /api/admin/finance/payouts/:id': 'finance.read',
  'POST /api/admin/finance/payouts': 'finance.write',
  'POST /api/admin/red-envelopes': 'finance.write',
  'GET /api/admin/red-envelopes': 'finance.read',
  'GET /api/admin/red-envelopes/:id': 'finance.read',
  'GET /api/admin/commissions': 'finance.read',
  'POST /api/admin/share-links': 'shops.read',
  'POST /api/admin/group-buys': 'catalog.write',
  'GET /api/admin/group-buys': 'orders.read',
  'GET /api/admin/group-buys/:id': 'orders.read',
  'GET /api/admin/group-buy-teams': 'orders.read',
  'GET /api/admin/group-buy-teams/:id': 'orders.read',
  'GET /api/admin/operator/merchants': 'platform.operate',
  'GET /api/admin/operator/merchants/:id': 'platform.operate',
  'PUT /api/admin/operator/merchants/:id': 'platform.operate',
  'GET /api/admin/operator/merchants/:id/platform-fee': 'platform.operate',
  'PUT /api/admin/operator/merchants/:id/platform-fee': 'platform.operate',
  'GET /api/admin/operator/chat-hosts': 'platform.operate',
  'GET /api/admin/operator/chat-hosts/:id': 'platform.operate',
  'POST /api/admin/operator/chat-hosts': 'platform.operate',
  'PUT /api/admin/operator/chat-hosts/:id': 'platform.operate',
  'GET /api/admin/operator/ledger/accounts': 'platform.operate',
  'GET /api/admin/operator/ledger/accounts/:id': 'platform.operate',
  'POST /api/admin/operator/ledger/accounts': 'platform.operate',
  'GET /api/admin/operator/ledger/transfers': 'platform.operate',
  'GET /api/admin/operator/ledger/transfers/:id': 'platform.operate',
  'POST /api/admin/operator/ledger/transfers': 'platform.operate',
  'POST /api/admin/operator/ledger/verifications': 'platform.operate',
  'GET /api/admin/operator/ledger/verifications/:id': 'platform.operate',
  'GET /api/admin/operator/finance/accounts': 'platform.operate',
  'GET /api/admin/operator/finance/accounts/:id': 'platform.operate',
  'GET /api/admin/operator/finance/accounts/:id/balance': 'platform.operate',
  'GET /api/admin/operator/finance/accounts/:id/statement': 'platform.operate',
  'GET /api/admin/operator/finance/journal.csv': 'platform.operate',
  'GET /api/admin/operator/finance/journal.jsonl': 'platform.operate',
  'GET /api/admin/operator/finance/trial-balance': 'platform.operate',
  'GET /api/admin/operator/money-attention': 'platform.operate',
  'GET /api/admin/operator/shops': 'platform.operate',
  'POST /api/admin/operator/money-attention/:kind/:id/retry': 'platform.operate',
  'POST /api/admin/operator/money-attention/:kind/:id/resolve': 'platform.operate',
  'GET /api/admin/operator/finance/reconciliation': 'platform.operate',
  'GET /api/admin/operator/finance/payouts': 'platform.operate',
  'GET /api/admin/operator/finance/payouts/:id': 'platform.operate',
  'POST /api/admin/operator/finance/payouts/provider-events': 'platform.operate',
  'POST /api/admin/operator/finance/local-provider/payouts/:providerReference/settle': 'platform.operate',
  'POST /api/admin/operator/finance/local-provider/card-movements': 'platform.operate',
  'GET /api/admin/webhook-endpoints': 'webhooks.manage',
  'GET /api/admin/webhook-endpoints/:id': 'webhooks.manage',
  'POST /api/admin/webhook-endpoints': 'webhooks.manage',
  'PUT /api/admin/webhook-endpoints/:id': 'webhooks.manage',
  'POST /api/admin/webhook-endpoints/:id/rotate-secret': 'webhooks.manage',
  'DELETE /api/admin/webhook-endpoints/:id': 'webhooks.manage',
  'GET /api/admin/webhook-deliveries': 'webhooks.manage',
  'GET /api/admin/webhook-deliveries/:id': 'webhooks.manage',
  'POST /api/admin/webhook-deliveries/:id/replay': 'webhooks.manage',
  'POST /api/admin/operator/queue-dashboard/session': 'platform.operate',
};

/** Who calls: `role` for merchant callers, `operator` for platform operators, `refusedAs` for callers that are no staff at all. */
interface Caller {
  name: string;
  headers: Record<string, string>;
  role?: StaffRole;
  operator?: boolean;
  /** The 401 code a caller without a staff identity gets. */
  refusedAs?: string;
}

const testApp = await buildTestApp();
afterAll(() => testApp.close());
const { app } = testApp;

/** A token that looks like ours but was signed with another secret. */
function forgedToken(claims: object): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ ...claims, iat: Math.floor(Date.now() / 1000) })}`;
  return `${unsigned}.${createHmac('sha256', 'not-the-secret').update(unsigned).digest('base64url')}`;
}

async function apiKeyHeaders(owner: { headers: Record<string, string> }, role: StaffRole): Promise<{ id: string; headers: Record<string, string> }> {
  const response = await app.inject({ method: 'POST', url: '/api/admin/api-keys', headers: owner.headers, payload: { name: `${role} key`, role } });
  if (response.statusCode !== 201) throw new Error(`API key answered ${response.statusCode}: ${response.body}`);
  return { id: response.json().id, headers: { authorization: `Bearer ${response.json().secret}` } };
}

async function buildCallers(): Promise<Caller[]> {
  const owner = await createMerchantWithStaff(app, 'owner');
  const staff = await Promise.all(ROLES.map((role) => (role === 'owner' ? owner : createMerchantWithStaff(app, role, owner.merchantId))));
  const keys = await Promise.all(ROLES.map((role) => apiKeyHeaders(owner, role)));
  const revoked = await apiKeyHeaders(owner, 'owner');
  await app.inject({ method: 'DELETE', url: `/api/admin/api-keys/${revoked.id}`, headers: owner.headers });
  const operator = await createOperator(app);
  // A clerk of the merchant who is also a platform operator: clerk rights in the merchant, all platform rights.
  const operatorClerk = await createMerchantWithStaff(app, 'clerk', owner.merchantId);
  // Made an operator as `npm run operator:grant` makes one, then signed in to the merchant again.
  await app.services.auth.grantOperator({ email: operatorClerk.email });
  const operatorClerkSession = await logIn(app, operatorClerk.email, undefined, owner.merchantId);
  if (operatorClerkSession.statusCode !== 200) throw new Error(`the operator clerk's sign-in answered ${operatorClerkSession.statusCode}`);
  const operatorClerkToken: string = operatorClerkSession.json().accessToken;
  const shopper = await createGuestShopper(app);
  return [
    { name: 'no token', headers: {}, refusedAs: 'missing_token' },
    { name: 'a shopper session token', headers: shopper.headers, refusedAs: 'invalid_token' },
    { name: 'a forged owner and operator token', headers: { authorization: `Bearer ${forgedToken({ sub: owner.userId, merchantId: owner.merchantId, role: 'owner', isOperator: true })}` }, refusedAs: 'invalid_token' },
    { name: 'a revoked owner API key', headers: revoked.headers, refusedAs: 'invalid_api_key' },
    ...staff.map((session) => ({ name: `the ${session.role}`, headers: session.headers, role: session.role })),
    ...keys.map((key, index) => ({ name: `an API key of the ${ROLES[index]} role`, headers: key.headers, role: ROLES[index] })),
    { name: 'a platform operator', headers: operator.headers, operator: true },
    { name: 'a clerk who is also an operator', headers: { authorization: `Bearer ${operatorClerkToken}` }, role: 'clerk', operator: true },
  ];
}

const callers = await buildCallers();
const table = guardedRoutes(app);
const adminRoutes = table.filter((route) => route.url.startsWith('/api/admin'));
const requestCount = adminRoutes.length * callers.length;

/** A made-up id, the same everywhere: path parameters are well-formed but name nothing. */
const MISSING_ID = newId();

function concreteUrl(url: string): string {
  return url.replace(/:(\w+)/g, (_, name: string) => (name === 'id' || name.endsWith('Id') ? MISSING_ID : name === 'table' ? 'T1' : `missing-${name}`));
}

/** 'allowed', or the status and code the caller must be refused with. */
function expectedAnswer(caller: Caller, permission: RoutePermission): 'allowed' | { status: 401 | 403; code: string } {
  if (caller.refusedAs) return { status: 401, code: caller.refusedAs };
  if (permission === 'authenticated') return 'allowed';
  if (permission === 'platform.operate') return caller.operator ? 'allowed' : { status: 403, code: 'operator_only' };
  if (!caller.role) return { status: 403, code: 'merchant_required' };
  return roleAllows(caller.role, permission) ? 'allowed' : { status: 403, code: 'role_forbidden' };
}

function routeKey(route: Pick<GuardedRoute, 'method' | 'url'>): string {
  return `${route.method} ${route.url}`;
}

/** What API keys may touch: api_key.last_used_at moves with every request made with a key. */
const SNAPSHOT_OPTIONS = { ignoreColumns: { api_key: ['last_used_at'] } };
const before = await snapshotDatabase(app, SNAPSHOT_OPTIONS);

describe(`the admin route table: ${adminRoutes.length} guarded /api/admin routes (${table.length} guarded routes in all)`, () => {
  it('names a merchant permission or platform.operate on every admin route, and each exactly as reviewed', () => {
    const known = new Set<RoutePermission>([...(Object.keys(PERMISSIONS) as Permission[]), 'platform.operate']);
    expect(adminRoutes.filter((route) => !known.has(route.permission))).toEqual([]);
    const actual = Object.fromEntries(adminRoutes.filter((route) => route.method !== 'HEAD').map((route) => [routeKey(route), route.permission]));
    // A failure lists the route that is new, gone or changed: write the decision into REVIEWED_ROUTES.
    expect(actual).toEqual(REVIEWED_ROUTES);
  });

  it('guards every HEAD twin with the permission of its GET', () => {
    const getPermissions = new Map(adminRoutes.filter((route) => route.method === 'GET').map((route) => [route.url.replace(/\/$/, ''), route.permission]));
    for (const route of adminRoutes.filter((candidate) => candidate.method === 'HEAD')) {
      expect(getPermissions.get(route.url.replace(/\/$/, '')), routeKey(route)).toBe(route.permission);
    }
  });

  it('grants each permission to exactly the reviewed roles', () => {
    expect(PERMISSIONS).toEqual(REVIEWED_GRANTS);
  });

  it('leaves no admin route of the OpenAPI document outside the table (nothing bypasses the guard)', () => {
    const document = app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(document.paths)
      .filter(([path]) => path.startsWith('/api/admin'))
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1').replace(/\/$/, '')}`));
    const guarded = new Set(adminRoutes.map((route) => `${route.method} ${route.url.replace(/\/$/, '')}`));
    expect(documented.length).toBeGreaterThan(0);
    expect(documented.filter((operation) => !guarded.has(operation))).toEqual([]);
  });

  it('guards nothing outside /api/admin but the signed-in profile', () => {
    expect(table.filter((route) => !route.url.startsWith('/api/admin')).map((route) => `${routeKey(route)} ${route.permission}`)).toEqual([
      'GET /api/auth/me authenticated',
      'HEAD /api/auth/me authenticated',
    ]);
  });
});

describe('the order of the checks', () => {
  it('refuses a caller without the right before reading the body: no validation details, even for malformed JSON', async () => {
    const clerk = callers.find((caller) => caller.name === 'the clerk')!;
    const anonymous = await app.inject({ method: 'POST', url: '/api/admin/shops', payload: { slug: 'Not A Slug!' } });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).not.toHaveProperty('errors');
    const forbidden = await app.inject({ method: 'POST', url: '/api/admin/shops', headers: clerk.headers, payload: { slug: 'Not A Slug!' } });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toMatchObject({ code: 'role_forbidden' });
    const malformed = await app.inject({ method: 'POST', url: '/api/admin/shops', headers: { 'content-type': 'application/json' }, payload: '{"slug":' });
    expect(malformed.statusCode).toBe(401);
  });
});

describe(`role matrix: ${adminRoutes.length} admin routes x ${callers.length} callers = ${requestCount} requests`, () => {
  for (const route of adminRoutes) {
    it(`${routeKey(route)} (${route.permission})`, async () => {
      const url = concreteUrl(route.url);
      const hasBody = route.method !== 'GET' && route.method !== 'HEAD';
      for (const caller of callers) {
        const response = await app.inject({ method: route.method as 'GET', url, headers: caller.headers, ...(hasBody ? { payload: {} } : {}) });
        const expected = expectedAnswer(caller, route.permission);
        const context = `${caller.name}: ${response.statusCode} ${response.body.slice(0, 300)}`;
        if (expected === 'allowed') {
          expect([401, 403], context).not.toContain(response.statusCode);
          expect(response.statusCode, context).toBeLessThan(500);
        } else {
          expect(response.statusCode, context).toBe(expected.status);
          if (route.method !== 'HEAD') expect(response.json().code, context).toBe(expected.code);
        }
      }
    });
  }

  it('changed nothing in the database with any of those requests', async () => {
    // The one allowed request that writes by design even with an empty body: an operator's
    // POST /operator/ledger/verifications queues a verification run (its row and its outbox event).
    const { rows } = await app.database.pool.query<{ count: number }>('select count(*)::int as count from ledger_verification_run');
    expect(rows[0]!.count).toBeGreaterThan(0);
    await app.database.pool.query(`delete from outbox where aggregate_type = 'ledger_verification_run'`);
    await app.database.pool.query('delete from ledger_verification_run');
    expect(await snapshotDatabase(app, SNAPSHOT_OPTIONS)).toEqual(before);
  });
});
