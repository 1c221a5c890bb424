import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnvironment, type TestEnvironment } from '../db/src/testing/databases.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
let environment: TestEnvironment;

beforeAll(async () => {
  environment = await createTestEnvironment();
});
afterAll(() => environment?.cleanup());

/** `npm run db:seed` as a production container runs it, against this file's migrated, empty database. */
function seed(extra: Record<string, string>) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/seed.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      JWT_SECRET: 'a-deployment-secret-of-at-least-32-characters',
      QR_SIGNING_SECRET: 'a-deployment-qr-secret-of-at-least-32-chars',
      STRIPE_SECRET_KEY: 'sk_live_deploymentKey',
      STRIPE_WEBHOOK_SECRET: 'whsec_deploymentSecret',
      CARRIER_WEBHOOK_SECRETS: 'generic=a-deployment-carrier-secret',
      DATABASE_URL: environment.config.database.url,
      PASSWORD_HASH_MEMORY_KIB: '1024',
      ...extra,
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

async function staffUsers(): Promise<number> {
  return (await environment.database.pool.query<{ count: number }>('select count(*)::int as count from staff_user')).rows[0]!.count;
}

describe('npm run db:seed with NODE_ENV=production', () => {
  it('refuses in one line naming SEED_DEMO_IN_PRODUCTION, and creates no login', async () => {
    const result = seed({});
    expect(result.status).toBe(1);
    expect(result.output.trim()).toBe(
      'The demo seed creates logins whose password (minishop-demo) is published, so it does not run with NODE_ENV=production. Set SEED_DEMO_IN_PRODUCTION=yes to seed a demo server anyway.',
    );
    expect(await staffUsers()).toBe(0);
  });

  it('seeds the demo when SEED_DEMO_IN_PRODUCTION=yes asks for it', async () => {
    const result = seed({ SEED_DEMO_IN_PRODUCTION: 'yes' });
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain('operator@demo.minishop.dev');
    expect(await staffUsers()).toBe(6);
  });
});
