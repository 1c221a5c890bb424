import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnvironment, type TestEnvironment } from '../../../db/src/testing/databases.ts';

const serverFile = fileURLToPath(new URL('../../src/server.ts', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts api/src/server.ts as `npm start`'s production sibling would; `whileRunning` may signal it. */
function runServer(environment: Record<string, string>, whileRunning?: (output: { stdout: () => string; kill: (signal: NodeJS.Signals) => void }) => Promise<void>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', serverFile], { env: { ...process.env, NODE_ENV: 'test', ...environment }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    // 'close', not 'exit': the process can exit before its stdout and stderr have been read to the end.
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    whileRunning?.({ stdout: () => stdout, kill: (signal) => child.kill(signal) }).catch((error) => {
      child.kill('SIGKILL');
      reject(error);
    });
  });
}

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** One line, no stack trace (Node's own process warnings aside). */
function expectOneLine(stderr: string, pattern: RegExp) {
  const lines = stderr.split('\n').filter((line) => line.trim() && !/^\(node:\d+\)/.test(line) && !line.includes('--trace-warnings'));
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/^\s+at /m);
}

let environment: TestEnvironment;
beforeAll(async () => {
  environment = await createTestEnvironment();
});
afterAll(() => environment?.cleanup());

const databaseAndRedis = () => ({ DATABASE_URL: environment.config.database.url, REDIS_KEY_PREFIX: environment.config.redis.keyPrefix, LOG_LEVEL: 'info', HOST: '127.0.0.1' });

// Each case starts a real process, which compiles the whole API first: seconds on a busy machine.
describe('api/src/server.ts', { timeout: 90_000 }, () => {
  it('exits 1 with one line naming the variable when the configuration is wrong', async () => {
    const run = await runServer({ PORT: 'eighty' });
    expect(run.code).toBe(1);
    expectOneLine(run.stderr, /^Environment variable PORT is invalid/);
  });

  it('exits 1 with one line naming DATABASE_URL when PostgreSQL does not answer', async () => {
    const run = await runServer({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/minishop' });
    expect(run.code).toBe(1);
    expectOneLine(run.stderr, /^Cannot reach PostgreSQL at DATABASE_URL=postgres:\/\/postgres@127\.0\.0\.1:1\/minishop/);
  });

  it('exits 1 with one line naming REDIS_URL when Redis does not answer', async () => {
    const run = await runServer({ ...databaseAndRedis(), REDIS_URL: 'redis://127.0.0.1:1' });
    expect(run.code).toBe(1);
    expectOneLine(run.stderr, /^Cannot reach Redis at REDIS_URL=redis:\/\/127\.0\.0\.1:1 \(connect ECONNREFUSED/);
  });

  it('exits 1 with one line naming PORT when the port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const run = await runServer({ ...databaseAndRedis(), PORT: String(port) });
      expect(run.code).toBe(1);
      expectOneLine(run.stderr, new RegExp(`^Cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\).*PORT`));
    } finally {
      blocker.close();
    }
  });

  it('serves, then on SIGTERM closes its connections and exits 0', async () => {
    let address = '';
    const run = await runServer({ ...databaseAndRedis(), PORT: '0' }, async ({ stdout, kill }) => {
      await until(() => /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.test(stdout()));
      address = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout())?.[1] as string;
      const ready = await fetch(`${address}/readyz`);
      expect(ready.status).toBe(200);
      kill('SIGTERM');
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('closing: finishing in-flight requests');
    await expect(fetch(`${address}/healthz`)).rejects.toThrow();
  });
});
