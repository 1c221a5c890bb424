import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MerchantActor } from '../../actor.ts';
import { newId } from '../../ids.ts';
import { createTestEnvironment, type TestEnvironment } from '../../testing/databases.ts';
import type { StaffRole } from './membership.entity.ts';
import { StaffService } from './staff.service.ts';

let environment: TestEnvironment;
let staff: StaffService;

beforeAll(async () => {
  environment = await createTestEnvironment();
  staff = new StaffService(environment.database);
});
afterAll(() => environment.cleanup());

async function merchantWith(roles: StaffRole[]): Promise<{ merchantId: string; members: { membershipId: string; actor: MerchantActor }[] }> {
  const merchantId = newId();
  const { pool } = environment.database;
  await pool.query(`insert into merchant (id, name) values ($1, 'Concurrent')`, [merchantId]);
  const members = [];
  for (const role of roles) {
    const userId = newId();
    const membershipId = newId();
    await pool.query(`insert into staff_user (id, email, name, password_hash) values ($1, $2, 'Owner', 'x')`, [userId, `${userId}@example.test`]);
    await pool.query(`insert into membership (id, merchant_id, user_id, role) values ($1, $2, $3, $4)`, [membershipId, merchantId, userId, role]);
    members.push({ membershipId, actor: { type: 'staff' as const, userId, merchantId, role, isOperator: false } });
  }
  return { merchantId, members };
}

async function ownerCount(merchantId: string): Promise<number> {
  const { rows } = await environment.database.pool.query<{ count: number }>(`select count(*)::int as count from membership where merchant_id = $1 and role = 'owner'`, [merchantId]);
  return rows[0]?.count ?? 0;
}

describe('StaffService, the last-owner rule under concurrency', () => {
  it('lets only one of two owners who demote each other at the same moment succeed', async () => {
    for (let round = 0; round < 10; round += 1) {
      const { merchantId, members } = await merchantWith(['owner', 'owner']);
      const [first, second] = members as [(typeof members)[number], (typeof members)[number]];
      const results = await Promise.allSettled([
        staff.updateRole(first.actor, second.membershipId, { role: 'clerk' }),
        staff.updateRole(second.actor, first.membershipId, { role: 'clerk' }),
      ]);
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      const refusal = results.find((result) => result.status === 'rejected');
      expect((refusal as PromiseRejectedResult).reason.code).toBe('last_owner');
      expect(await ownerCount(merchantId)).toBe(1);
    }
  });

  it('lets only one of two owners who remove each other at the same moment succeed', async () => {
    for (let round = 0; round < 10; round += 1) {
      const { merchantId, members } = await merchantWith(['owner', 'owner']);
      const [first, second] = members as [(typeof members)[number], (typeof members)[number]];
      const results = await Promise.allSettled([staff.remove(first.actor, second.membershipId), staff.remove(second.actor, first.membershipId)]);
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      expect(await ownerCount(merchantId)).toBe(1);
    }
  });
});
