import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestEnvironment } from '../../db/src/testing/databases.ts';
import { bundle, distFolder, rootFolder } from '../../scripts/build.mjs';

/**
 * The runtime `npm start` gives the platform: the V8 flags of package.json's start script (the young and
 * old generation limits, docs/performance.md "Runtime and memory flags") and MALLOC_ARENA_MAX. A benchmark's
 * API and relay processes run with them, so that what is measured is what production runs; read from
 * package.json so the two cannot drift apart.
 */
export function productionRuntime(): { nodeFlags: string[]; environment: Record<string, string> } {
  const { scripts } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
  const words = scripts.start!.split(/\s+/);
  // Every V8 flag but --expose-gc, which only start.ts's one collection after startup uses.
  const nodeFlags = words.filter((word) => word.startsWith('--') && word !== '--expose-gc');
  const arenas = words.find((word) => word.startsWith('MALLOC_ARENA_MAX='))?.split('=')[1];
  if (nodeFlags.length === 0 || arenas === undefined) throw new Error(`package.json's start script names no memory flags: ${scripts.start}`);
  return { nodeFlags, environment: { MALLOC_ARENA_MAX: arenas } };
}

/**
 * The environment of a benchmark's child: this process's, pointed at the run's throwaway database and Redis
 * prefix, logging at production's default level (a platform process's log goes to a file, see
 * startBenchProcess: its cost is part of what is measured), plus the benchmark's own settings (pool size,
 * rate limits raised for one-address load).
 */
export function benchProcessEnvironment(environment: TestEnvironment, settings: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: environment.config.database.url,
    REDIS_KEY_PREFIX: environment.config.redis.keyPrefix,
    LOG_LEVEL: 'info',
    ...settings,
  };
}

export interface BenchProcessOptions {
  environment: NodeJS.ProcessEnv;
  /**
   * A process of the platform (the API, the relay): compiled as `npm start`'s build is and run on plain
   * Node with production's runtime. A load generator is not: it runs from its sources through tsx.
   */
  platform: boolean;
  /** BENCH_CPU_PROFILE=<folder> writes a V8 CPU profile of the process there. */
  cpuProfileFolder?: string;
}

/** This run's compiled benchmark processes: one folder under dist/, removed when the run ends (or by a later run). */
const compiledFolder = join(distFolder, `bench-${Date.now()}-${process.pid}`);
let compiledCount = 0;
process.once('exit', () => rmSync(compiledFolder, { recursive: true, force: true }));

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Folders of earlier runs that ended without removing theirs (a killed run, a test worker thread). */
function removeAbandonedFolders(): void {
  for (const name of existsSync(distFolder) ? readdirSync(distFolder) : []) {
    const pid = /^bench-\d+-(\d+)$/.exec(name)?.[1];
    if (pid !== undefined && Number(pid) !== process.pid && !isRunning(Number(pid))) rmSync(join(distFolder, name), { recursive: true, force: true });
  }
}

/**
 * Compiles a benchmark's platform process the way scripts/build.mjs compiles `npm start`'s programs: what
 * runs is one plain JavaScript bundle, not our sources through tsx's loader (whose transformed modules and
 * loader thread a production process does not carry: 74 -> 63 MB of live heap in the ledger's API).
 */
async function compile(script: URL): Promise<string> {
  if (compiledCount === 0) removeAbandonedFolders();
  compiledCount += 1;
  const name = `${basename(script.pathname, '.ts')}-${compiledCount}`;
  await bundle({ [name]: relative(rootFolder, fileURLToPath(script)) }, compiledFolder);
  return join(compiledFolder, `${name}.js`);
}

/**
 * BENCH_NODE_FLAGS="--trace-gc ..." adds V8 flags to the platform processes of one run, to look at them
 * (`--trace-gc`) or try a setting before it goes into package.json. Never set by `npm run bench` itself.
 */
function experimentFlags(): string[] {
  return (process.env.BENCH_NODE_FLAGS ?? '').split(/\s+/).filter((flag) => flag.startsWith('--'));
}

/** Forks a benchmark's child and waits for its first message, which says it is ready. */
export async function startBenchProcess(script: URL, options: BenchProcessOptions): Promise<{ child: ChildProcess; message: Record<string, unknown> }> {
  const runtime = options.platform ? productionRuntime() : { nodeFlags: [], environment: {} };
  const profile = options.cpuProfileFolder ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileFolder}`] : [];
  let child: ChildProcess;
  if (options.platform) {
    const compiled = await compile(script);
    // A platform process writes its log lines (pino, one per request) to a file, as a server's go to its
    // log collector: paid for in the measured CPU, kept out of the benchmark's own output.
    const log = openSync(compiled.replace(/\.js$/, '.log'), 'a');
    child = fork(compiled, [], { execArgv: [...runtime.nodeFlags, ...profile, ...experimentFlags()], env: { ...options.environment, ...runtime.environment }, stdio: ['inherit', log, 'inherit', 'ipc'] });
    // The child holds its own copy of the descriptor.
    closeSync(log);
  } else {
    child = fork(script, [], { execArgv: ['--import', 'tsx', ...profile], env: options.environment, stdio: 'inherit' });
  }
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve({ child, message: message as Record<string, unknown> }));
    child.once('exit', (code) => reject(new Error(`${script.pathname} exited with ${code}`)));
  });
}
