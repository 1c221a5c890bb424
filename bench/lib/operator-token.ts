import type { FastifyInstance } from 'fastify';
import { newId } from '../../db/src/ids.ts';

/**
 * An access token of a platform operator created for the benchmark: authentication reads the operator
 * row on every request, so the token must belong to a real one.
 */
export async function benchOperatorToken(app: FastifyInstance): Promise<string> {
  const userId = newId();
  await app.database.pool.query(`insert into staff_user (id, email, name, password_hash) values ($1, $2, 'Benchmark operator', 'not-a-password-hash')`, [
    userId,
    `bench.operator.${userId}@example.test`,
  ]);
  await app.database.pool.query('insert into operator (id, user_id) values ($1, $2)', [newId(), userId]);
  return app.services.auth.signAccessToken({ sub: userId, isOperator: true });
}
