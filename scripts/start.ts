import type { FastifyInstance } from 'fastify';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { buildApp } from '../api/src/app.ts';
import { listen } from '../api/src/listen.ts';
import { loadConfig, type Config } from '../db/src/config.ts';
import { ensureDatabaseExists } from '../db/src/create-database.ts';
import { connectDatabase, migrate, redactUrl } from '../db/src/database.ts';
import { loggerOptions } from '../db/src/log-redaction.ts';
import { connectRedis, createRedis } from '../db/src/redis.ts';
import { DEMO_EMAIL_DOMAIN } from '../db/src/seeds/demo-catalog.ts';
import { exitOnStartupFailure } from '../db/src/startup-errors.ts';
import { buildFrontends } from './frontends.ts';
import { seedDemoPlatform } from './demo-seeding.ts';
import { describeDemoLogins } from './seed-output.ts';
import { startWorkers } from '../workers/src/start-workers.ts';
import { stopOnSignals } from './stop-signals.ts';

const rootFolder = fileURLToPath(new URL('..', import.meta.url));
/** Runs the one-off start-up work (database, migrations, demo seed, front-end builds) and exits. */
const PREPARE_ONLY = '--prepare-only';

/**
 * The workers run inside this process, beside the API, on its database pool, Redis connection and
 * services: one Node process instead of two halves the platform's resident memory (a Node process starts
 * near 40 MB before any code, and the workers would load the same services, ORM and drivers again;
 * docs/performance.md). Their jobs are I/O-bound (SQL, Redis, HTTP calls; sharp resizes on libuv's
 * threads), so they share the event loop with HTTP at little cost. To scale the two apart, run
 * `npm run api` and `npm run workers` as separate processes instead (docker-compose.yml does).
 */
async function startWorkersInProcess(app: FastifyInstance, config: Config): Promise<() => Promise<void>> {
  const stops: (() => unknown)[] = [];
  const logger = pino({ name: 'workers', ...loggerOptions(config) });
  const stop = async () => {
    for (const stopPart of stops.reverse()) await stopPart();
  };
  try {
    await startWorkers({ config, database: app.database, redis: app.redis, services: app.services, logger }, (stopPart) => stops.push(stopPart));
  } catch (error) {
    await stop();
    throw error;
  }
  return stop;
}

/** Fails fast with the REDIS_URL message rather than after migrating and seeding. */
async function checkRedis(config: Config): Promise<void> {
  const redis = await connectRedis(createRedis(config), config.redis.url);
  redis.disconnect();
}

function banner(config: Config, adminAvailable: boolean, widgetAvailable: boolean, showLogins: boolean): string {
  const url = config.http.publicUrl;
  const lines = [
    '',
    `Minishop is running (the API and the workers in process ${process.pid}).`,
    widgetAvailable ? `  Demo chat ${url}/demo  (the storefront widget in a chat; embed it with <script src="${url}/widget.js" data-shop="lotus-tea-house" async>)` : '  Demo chat (not available: the storefront widget is not built; npm run build in storefront-widget/)',
    `  API       ${url}  (/api/admin, /api/store, /api/auth)`,
    `  Docs      ${url}/docs  (OpenAPI: ${url}/docs/json)`,
    `  Live      ${url.replace(/^http/, 'ws')}/ws  (WebSocket order updates, docs/realtime.md)`,
    `  Metrics   ${url}/metrics`,
    `  Queues    ${url}/admin/queues  (operators: POST /api/admin/operator/queue-dashboard/session first)`,
    `  Health    ${url}/healthz  and  ${url}/readyz`,
    adminAvailable ? `  Console   ${url}/admin` : '  Console   (not built: npx vite build in admin/)',
    '',
  ];
  if (showLogins) lines.push(describeDemoLogins(), '');
  lines.push('Press Ctrl-C to stop.', '');
  return lines.join('\n');
}

/**
 * The one-off work before the platform runs, in a process of its own (this program again, with
 * PREPARE_ONLY) that exits before the platform starts: the migrator, the seed's modules and the password
 * hashing library it loads for the demo staff never stay resident in the long-running process
 * (docs/performance.md).
 */
async function prepare(config: Config): Promise<void> {
  if (await ensureDatabaseExists(config)) console.log(`Created the database of DATABASE_URL=${redactUrl(config.database.url)}.`);
  const database = await connectDatabase(config);
  try {
    const applied = await migrate(database);
    console.log(applied.length ? `Migrations: applied ${applied.length}.` : 'Migrations: up to date.');
    await seedDemoPlatform(database, config);
  } finally {
    await database.close();
  }
  for (const build of buildFrontends(rootFolder)) console.log(`Front-end ${build.folder}: ${build.outcome}.`);
}

async function main() {
  const config = loadConfig();
  if (process.argv.includes(PREPARE_ONLY)) {
    await prepare(config);
    // Whatever the services left scheduled (timers, sockets) must not keep the preparation alive.
    process.exit(0);
  }
  // Once, here, before the preparation starts: the child is only started with Redis known to answer.
  await checkRedis(config);
  // The same program and loader (tsx in development, the compiled build otherwise: scripts/compiled.mjs sets argv[1]).
  const prepared = spawnSync(process.execPath, [...process.execArgv, process.argv[1]!, PREPARE_ONLY], { stdio: 'inherit' });
  if (prepared.status !== 0) process.exit(prepared.status ?? 1);

  const database = await connectDatabase(config);
  const app = await buildApp(config, { database });
  await listen(app, config);
  const stopWorkers = await startWorkersInProcess(app, config);

  stopOnSignals(async (signal) => {
    console.log(`\n${signal}: stopping the workers and the API...`);
    // The workers first: their active jobs finish on the API's database and Redis, which close after.
    await stopWorkers();
    await app.close();
    await database.close();
  });

  const demoUsers = await database.pool.query<{ count: number }>(`select count(*)::int as count from staff_user where email like $1`, [`%@${DEMO_EMAIL_DOMAIN}`]);
  const adminAvailable = app.hasRoute({ method: 'GET', url: '/admin' }) || app.hasRoute({ method: 'GET', url: '/admin/' });
  const widgetAvailable = (await app.inject({ method: 'HEAD', url: '/widget.js' })).statusCode === 200;
  console.log(banner(config, adminAvailable, widgetAvailable, (demoUsers.rows[0]?.count ?? 0) > 0));
  // One full collection now that startup's garbage (module loading, route compilation, the first queries) is
  // dead: about 3 MB less resident at idle (npm start runs node with --expose-gc for it; docs/performance.md).
  (globalThis as { gc?: () => void }).gc?.();
}

main().catch(exitOnStartupFailure);
