import type { FastifyInstance } from 'fastify';
import { newId } from '../../../db/src/ids.ts';
import type { StaffRole } from '../../../db/src/modules/staff/membership.entity.ts';
import { bearer, logIn, signUp, TEST_PASSWORD, type SessionAnswer } from './auth.ts';
import { createOperator } from './shoppers.ts';

export interface StaffSession {
  merchantId: string;
  userId: string;
  email: string;
  role: StaffRole;
  accessToken: string;
  /** Headers for app.inject: `{ authorization: 'Bearer ...' }`. */
  headers: { authorization: string };
}

async function expectJson(response: { statusCode: number; body: string; json(): any }, status: number, what: string): Promise<any> {
  if (response.statusCode !== status) throw new Error(`${what} answered ${response.statusCode}: ${response.body}`);
  return response.json();
}

function staffSession(body: SessionAnswer): StaffSession {
  if (!body.merchant || !body.role) throw new Error('a staff session without a merchant');
  return { merchantId: body.merchant.id, userId: body.user.id, email: body.user.email, role: body.role as StaffRole, accessToken: body.accessToken, headers: bearer(body.accessToken) };
}

/** Signs in (email and the tests' password) as the merchant's first owner. */
export async function signInAsOwner(app: FastifyInstance, merchantId: string): Promise<StaffSession> {
  const { rows } = await app.database.pool.query<{ email: string }>(
    `select staff_user.email from membership join staff_user on staff_user.id = membership.user_id
      where membership.merchant_id = $1 and membership.role = 'owner' order by membership.created_at limit 1`,
    [merchantId],
  );
  if (!rows[0]) throw new Error(`merchant ${merchantId} has no owner: create it with createMerchantWithStaff or signUp first`);
  return staffSession(await expectJson(await logIn(app, rows[0].email, TEST_PASSWORD, merchantId), 200, 'sign-in'));
}

/** An invitation into the owner's merchant for `email` with a role: its id and token. */
async function inviteEmail(app: FastifyInstance, owner: StaffSession, email: string, role: StaffRole): Promise<{ id: string; token: string }> {
  return expectJson(await app.inject({ method: 'POST', url: '/api/admin/invitations', headers: owner.headers, payload: { email, role } }), 201, 'invitation');
}

/** Invites someone into the owner's merchant with a role, and accepts as them: their first session. */
async function invite(app: FastifyInstance, owner: StaffSession, role: StaffRole): Promise<StaffSession> {
  const email = `${role}.${newId()}@example.test`;
  const invitation = await inviteEmail(app, owner, email, role);
  return staffSession(
    await expectJson(
      await app.inject({ method: 'POST', url: '/api/auth/invitations/accept', payload: { token: invitation.token, name: `Test ${role}`, password: TEST_PASSWORD } }),
      200,
      'accepting the invitation',
    ),
  );
}

/**
 * A staff member of the given role, signed in, through the console's own paths: without `merchantId`, a
 * new merchant signs up (its owner) and, for another role, the owner invites them; with `merchantId`, the
 * merchant's owner signs in and invites them.
 */
export async function createMerchantWithStaff(app: FastifyInstance, role: StaffRole = 'owner', merchantId?: string): Promise<StaffSession> {
  if (merchantId) return invite(app, await signInAsOwner(app, merchantId), role);
  const owner = staffSession(await signUp(app));
  return role === 'owner' ? owner : invite(app, owner, role);
}

/**
 * Makes an existing account a member of a merchant the way the console does: the merchant's owner invites
 * the account's email with the role, and its holder accepts with their password. Returns the membership's id.
 */
export async function addMembership(app: FastifyInstance, merchantId: string, userId: string, role: StaffRole): Promise<string> {
  const { rows } = await app.database.pool.query<{ email: string }>('select email from staff_user where id = $1', [userId]);
  if (!rows[0]) throw new Error(`no account ${userId}`);
  const invitation = await inviteEmail(app, await signInAsOwner(app, merchantId), rows[0].email, role);
  await expectJson(await app.inject({ method: 'POST', url: '/api/auth/invitations/accept', payload: { token: invitation.token, password: TEST_PASSWORD } }), 200, 'accepting the invitation');
  const membership = await app.database.pool.query<{ id: string }>('select id from membership where merchant_id = $1 and user_id = $2', [merchantId, userId]);
  return membership.rows[0]!.id;
}

/**
 * An account that belongs to no merchant, as the product leaves one: invited into a merchant, accepted,
 * then removed from it by the owner.
 */
export async function createAccountWithoutMerchant(app: FastifyInstance): Promise<{ id: string; email: string }> {
  const owner = staffSession(await signUp(app, { merchantName: 'Former Employer' }));
  const member = await invite(app, owner, 'clerk');
  const membership = await app.database.pool.query<{ id: string }>('select id from membership where merchant_id = $1 and user_id = $2', [owner.merchantId, member.userId]);
  await expectJson(await app.inject({ method: 'DELETE', url: `/api/admin/staff/${membership.rows[0]!.id}`, headers: owner.headers }), 200, 'removing the member');
  return { id: member.userId, email: member.email };
}

/** Suspends a merchant as a platform operator does (PUT /api/admin/operator/merchants/:id). */
export async function suspendMerchant(app: FastifyInstance, merchantId: string): Promise<void> {
  const operator = await createOperator(app);
  await expectJson(
    await app.inject({ method: 'PUT', url: `/api/admin/operator/merchants/${merchantId}`, headers: operator.headers, payload: { status: 'suspended' } }),
    200,
    'suspending the merchant',
  );
}
