import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { testServerUrl } from '../../db/src/testing/databases.ts';

const execFileAsync = promisify(execFile);

export interface PgbenchResult {
  clients: number;
  threads: number;
  scale: number;
  seconds: number;
  tps: number;
  latencyAverageMs: number;
}

/**
 * pgbench's built-in TPC-B-like transaction (five statements, three updates of hot rows among them) on a
 * scratch database of the same PostgreSQL server: the reference the database-bound figures are read
 * against, measured in the same run. One run per client count, `seconds` each.
 */
export async function runPgbench(clientCounts: number[], seconds: number, scale = 10): Promise<PgbenchResult[]> {
  const scratch = `minishop_pgbench_${Date.now()}_${process.pid}`;
  const admin = new pg.Client({ connectionString: testServerUrl() });
  await admin.connect();
  try {
    await admin.query(`create database "${scratch}"`);
    const url = new URL(testServerUrl());
    // A Unix socket's folder comes percent-encoded in the host part (postgres://user@%2Fvar%2Frun%2Fpostgresql/db).
    const connection = ['-h', decodeURIComponent(url.hostname), '-p', url.port || '5432', '-U', decodeURIComponent(url.username) || 'postgres'];
    await execFileAsync('pgbench', ['-i', '-q', '-s', String(scale), ...connection, scratch]);
    const results: PgbenchResult[] = [];
    for (const clients of clientCounts) {
      const threads = Math.min(clients, 2);
      const { stdout } = await execFileAsync('pgbench', ['-c', String(clients), '-j', String(threads), '-T', String(seconds), ...connection, scratch]);
      results.push({
        clients,
        threads,
        scale,
        seconds,
        tps: Math.round(Number(/tps = ([\d.]+)/.exec(stdout)?.[1] ?? Number.NaN)),
        latencyAverageMs: Number(/latency average = ([\d.]+) ms/.exec(stdout)?.[1] ?? Number.NaN),
      });
    }
    return results;
  } finally {
    await admin.query(`drop database if exists "${scratch}" with (force)`).catch(() => undefined);
    await admin.end();
  }
}
