import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig, type Config } from '../config.ts';
import { connectDatabase, migrate, type Database } from '../database.ts';

/**
 * Test databases: the migrations run once into a template database, and every test file gets its own
 * fresh copy (CREATE DATABASE ... TEMPLATE), which takes milliseconds instead of a migration run.
 */
const TEMPLATE_PREFIX = 'minishop_template_';
export const TEST_DATABASE_PREFIX = 'minishop_test_';

/** The server the tests use, as a URL of its maintenance database. */
export function testServerUrl(): string {
  const url = new URL(process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = '/postgres';
  return url.toString();
}

function databaseUrl(name: string): string {
  const url = new URL(testServerUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/** The template's name changes whenever a migration changes, so a stale template is never used. */
export function templateName(): string {
  const folder = fileURLToPath(new URL('../migrations/', import.meta.url));
  const hash = createHash('sha256');
  for (const file of readdirSync(folder).sort()) hash.update(file).update(readFileSync(folder + file));
  return TEMPLATE_PREFIX + hash.digest('hex').slice(0, 16);
}

async function withServer<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testServerUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Test databases left behind by runs that died are dropped once they are this old. */
const ABANDONED_AFTER_SECONDS = 3_600;

/**
 * Builds the migrated template once per migration set; called by Vitest's global setup. Several test
 * runs may share one PostgreSQL (developers in parallel), so the build holds an advisory lock and only
 * databases abandoned long ago are dropped.
 */
export async function prepareTemplateDatabase(): Promise<string> {
  const template = templateName();
  await withServer(async (client) => {
    await client.query(`select pg_advisory_lock(hashtext('minishop_test_template'))`);
    try {
      const stale = await client.query<{ datname: string }>(`select datname from pg_database where datname ~ $1`, [`^${TEST_DATABASE_PREFIX}[0-9]+_`]);
      const nowSeconds = Math.floor(Date.now() / 1000);
      for (const { datname } of stale.rows) {
        const createdAtSeconds = Number(datname.slice(TEST_DATABASE_PREFIX.length).split('_')[0]);
        if (nowSeconds - createdAtSeconds > ABANDONED_AFTER_SECONDS) await client.query(`drop database if exists "${datname}" with (force)`);
      }
      const found = await client.query('select 1 from pg_database where datname = $1', [template]);
      if (found.rowCount === 1) return;
      const building = `${template}_building`;
      await client.query(`drop database if exists "${building}" with (force)`);
      await client.query(`create database "${building}"`);
      const config = loadConfig({}, { DATABASE_URL: databaseUrl(building), NODE_ENV: 'test' });
      const database = await connectDatabase(config);
      try {
        await migrate(database);
      } finally {
        await database.close();
      }
      await client.query(`alter database "${building}" rename to "${template}"`);
    } finally {
      await client.query(`select pg_advisory_unlock(hashtext('minishop_test_template'))`);
    }
  });
  return template;
}

export interface TestEnvironment {
  config: Config;
  database: Database;
  /** Drops the database and the Redis keys of this test file. */
  cleanup(): Promise<void>;
}

/** A fresh database and Redis prefix for one test file, and a config that points at them. */
export async function createTestEnvironment(overrides: Parameters<typeof loadConfig>[1] = {}): Promise<TestEnvironment> {
  const suffix = randomBytes(6).toString('hex');
  const name = `${TEST_DATABASE_PREFIX}${Math.floor(Date.now() / 1000)}_${suffix}`;
  await withServer((client) => client.query(`create database "${name}" template "${templateName()}"`));
  const config = loadConfig(process.env, {
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl(name),
    REDIS_KEY_PREFIX: `test:${suffix}:`,
    LOG_LEVEL: 'silent',
    PASSWORD_HASH_MEMORY_KIB: '1024',
    RATE_LIMIT_MAX_PER_MINUTE: '100000',
    AUTH_RATE_LIMIT_MAX_PER_MINUTE: '100000',
    DATABASE_POOL_MAX: '5',
    ...overrides,
  });
  const database = await connectDatabase(config);
  return {
    config,
    database,
    async cleanup() {
      await database.close();
      const { Redis } = await import('ioredis');
      const redis = new Redis(config.redis.url);
      try {
        const keys = await redis.keys(`${config.redis.keyPrefix}*`);
        if (keys.length) await redis.del(...keys);
      } finally {
        redis.disconnect();
      }
      await withServer((client) => client.query(`drop database if exists "${name}" with (force)`));
    },
  };
}
