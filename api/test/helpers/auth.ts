import type { FastifyInstance } from 'fastify';
import { newId } from '../../../db/src/ids.ts';

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

/** A platform operator with a real password, made as `npm run operator:grant` makes one. */
export async function createOperatorUser(app: FastifyInstance): Promise<{ id: string; email: string }> {
  const email = `user.${newId()}@example.test`;
  return { id: (await app.services.auth.grantOperator({ email, name: 'Test User', password: TEST_PASSWORD })).userId, email };
}

/** The number of rows of a table matching a condition: for asserting that a refusal changed nothing. */
export async function countRows(app: FastifyInstance, table: string, where = 'true', parameters: unknown[] = []): Promise<number> {
  const { rows } = await app.database.pool.query<{ count: number }>(`select count(*)::int as count from ${table} where ${where}`, parameters);
  return rows[0]?.count ?? 0;
}
