import type { FastifyInstance } from 'fastify';
import { newId } from '../../../db/src/ids.ts';
import { hashPassword } from '../../../db/src/modules/auth/passwords.ts';

export const TEST_PASSWORD = 'correct horse battery';

export interface SessionAnswer {
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresInSeconds: number;
  user: { id: string; email: string; name: string };
  merchant: { id: string; name: string } | null;
  role: string | null;
  isOperator: boolean;
  memberships: { merchantId: string; merchantName: string; role: string }[];
}

export function bearer(accessToken: string): { authorization: string } {
  return { authorization: `Bearer ${accessToken}` };
}

let signups = 0;

/** A new merchant and owner through the real sign-up route. */
export async function signUp(app: FastifyInstance, overrides: Partial<{ merchantName: string; name: string; email: string; password: string }> = {}): Promise<SessionAnswer> {
  signups += 1;
  const response = await app.inject({
    method: 'POST',
    url: '/api/auth/signup',
    payload: { merchantName: `Shop ${signups}`, name: `Owner ${signups}`, email: `owner${signups}.${newId()}@example.test`, password: TEST_PASSWORD, ...overrides },
  });
  if (response.statusCode !== 201) throw new Error(`sign-up failed: ${response.statusCode} ${response.body}`);
  return response.json();
}

export async function logIn(app: FastifyInstance, email: string, password = TEST_PASSWORD, merchantId?: string) {
  return app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password, ...(merchantId ? { merchantId } : {}) } });
}

/**
 * A staff user with a real password: a platform operator made as `npm run operator:grant` makes one, or
 * (without `operator`) an account that belongs to no merchant yet, written straight to the database.
 */
export async function createUser(app: FastifyInstance, options: { operator?: boolean; email?: string } = {}): Promise<{ id: string; email: string }> {
  const email = options.email ?? `user.${newId()}@example.test`;
  if (options.operator) return { id: (await app.services.auth.grantOperator({ email, name: 'Test User', password: TEST_PASSWORD })).userId, email };
  const id = newId();
  const passwordHash = await hashPassword(TEST_PASSWORD, app.config.auth.passwordHashMemoryKib);
  await app.database.pool.query(`insert into staff_user (id, email, name, password_hash) values ($1, $2, 'Test User', $3)`, [id, email, passwordHash]);
  return { id, email };
}

export async function addMembership(app: FastifyInstance, merchantId: string, userId: string, role: string): Promise<string> {
  const id = newId();
  await app.database.pool.query(`insert into membership (id, merchant_id, user_id, role) values ($1, $2, $3, $4)`, [id, merchantId, userId, role]);
  return id;
}

/** The number of rows of a table matching a condition: for asserting that a refusal changed nothing. */
export async function countRows(app: FastifyInstance, table: string, where = 'true', parameters: unknown[] = []): Promise<number> {
  const { rows } = await app.database.pool.query<{ count: number }>(`select count(*)::int as count from ${table} where ${where}`, parameters);
  return rows[0]?.count ?? 0;
}
