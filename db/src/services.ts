import type { Redis } from 'ioredis';
import type { Config } from './config.ts';
import type { Database } from './database.ts';
import { ApiKeysService } from './modules/auth/api-keys.service.ts';
import { ShopsService } from './modules/shops/shops.service.ts';

export interface ServiceDependencies {
  config: Config;
  database: Database;
  /** The app's Redis connection (prefixed keys); for caches and pub/sub notifications. */
  redis: Redis;
}

/**
 * Every domain service, built once per process and shared by the HTTP routes and the job processors,
 * so that each business rule lives in exactly one place.
 */
export function createServices(dependencies: ServiceDependencies) {
  const { database } = dependencies;
  return {
    apiKeys: new ApiKeysService(database),
    shops: new ShopsService(database),
  };
}

export type Services = ReturnType<typeof createServices>;
