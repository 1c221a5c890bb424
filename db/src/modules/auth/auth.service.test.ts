import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../ids.ts';
import { hashSecret } from '../../secrets.ts';
import { createTestEnvironment, type TestEnvironment } from '../../testing/databases.ts';
import type { SessionGrant } from './auth.schemas.ts';
import { AuthService } from './auth.service.ts';

let environment: TestEnvironment;
let auth: AuthService;

beforeAll(async () => {
  environment = await createTestEnvironment();
  auth = new AuthService(environment.database, environment.config);
});
afterAll(() => environment.cleanup());

const HOUR_MS = 3_600_000;

async function count(table: string, where = 'true', parameters: unknown[] = []): Promise<number> {
  const { rows } = await environment.database.pool.query<{ count: number }>(`select count(*)::int as count from ${table} where ${where}`, parameters);
  return rows[0]?.count ?? 0;
}

describe('AuthService.refresh', () => {
  it('rotates a token at most once however many refreshes race for it', async () => {
    const session = await auth.signup({ merchantName: 'Racing', name: 'R', email: 'racing@example.test', password: 'long enough password' });
    const results = await Promise.allSettled(Array.from({ length: 16 }, () => auth.refresh({ refreshToken: session.refreshToken })));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    for (const result of results) if (result.status === 'rejected') expect(result.reason.code).toBe('refresh_token_reused');
    const { rows } = await environment.database.pool.query(`select family_id from refresh_token where token_hash = $1`, [hashSecret(session.refreshToken)]);
    expect(await count('refresh_token', 'family_id = $1', [rows[0].family_id])).toBe(2);
  });
});

describe('AuthService.authenticate', () => {
  it('lets concurrent requests of one session share the read in flight, and reads again once it has finished', async () => {
    const accessTokenOf = async (grant: SessionGrant) => auth.signAccessToken({ sub: grant.user.id, isOperator: false, merchantId: grant.merchant!.id, role: 'owner' });
    const session = { accessToken: await accessTokenOf(await auth.signup({ merchantName: 'Busy', name: 'B', email: 'busy@example.test', password: 'long enough password' })) };
    const other = { accessToken: await accessTokenOf(await auth.signup({ merchantName: 'Other', name: 'O', email: 'other@example.test', password: 'long enough password' })) };
    // Each token verified once before: a first verification's asynchronous signature check finishes at a different
    // moment for each of 16 requests, and one finishing after the shared read had already come back would read again.
    await Promise.all([auth.authenticate(session.accessToken), auth.authenticate(other.accessToken)]);
    const { pool } = environment.database;
    const query = pool.query.bind(pool);
    let reads = 0;
    pool.query = ((...parameters: Parameters<typeof query>) => {
      reads += 1;
      return query(...parameters);
    }) as typeof pool.query;
    try {
      const actors = await Promise.all([...Array.from({ length: 16 }, () => auth.authenticate(session.accessToken)), auth.authenticate(other.accessToken)]);
      const merchants = actors.map((actor) => (actor.type === 'staff' && actor.role === 'owner' ? actor.merchantId : null));
      expect(new Set(merchants.slice(0, 16)).size).toBe(1);
      expect(merchants[0]).not.toBeNull();
      expect(merchants[16]).not.toBeNull();
      expect(merchants[16]).not.toBe(merchants[0]);
      // One read per session, not one per request.
      expect(reads).toBe(2);
      await auth.authenticate(session.accessToken);
      expect(reads).toBe(3);
    } finally {
      pool.query = query as typeof pool.query;
    }
  });
});

describe('AuthService.purgeExpired', () => {
  it('deletes refresh tokens and unaccepted invitations expired more than a day ago, and nothing else', async () => {
    // Other tests' tokens expire days from now, so only the rows below are old enough to go.
    const now = new Date();
    const { pool } = environment.database;
    const merchantId = newId();
    const userId = newId();
    await pool.query(`insert into merchant (id, name) values ($1, 'Purging')`, [merchantId]);
    await pool.query(`insert into staff_user (id, email, name, password_hash) values ($1, 'purge@example.test', 'P', 'x')`, [userId]);
    const expiries = { old: new Date(now.getTime() - 25 * HOUR_MS), recent: new Date(now.getTime() - 23 * HOUR_MS), future: new Date(now.getTime() + HOUR_MS) };
    for (const [label, expiresAt] of Object.entries(expiries)) {
      await pool.query(`insert into refresh_token (id, user_id, merchant_id, family_id, token_hash, expires_at) values ($1, $2, $3, $4, $5, $6)`, [
        newId(),
        userId,
        merchantId,
        newId(),
        `token-${label}`,
        expiresAt,
      ]);
      await pool.query(`insert into invitation (id, merchant_id, email, role, token_hash, invited_by_user_id, expires_at) values ($1, $2, $3, 'clerk', $4, $5, $6)`, [
        newId(),
        merchantId,
        `${label}@example.test`,
        `invitation-${label}`,
        userId,
        expiresAt,
      ]);
    }
    await pool.query(
      `insert into invitation (id, merchant_id, email, role, token_hash, invited_by_user_id, expires_at, accepted_at) values ($1, $2, 'accepted@example.test', 'clerk', 'invitation-accepted', $3, $4, $4)`,
      [newId(), merchantId, userId, expiries.old],
    );
    const before = { tokens: await count('refresh_token'), invitations: await count('invitation') };

    expect(await auth.purgeExpired(now)).toEqual({ refreshTokensDeleted: 1, invitationsDeleted: 1 });
    expect(await count('refresh_token')).toBe(before.tokens - 1);
    expect(await count('refresh_token', `token_hash = 'token-old'`)).toBe(0);
    expect(await count('invitation')).toBe(before.invitations - 1);
    expect(await count('invitation', `token_hash in ('invitation-old')`)).toBe(0);
    expect(await count('invitation', `token_hash = 'invitation-accepted'`)).toBe(1);

    expect(await auth.purgeExpired(now)).toEqual({ refreshTokensDeleted: 0, invitationsDeleted: 0 });
  });
});
