import pg from 'pg';
import type { Config } from './config.ts';
import { DatabaseUnreachableError, redactUrl } from './database.ts';

/**
 * Creates the configured database when it does not exist yet, through the server's `postgres`
 * maintenance database, so that a first `npm start` needs nothing but a running PostgreSQL.
 * Returns whether it created it.
 */
export async function ensureDatabaseExists(config: Pick<Config, 'database'>): Promise<boolean> {
  const url = new URL(config.database.url);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!name || name === 'postgres') return false;
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  try {
    await client.connect();
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new DatabaseUnreachableError(`Cannot reach PostgreSQL at DATABASE_URL=${redactUrl(config.database.url)} (${detail}). Start PostgreSQL or set DATABASE_URL.`);
  }
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount) return false;
    try {
      await client.query(`create database ${client.escapeIdentifier(name)}`);
    } catch (error) {
      // Another process created it between our look and our create.
      if ((error as { code?: string }).code === '42P04') return false;
      const detail = error instanceof Error ? error.message : String(error);
      throw new DatabaseUnreachableError(`Cannot create the database "${name}" of DATABASE_URL=${redactUrl(config.database.url)} (${detail}). Create it yourself (createdb ${name}) or set DATABASE_URL.`);
    }
    return true;
  } finally {
    await client.end();
  }
}
