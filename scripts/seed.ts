import { loadConfig } from '../db/src/config.ts';
import { connectDatabase, pendingMigrations } from '../db/src/database.ts';
import { assertDemoSeedAllowed, seedDemo } from '../db/src/seeds/demo.ts';
import { seedDemoOrders } from '../db/src/seeds/demo-orders.ts';
import { seedDemoGroupWallets } from '../db/src/seeds/demo-group-wallets.ts';
import { connectRedis, createRedis } from '../db/src/redis.ts';
import { createServices } from '../db/src/services.ts';
import { exitOnStartupFailure, StartupError } from '../db/src/startup-errors.ts';
import { describeDemoLogins, describeDemoShopper, describeSeed } from './seed-output.ts';

/** `npm run db:seed`: fills an empty, migrated database with the demo platform; otherwise says why not. */
async function main() {
  const config = loadConfig();
  // Refused before touching the database, so that the message is about the seed, not the connection.
  assertDemoSeedAllowed(config);
  const database = await connectDatabase(config);
  try {
    const pending = await pendingMigrations(database);
    if (pending.length) throw new StartupError(`The database has ${pending.length} pending migration(s); run npm run db:migrate first.`);
    const summary = await seedDemo(database, config);
    console.log(describeSeed(summary));
    if (summary.seeded) {
      // The demo shopper's orders go through the services, which talk to Redis too.
      const redis = await connectRedis(createRedis(config), config.redis.url);
      try {
        const services = createServices({ config, database, redis });
        console.log(describeDemoShopper(await seedDemoOrders(database, services), config.http.publicUrl));
        // The demo chat's group members start with the demo promotion in their wallets (red envelopes, group buys).
        await seedDemoGroupWallets(database, services);
      } finally {
        redis.disconnect();
      }
      console.log(describeDemoLogins());
    }
  } finally {
    await database.close();
  }
}

main().catch(exitOnStartupFailure);
