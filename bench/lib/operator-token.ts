import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { newId } from '../../db/src/ids.ts';

/**
 * An access token of a platform operator made for the benchmark as `npm run operator:grant` makes one,
 * then signed in: authentication reads the operator row on every request, so the token must be a real one's.
 */
export async function benchOperatorToken(app: FastifyInstance): Promise<string> {
  const email = `bench.operator.${newId()}@example.test`;
  const password = randomBytes(18).toString('base64url');
  await app.services.auth.grantOperator({ email, name: 'Benchmark operator', password });
  const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  if (response.statusCode !== 200) throw new Error(`the benchmark operator's sign-in answered ${response.statusCode}: ${response.body}`);
  return response.json().accessToken;
}
