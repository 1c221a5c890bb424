import { loadConfig } from '../db/src/config.ts';
import { ensureDatabaseExists } from '../db/src/create-database.ts';
import { connectDatabase, migrate, redactUrl } from '../db/src/database.ts';
import { exitOnStartupFailure } from '../db/src/startup-errors.ts';

/** `npm run db:migrate`: creates the database if needed and applies every pending migration. */
async function main() {
  const config = loadConfig();
  if (await ensureDatabaseExists(config)) console.log(`Created the database of DATABASE_URL=${redactUrl(config.database.url)}.`);
  const database = await connectDatabase(config);
  try {
    const applied = await migrate(database);
    console.log(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(', ')}.` : 'Migrations: already up to date.');
  } finally {
    await database.close();
  }
}

main().catch(exitOnStartupFailure);
