import type { FastifyInstance } from 'fastify';
import { newId } from '../../../db/src/ids.ts';
import type { StaffRole } from '../../../db/src/modules/staff/membership.entity.ts';

export interface StaffSession {
  merchantId: string;
  userId: string;
  role: StaffRole;
  accessToken: string;
  /** Headers for app.inject: `{ authorization: 'Bearer ...' }`. */
  headers: { authorization: string };
}

/**
 * A merchant with one staff member of the given role, written straight to the database and signed in
 * with a real access token. Route tests use it so that they do not depend on the sign-up flow.
 */
export async function createMerchantWithStaff(app: FastifyInstance, role: StaffRole = 'owner', merchantId: string = newId()): Promise<StaffSession> {
  const userId = newId();
  const { pool } = app.database;
  await pool.query(`insert into merchant (id, name) values ($1, $2) on conflict (id) do nothing`, [merchantId, `Merchant ${merchantId.slice(-6)}`]);
  await pool.query(`insert into staff_user (id, email, name, password_hash) values ($1, $2, $3, 'not-a-password-hash')`, [
    userId,
    `${role}.${userId}@example.test`,
    `Test ${role}`,
  ]);
  await pool.query(`insert into membership (id, merchant_id, user_id, role) values ($1, $2, $3, $4)`, [newId(), merchantId, userId, role]);
  const accessToken = await app.services.auth.signAccessToken({ sub: userId, merchantId, role, isOperator: false });
  return { merchantId, userId, role, accessToken, headers: { authorization: `Bearer ${accessToken}` } };
}
