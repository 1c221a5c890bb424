import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MerchantActor } from '../../actor.ts';
import { newId } from '../../ids.ts';
import { createTestEnvironment, type TestEnvironment } from '../../testing/databases.ts';
import type { StaffRole } from './membership.entity.ts';
import { AuthService } from '../auth/auth.service.ts';
import { InvitationsService } from './invitations.service.ts';
import { StaffService } from './staff.service.ts';

let environment: TestEnvironment;
let staff: StaffService;
let auth: AuthService;
let invitations: InvitationsService;

beforeAll(async () => {
  environment = await createTestEnvironment();
  staff = new StaffService(environment.database);
  auth = new AuthService(environment.database, environment.config);
  invitations = new InvitationsService(environment.database, environment.config);
});
afterAll(() => environment.cleanup());

/**
 * A merchant with staff of the given roles, made through the product: the first signs up (an owner), the
 * first owner invites the others and each accepts.
 */
async function merchantWith(roles: StaffRole[]): Promise<{ merchantId: string; members: { membershipId: string; actor: MerchantActor }[] }> {
  if (roles[0] !== 'owner') throw new Error('the first member signs up, so is an owner');
  const password = 'correct horse battery';
  const founder = await auth.signup({ merchantName: 'Concurrent', name: 'Founder', email: `${newId()}@example.test`, password });
  const merchantId = founder.merchant!.id;
  const founderActor: MerchantActor = { type: 'staff', userId: founder.user.id, merchantId, role: 'owner', isOperator: false };
  const userIds: string[] = [];
  for (const role of roles.slice(1)) {
    const invitation = await invitations.create(founderActor, { email: `${newId()}@example.test`, role });
    userIds.push((await auth.acceptInvitation({ token: invitation.token, name: 'Staff', password })).user.id);
  }
  const members = [];
  for (const [index, userId] of [founder.user.id, ...userIds].entries()) {
    const role = index === 0 ? 'owner' : roles[index]!;
    const { rows } = await environment.database.pool.query<{ id: string }>('select id from membership where merchant_id = $1 and user_id = $2', [merchantId, userId]);
    members.push({ membershipId: rows[0]!.id, actor: { type: 'staff' as const, userId, merchantId, role, isOperator: false } });
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
