import { MikroORM, type IMigrator, type Options } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { Config } from './config.ts';
import { entities } from './entities.ts';
import { StatementBatchingClient } from './pool-transaction.ts';

// bigint (int8) columns hold money in minor units, always within Number.MAX_SAFE_INTEGER: read them as
// numbers on the raw pool too, not strings.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) throw new Error(`bigint ${value} is outside the safe integer range`);
  return parsed;
});

export function ormOptions(config: Pick<Config, 'database' | 'environment'>): Options {
  return {
    clientUrl: config.database.url,
    entities,
    pool: { min: 0, max: config.database.poolMax },
    allowGlobalContext: false,
    forceUtcTimezone: true,
    debug: false,
    discovery: { warnWhenNoEntities: true },
  };
}

/**
 * The two ways to reach PostgreSQL: MikroORM for the domain's entities, and a plain `pg` pool for the
 * few hot paths (ledger postings, stock reservations, catalog reads) where the unit of work costs more
 * than it gives. Both point at the same database.
 */
export interface Database {
  orm: MikroORM;
  pool: pg.Pool;
  /**
   * The journal exports' own small pool (DATABASE_EXPORT_POOL_MAX): a long download holds one of these,
   * never a connection that checkout needs.
   */
  exportPool: pg.Pool;
  close(): Promise<void>;
}

export class DatabaseUnreachableError extends Error {
  override name = 'DatabaseUnreachableError';
}

export async function connectDatabase(config: Pick<Config, 'database' | 'environment'>): Promise<Database> {
  let orm: MikroORM;
  try {
    orm = await MikroORM.init(ormOptions(config));
    await orm.em.getConnection().execute('select 1');
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new DatabaseUnreachableError(
      `Cannot reach PostgreSQL at DATABASE_URL=${redactUrl(config.database.url)} (${detail}). ` +
        'Start PostgreSQL, create the database (createdb minishop), or set DATABASE_URL.',
    );
  }
  // Named (prepared) statements are the hot paths' fixed-text queries, looked up by key: a generic plan
  // made once per connection serves every call, where PostgreSQL's default would re-plan the array-taking
  // ones on every execution (it judges their generic plan by a guessed array size).
  const pool = new pg.Pool({
    connectionString: config.database.url,
    max: config.database.poolMax,
    options: '-c plan_cache_mode=force_generic_plan',
    Client: StatementBatchingClient,
  });
  // Connections open on first use, so a process that never exports never opens one.
  const exportPool = new pg.Pool({ connectionString: config.database.url, max: config.database.exportPoolMax, idleTimeoutMillis: 30_000 });
  for (const each of [pool, exportPool]) {
    each.on('error', () => {
      // An idle client lost its connection; the pool replaces it on the next checkout.
    });
  }
  return {
    orm,
    pool,
    exportPool,
    async close() {
      await Promise.allSettled([orm.close(true), pool.end(), exportPool.end()]);
    },
  };
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

/**
 * The migrator, loaded only by what migrates (`npm start`'s preparation step, db:migrate, db:seed, the
 * test templates): the running API and workers never hold the migrator's code nor every migration's SQL.
 */
async function migratorOf(database: Database): Promise<IMigrator> {
  const [{ Migrator }, { migrationsList }] = await Promise.all([import('@mikro-orm/migrations'), import('./migrations/index.ts')]);
  database.orm.config.set('migrations', {
    ...database.orm.config.get('migrations'),
    migrationsList,
    transactional: true,
    allOrNothing: true,
    snapshot: false,
    tableName: 'mikro_orm_migrations',
  });
  return new Migrator(database.orm.em);
}

/** Runs every pending migration; returns the names it applied. */
export async function migrate(database: Database): Promise<string[]> {
  const applied = await (await migratorOf(database)).up();
  return applied.map((migration) => migration.name);
}

/** The names of the migrations not applied yet. */
export async function pendingMigrations(database: Database): Promise<string[]> {
  return (await (await migratorOf(database)).getPendingMigrations()).map((migration) => migration.name);
}
