import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthService } from '../db/src/modules/auth/auth.service.ts';
import { createTestEnvironment, type TestEnvironment } from '../db/src/testing/databases.ts';
import { runScript } from '../db/src/testing/run-script.ts';

let environment: TestEnvironment;
let auth: AuthService;

beforeAll(async () => {
  environment = await createTestEnvironment();
  auth = new AuthService(environment.database, environment.config);
});
afterAll(() => environment.cleanup());

function grant(parameters: string[], password?: string): Promise<{ code: number; output: string }> {
  const env = { ...process.env, DATABASE_URL: environment.config.database.url, PASSWORD_HASH_MEMORY_KIB: '1024', OPERATOR_PASSWORD: password };
  if (!password) delete env.OPERATOR_PASSWORD;
  return runScript('scripts/operator-grant.ts', parameters, env);
}

async function operatorRows(): Promise<number> {
  const { rows } = await environment.database.pool.query<{ count: number }>('select count(*)::int as count from operator');
  return rows[0]!.count;
}

describe('npm run operator:grant', () => {
  it('creates an operator account that signs in as an operator, and a second grant changes nothing', async () => {
    const created = await grant(['--email', 'Ops@Example.test', '--name', 'Olga Ops'], 'a long enough password');
    expect(created.code, created.output).toBe(0);
    expect(created.output).toContain('Ops@Example.test (a new account) is now a platform operator.');
    const session = await auth.login({ email: 'ops@example.test', password: 'a long enough password' });
    expect(session).toMatchObject({ isOperator: true, merchant: null, user: { email: 'ops@example.test', name: 'Olga Ops' } });

    const again = await grant(['--email', 'ops@example.test']);
    expect(again.code, again.output).toBe(0);
    expect(again.output).toContain('already a platform operator; nothing changed');
    expect(await operatorRows()).toBe(1);
  });

  it('makes an existing merchant owner an operator without touching the password', async () => {
    await auth.signup({ merchantName: 'Tea House', name: 'Tom Owner', email: 'tom@example.test', password: 'the owner password' });
    expect((await auth.login({ email: 'tom@example.test', password: 'the owner password' })).isOperator).toBe(false);
    const granted = await grant(['--email', 'tom@example.test'], 'ignored for an existing account');
    expect(granted.code, granted.output).toBe(0);
    expect(granted.output).toContain('(an existing account) is now a platform operator');
    expect((await auth.login({ email: 'tom@example.test', password: 'the owner password' })).isOperator).toBe(true);
  });

  it('refuses a new account without a name or a long enough password, and a missing or unknown flag, changing nothing', async () => {
    const before = await operatorRows();
    const noPassword = await grant(['--email', 'new@example.test', '--name', 'New Ops']);
    expect(noPassword.code).toBe(1);
    expect(noPassword.output).toContain('OPERATOR_PASSWORD must NOT have fewer than 10 characters');
    const noName = await grant(['--email', 'new@example.test'], 'a long enough password');
    expect(noName.code).toBe(1);
    expect(noName.output).toContain('--name is required for a new account');
    const badEmail = await grant(['--email', 'not-an-email', '--name', 'X'], 'a long enough password');
    expect(badEmail.code).toBe(1);
    expect(badEmail.output).toContain('--email must be an email address');
    expect((await grant([])).code).toBe(2);
    const unknown = await grant(['--email', 'new@example.test', '--role', 'root']);
    expect(unknown.code).toBe(2);
    expect(unknown.output).toContain('Usage: OPERATOR_PASSWORD=');
    expect(await operatorRows()).toBe(before);
    const { rows } = await environment.database.pool.query(`select 1 from staff_user where email = 'new@example.test'`);
    expect(rows).toEqual([]);
  });
});
