import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { testServerUrl } from '../../db/src/testing/databases.ts';

/**
 * `npm run bench -- write-path [--duration=5] [--clients=32] [--shards=16] [--api-ms=1]`: the ledger's
 * write-path designs reduced to their locks, on a scratch database with pgbench, so that the choice in
 * docs/ledger.md §5 ("The options, reduced to their locks") rests on a measurement rather than on an argument. Each variant is one
 * payment transaction as checkout runs it: a wallet debited, escrow credited, a transfer row appended,
 * with `--api-ms` of API time (sleep) after the first and before COMMIT, because in production the API
 * computes between its statements while the transaction holds its locks.
 *
 *  - today:            head row locked first (one chain), one escrow row per currency
 *  - head, sharded:    head row locked first, escrow split into `--shards` sub-accounts
 *  - no head, one:     no head lock (chain positions sealed after commit), one escrow row
 *  - no head, sharded: no head lock, sharded escrow, and a sealer (one client, every 100 ms) assigning
 *                      chain positions to committed rows in batches under the head lock
 *
 * The same four without API time follow (the database alone). Prints transactions/s and average
 * latency per variant and how many rows the sealer left unsealed; writes bench/results/write-path.json.
 */
const flag = (name: string, fallback: number) => {
  const value = process.argv.find((argument) => argument.startsWith(`--${name}=`))?.split('=')[1];
  return value === undefined ? fallback : Number(value);
};
const durationSeconds = Math.min(Math.max(flag('duration', 5), 1), 60);
const clients = Math.min(Math.max(flag('clients', 32), 1), 128);
const shards = Math.min(Math.max(flag('shards', 16), 1), 256);
const apiMs = Math.min(Math.max(flag('api-ms', 1), 0), 100);
const execFileAsync = promisify(execFile);

function script(options: { head: boolean; sharded: boolean; apiMs: number }): string {
  const sleep = options.apiMs > 0 ? `\\sleep ${options.apiMs} ms\n` : '';
  return [
    '\\set wallet random(1, 10000)\n',
    `\\set shard random(1, ${shards})\n`,
    'BEGIN;\n',
    options.head ? 'SELECT sequence FROM head WHERE id = 1 FOR UPDATE;\n' : '',
    sleep,
    'UPDATE account SET balance = balance - 1 WHERE id = :wallet;\n',
    `UPDATE account SET balance = balance + 1 WHERE id = ${options.sharded ? '-:shard' : '0'};\n`,
    options.head
      ? "INSERT INTO transfer (sequence, body) SELECT sequence + 1, 'payment' FROM head WHERE id = 1;\nUPDATE head SET sequence = sequence + 1 WHERE id = 1;\n"
      : "INSERT INTO transfer (body) VALUES ('payment');\n",
    sleep,
    'END;\n',
  ].join('');
}

const SEALER = `BEGIN;
SELECT sequence FROM head WHERE id = 1 FOR UPDATE;
WITH todo AS (SELECT id, row_number() OVER (ORDER BY created_at, id) AS position FROM transfer WHERE sequence IS NULL ORDER BY created_at, id LIMIT 5000),
     sealed AS (UPDATE transfer t SET sequence = h.sequence + todo.position FROM todo, head h WHERE t.id = todo.id AND h.id = 1 RETURNING 1)
UPDATE head SET sequence = sequence + (SELECT count(*) FROM sealed) WHERE id = 1;
END;
\\sleep 100 ms
`;

const scratch = `minishop_write_path_${Date.now()}`;
const folder = mkdtempSync(path.join(os.tmpdir(), 'write-path-'));
const admin = new pg.Client({ connectionString: testServerUrl() });
await admin.connect();
const url = new URL(testServerUrl());
const connection = ['-h', url.hostname, '-p', url.port || '5432', '-U', decodeURIComponent(url.username) || 'postgres'];
const report: Record<string, unknown> = { measuredAt: new Date().toISOString(), machine: { cpus: os.cpus().length, loadAverageBefore: os.loadavg() }, durationSeconds, clients, shards, apiMs };
try {
  await admin.query(`create database "${scratch}"`);
  const database = new pg.Client({ connectionString: Object.assign(new URL(testServerUrl()), { pathname: `/${scratch}` }).toString() });
  await database.connect();
  await database.query(`
    create table head (id int primary key, sequence bigint not null);
    insert into head values (1, 0);
    create table account (id int primary key, balance bigint not null);
    insert into account select g, 1000000000 from generate_series(-${shards}, 10000) g;
    create table transfer (id uuid primary key default gen_random_uuid(), sequence bigint unique, body text not null, created_at timestamptz not null default clock_timestamp());
    create index transfer_unsealed on transfer (created_at, id) where sequence is null;`);
  writeFileSync(path.join(folder, 'sealer.sql'), SEALER);

  const variants = [apiMs, ...(apiMs > 0 ? [0] : [])].flatMap((milliseconds) =>
    [
      { name: 'today: head lock, one escrow row', head: true, sharded: false },
      { name: `head lock, escrow in ${shards} shards`, head: true, sharded: true },
      { name: 'no head lock (sealer), one escrow row', head: false, sharded: false },
      { name: `no head lock (sealer), escrow in ${shards} shards`, head: false, sharded: true },
    ].map((variant) => ({ ...variant, apiMs: milliseconds })),
  );
  const results = [];
  for (const variant of variants) {
    const file = path.join(folder, 'variant.sql');
    writeFileSync(file, script(variant));
    const sealer = variant.head ? null : execFileAsync('pgbench', ['-n', '-c', '1', '-T', String(durationSeconds + 1), '-f', path.join(folder, 'sealer.sql'), ...connection, scratch]);
    const { stdout } = await execFileAsync('pgbench', ['-n', '-c', String(clients), '-j', '2', '-T', String(durationSeconds), '-f', file, ...connection, scratch]);
    await sealer;
    const unsealed = (await database.query<{ count: number }>('select count(*)::int as count from transfer where sequence is null')).rows[0]!.count;
    const result = {
      variant: variant.name,
      apiMsBetweenStatements: variant.apiMs,
      transactionsPerSecond: Math.round(Number(/tps = ([\d.]+)/.exec(stdout)?.[1] ?? Number.NaN)),
      latencyAverageMs: Number(/latency average = ([\d.]+) ms/.exec(stdout)?.[1] ?? Number.NaN),
      unsealedAfterRun: variant.head ? 0 : unsealed,
      loadAverage: os.loadavg()[0],
    };
    results.push(result);
    console.log(result);
  }
  await database.end();
  console.table(results);
  Object.assign(report, { results });
  mkdirSync(new URL('../results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('../results/write-path.json', import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
  console.log('written to bench/results/write-path.json');
} finally {
  await admin.query(`drop database if exists "${scratch}" with (force)`).catch(() => undefined);
  await admin.end();
  rmSync(folder, { recursive: true, force: true });
}
