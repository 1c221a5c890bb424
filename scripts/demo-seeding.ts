import type { Config } from '../db/src/config.ts';
import type { Database } from '../db/src/database.ts';
import { connectRedis, createRedis } from '../db/src/redis.ts';
import { seedDemo, type SeedSummary } from '../db/src/seeds/demo.ts';
import { seedDemoGroupWallets } from '../db/src/seeds/demo-group-wallets.ts';
import { seedDemoOrders } from '../db/src/seeds/demo-orders.ts';
import { createServices } from '../db/src/services.ts';
import { describeDemoShopper, describeSeed } from './seed-output.ts';

/**
 * The whole demo for an empty, migrated database (`npm start`'s preparation step and `npm run db:seed`):
 * the seed, then the demo shopper's orders and the demo group's wallets through the services (which talk
 * to Redis too); says what it did. The platform's relay publishes the orders' events once it runs.
 */
export async function seedDemoPlatform(database: Database, config: Config): Promise<SeedSummary> {
  const summary = await seedDemo(database, config);
  console.log(describeSeed(summary));
  if (!summary.seeded) return summary;
  const redis = await connectRedis(createRedis(config), config.redis.url);
  try {
    const services = createServices({ config, database, redis });
    console.log(describeDemoShopper(await seedDemoOrders(database, services), config.http.publicUrl));
    // The demo chat's group members start with the demo promotion in their wallets (red envelopes, group buys).
    await seedDemoGroupWallets(database, services);
  } finally {
    redis.disconnect();
  }
  return summary;
}
