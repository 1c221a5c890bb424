import { loadConfig } from '../db/src/config.ts';
import { connectDatabase, pendingMigrations } from '../db/src/database.ts';
import { assertDemoSeedAllowed } from '../db/src/seeds/demo.ts';
import { exitOnStartupFailure, StartupError } from '../db/src/startup-errors.ts';
import { seedDemoPlatform } from './demo-seeding.ts';
import { describeDemoLogins } from './seed-output.ts';

/** `npm run db:seed`: fills an empty, migrated database with the demo platform; otherwise says why not. */
async function main() {
  const config = loadConfig();
  // Refused before touching the database, so that the message is about the seed, not the connection.
  assertDemoSeedAllowed(config);
  const database = await connectDatabase(config);
  try {
    const pending = await pendingMigrations(database);
    if (pending.length) throw new StartupError(`The database has ${pending.length} pending migration(s); run npm run db:migrate first.`);
    const summary = await seedDemoPlatform(database, config);
    if (summary.seeded) console.log(describeDemoLogins());
  } finally {
    await database.close();
  }
}

main().catch(exitOnStartupFailure);
