import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

/**
 * HTTP load with autocannon, either in this process or in a child process of its own. On a 2-core
 * machine the two give different numbers: in-process, the load generator and the server share one
 * event loop, so every request the generator makes is CPU the server does not get.
 */
export interface LoadOptions {
  url: string;
  /** Paths the connections cycle through (each connection walks the list in order). */
  paths: string[];
  connections: number;
  durationSeconds: number;
  /** Request headers every request carries (e.g. the Accept-Encoding a browser sends). */
  headers?: Record<string, string>;
}

export interface LoadResult {
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  totalRequests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

export type LoadGeneratorPlacement = 'child' | 'in-process';

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    requests: options.paths.map((path) => ({ path, method: 'GET' })),
    ...(options.headers ? { headers: options.headers } : {}),
  });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    totalRequests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

const CHILD_MARKER = 'BENCH_LOAD_GENERATOR_CHILD';

/** The same load from a forked Node process (with tsx, like the parent), answering over IPC. */
export function runLoadInChild(options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [], { env: { ...process.env, [CHILD_MARKER]: '1' }, execArgv: ['--import', 'tsx'], stdio: 'inherit' });
    let settled = false;
    child.once('message', (result) => {
      settled = true;
      resolve(result as LoadResult);
      child.kill();
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (!settled) reject(new Error(`load generator exited with code ${code} before reporting`));
    });
    child.send(options);
  });
}

export function runLoadWith(placement: LoadGeneratorPlacement, options: LoadOptions): Promise<LoadResult> {
  return placement === 'child' ? runLoadInChild(options) : runLoad(options);
}

if (process.env[CHILD_MARKER] === '1' && process.send) {
  process.once('message', async (options: LoadOptions) => {
    const result = await runLoad(options);
    process.send!(result);
  });
}
