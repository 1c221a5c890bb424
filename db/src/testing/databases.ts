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
const TEMPLATE_PREFIX = 'minishop_test_template_';
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

/** Builds the migrated template once per migration set; called by Vitest's global setup. */
export async function prepareTemplateDatabase(): Promise<string> {
  const template = templateName();
  const exists = await withServer(async (client) => {
    // Leftovers of interrupted runs and templates of older migration sets.
    const stale = await client.query<{ datname: string }>(
      `select datname from pg_database where datname like $1 and datname <> $2`,
      [`${TEST_DATABASE_PREFIX}%`, template],
    );
    for (const { datname } of stale.rows) await client.query(`drop database if exists "${datname}" with (force)`);
    const found = await client.query('select 1 from pg_database where datname = $1', [template]);
    return found.rowCount === 1;
  });
  if (exists) return template;

  const building = `${template}_building`;
  await withServer((client) => client.query(`create database "${building}"`));
  const config = loadConfig({}, { DATABASE_URL: databaseUrl(building), NODE_ENV: 'test' });
  const database = await connectDatabase(config);
  try {
    await migrate(database);
  } finally {
    await database.close();
  }
  await withServer((client) => client.query(`alter database "${building}" rename to "${template}"`));
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
  const name = `${TEST_DATABASE_PREFIX}${suffix}`;
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
