import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../api/src/app.ts';
import { listen } from '../api/src/listen.ts';
import { loadConfig, type Config } from '../db/src/config.ts';
import { ensureDatabaseExists } from '../db/src/create-database.ts';
import { connectDatabase, migrate, redactUrl } from '../db/src/database.ts';
import { connectRedis, createRedis } from '../db/src/redis.ts';
import { seedDemo } from '../db/src/seeds/demo.ts';
import { seedDemoOrders } from '../db/src/seeds/demo-orders.ts';
import { DEMO_EMAIL_DOMAIN } from '../db/src/seeds/demo-catalog.ts';
import { exitOnStartupFailure } from '../db/src/startup-errors.ts';
import { buildFrontends } from './frontends.ts';
import { describeDemoLogins, describeDemoShopper, describeSeed } from './seed-output.ts';
import { stopOnSignals } from './stop-signals.ts';

const rootFolder = fileURLToPath(new URL('..', import.meta.url));

/** True in the compiled build (scripts/build.mjs defines it); undefined when tsx runs this file from source. */
declare const MINISHOP_COMPILED: boolean | undefined;

/**
 * How to start the workers the way this process was started: from the compiled build on plain Node with
 * the same Node flags (the memory limits of package.json's scripts), or from source through tsx in
 * development (`npm run dev`).
 */
function workersCommand(): string[] {
  if (typeof MINISHOP_COMPILED !== 'undefined' && MINISHOP_COMPILED) {
    return [...process.execArgv, fileURLToPath(new URL('./compiled.mjs', import.meta.url)), 'workers'];
  }
  return ['--import', 'tsx', fileURLToPath(new URL('../workers/src/main.ts', import.meta.url))];
}

/**
 * The workers run as a child process, as in production (docker-compose.yml runs them apart from the API):
 * a slow job then never stalls an HTTP request, and each process's memory can be read on its own. This
 * process is their supervisor: if they exit, it stops too (and says why), and it stops them when it stops.
 * They get their own process group, so Ctrl-C reaches them once, through this process, which waits for them.
 */
function startWorkersProcess(): ChildProcess {
  return spawn(process.execPath, workersCommand(), {
    cwd: rootFolder,
    env: process.env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    detached: true,
  });
}

async function stopWorkersProcess(workers: ChildProcess): Promise<void> {
  if (workers.exitCode !== null || workers.signalCode !== null) return;
  const exited = once(workers, 'exit');
  workers.kill('SIGTERM');
  await exited;
}

/** Fails fast with the REDIS_URL message rather than after migrating and seeding. */
async function checkRedis(config: Config): Promise<void> {
  const redis = await connectRedis(createRedis(config), config.redis.url);
  redis.disconnect();
}

function banner(config: Config, workersPid: number | undefined, adminAvailable: boolean, widgetAvailable: boolean, showLogins: boolean): string {
  const url = config.http.publicUrl;
  const lines = [
    '',
    `Minishop is running (the API in process ${process.pid}, the workers in process ${workersPid}).`,
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

async function main() {
  const config = loadConfig();
  await checkRedis(config);
  if (await ensureDatabaseExists(config)) console.log(`Created the database of DATABASE_URL=${redactUrl(config.database.url)}.`);
  const database = await connectDatabase(config);
  const applied = await migrate(database);
  console.log(applied.length ? `Migrations: applied ${applied.length}.` : 'Migrations: up to date.');
  const seed = await seedDemo(database, config);
  console.log(describeSeed(seed));
  for (const build of buildFrontends(rootFolder)) console.log(`Front-end ${build.folder}: ${build.outcome}.`);

  const app = await buildApp(config, { database });
  // The demo shopper's orders go through the services, so they follow the seed once the app is built.
  if (seed.seeded) console.log(describeDemoShopper(await seedDemoOrders(database, app.services), config.http.publicUrl));
  await listen(app, config);
  const workers = startWorkersProcess();

  let closing = false;
  async function shutdown() {
    closing = true;
    await Promise.allSettled([stopWorkersProcess(workers), app.close()]);
    await database.close();
  }
  stopOnSignals(async (signal) => {
    console.log(`\n${signal}: stopping the API and the workers...`);
    await shutdown();
  });
  workers.once('exit', (code, signal) => {
    if (closing) return;
    console.error(`The workers process exited (${signal ?? `code ${code}`}); stopping.`);
    void shutdown().finally(() => process.exit(1));
  });

  const demoUsers = await database.pool.query<{ count: number }>(`select count(*)::int as count from staff_user where email like $1`, [`%@${DEMO_EMAIL_DOMAIN}`]);
  const adminAvailable = app.hasRoute({ method: 'GET', url: '/admin' }) || app.hasRoute({ method: 'GET', url: '/admin/' });
  const widgetAvailable = (await app.inject({ method: 'HEAD', url: '/widget.js' })).statusCode === 200;
  console.log(banner(config, workers.pid, adminAvailable, widgetAvailable, (demoUsers.rows[0]?.count ?? 0) > 0));
}

main().catch(exitOnStartupFailure);
