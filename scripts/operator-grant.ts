import { parseArgs } from 'node:util';
import { loadConfig } from '../db/src/config.ts';
import { connectDatabase } from '../db/src/database.ts';
import { ValidationError } from '../db/src/errors.ts';
import { AuthService } from '../db/src/modules/auth/auth.service.ts';
import { exitOnStartupFailure } from '../db/src/startup-errors.ts';

const USAGE = 'Usage: OPERATOR_PASSWORD=... npm run operator:grant -- --email <email> [--name <name>]';

/**
 * `npm run operator:grant -- --email ops@example.com --name "Ops"`: makes a staff account a platform
 * operator, creating the account when the email has none (its password comes from OPERATOR_PASSWORD, so that
 * it stays out of the shell's history and the process list). Exits 0 when granted, 1 when refused, 2 on a
 * usage error.
 */
async function main(): Promise<number> {
  let values: { email?: string; name?: string };
  try {
    ({ values } = parseArgs({ options: { email: { type: 'string' }, name: { type: 'string' } }, strict: true }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!values.email) {
    console.error(`--email is required.\n${USAGE}`);
    return 2;
  }
  const config = loadConfig();
  const database = await connectDatabase(config);
  try {
    const password = process.env.OPERATOR_PASSWORD;
    const granted = await new AuthService(database, config).grantOperator({ email: values.email, ...(values.name ? { name: values.name } : {}), ...(password ? { password } : {}) });
    const account = granted.createdAccount ? 'a new account' : 'an existing account';
    console.log(granted.alreadyOperator ? `${values.email} is already a platform operator; nothing changed.` : `${values.email} (${account}) is now a platform operator.`);
    return 0;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const fields = Object.entries(error.fields ?? {}).map(([field, message]) => `${field === 'password' ? 'OPERATOR_PASSWORD' : `--${field}`} ${message}`);
    console.error(`Refused: ${fields.join('; ')}.\n${USAGE}`);
    return 1;
  } finally {
    await database.close();
  }
}

main().then((code) => process.exit(code), exitOnStartupFailure);
