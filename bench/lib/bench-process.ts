import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * The runtime `npm start` gives the platform: the V8 flags of package.json's start script (the young and
 * old generation limits, docs/performance.md "Runtime and memory flags") and MALLOC_ARENA_MAX. A benchmark's
 * API and relay processes run with them, so that what is measured is what production runs; read from
 * package.json so the two cannot drift apart.
 */
export function productionRuntime(): { nodeFlags: string[]; environment: Record<string, string> } {
  const { scripts } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
  const words = scripts.start!.split(/\s+/);
  const nodeFlags = words.filter((word) => /^--max-[a-z-]+=\d+$/.test(word));
  const arenas = words.find((word) => word.startsWith('MALLOC_ARENA_MAX='))?.split('=')[1];
  if (nodeFlags.length === 0 || arenas === undefined) throw new Error(`package.json's start script names no memory flags: ${scripts.start}`);
  return { nodeFlags, environment: { MALLOC_ARENA_MAX: arenas } };
}

export interface BenchProcessOptions {
  environment: NodeJS.ProcessEnv;
  /** A process of the platform (the API, the relay): run with production's runtime. A load generator is not. */
  platform: boolean;
  /** BENCH_CPU_PROFILE=<folder> writes a V8 CPU profile of the process there. */
  cpuProfileFolder?: string;
}

/** Forks a benchmark's child (run through tsx) and waits for its first message, which says it is ready. */
export function startBenchProcess(script: URL, options: BenchProcessOptions): Promise<{ child: ChildProcess; message: Record<string, unknown> }> {
  const runtime = options.platform ? productionRuntime() : { nodeFlags: [], environment: {} };
  const profile = options.cpuProfileFolder ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileFolder}`] : [];
  const child = fork(script, [], {
    execArgv: ['--import', 'tsx', ...runtime.nodeFlags, ...profile],
    env: { ...options.environment, ...runtime.environment },
    stdio: 'inherit',
  });
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve({ child, message: message as Record<string, unknown> }));
    child.once('exit', (code) => reject(new Error(`${script.pathname} exited with ${code}`)));
  });
}
