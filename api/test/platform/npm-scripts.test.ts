import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnvironment, type TestEnvironment } from '../../../db/src/testing/databases.ts';

/**
 * `npm run api` and `npm run workers` each start one half alone (issue #8 item 9), so they scale apart:
 * the API answers without workers, the workers run without an API, and each stops on SIGTERM.
 */
const rootFolder = fileURLToPath(new URL('../../../', import.meta.url));

interface Running {
  pid: number | undefined;
  output: () => string;
  stop: () => Promise<void>;
}

function npmRun(script: string, environment: Record<string, string>): Running {
  // In its own process group, so that a signal reaches npm and the Node process it started alike.
  const child = spawn('npm', ['run', '--silent', script], { cwd: rootFolder, env: { ...process.env, NODE_ENV: 'test', ...environment }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  // The pipes close when every process writing to them is gone: npm and the Node process it started.
  const closed = Promise.all([new Promise((resolve) => child.stdout.on('close', resolve)), new Promise((resolve) => child.stderr.on('close', resolve))]);
  return {
    pid: child.pid,
    output: () => output,
    async stop() {
      // The whole group (npm, sh, node) gets the signal, as a terminal's Ctrl-C or a container stop would give it.
      try {
        if (child.pid) process.kill(-child.pid, 'SIGTERM');
      } catch (error) {
        // Every process of the group has exited already.
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
      await closed;
    },
  };
}

/** The parent process id of a live process, from /proc/<pid>/stat (after the command name's closing parenthesis). */
function parentOf(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1)!.split(' ')[1]);
}

async function until(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

let environment: TestEnvironment;
beforeAll(async () => {
  environment = await createTestEnvironment();
});
afterAll(() => environment?.cleanup());

const settings = () => ({ DATABASE_URL: environment.config.database.url, REDIS_KEY_PREFIX: environment.config.redis.keyPrefix, LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: '0' });

describe('npm run api and npm run workers', { timeout: 120_000 }, () => {
  it('starts the API alone: it answers /healthz and starts no workers', async () => {
    const api = npmRun('api', settings());
    try {
      await until(() => /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.test(api.output()));
      const address = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(api.output())?.[1] as string;
      expect((await fetch(`${address}/healthz`)).status).toBe(200);
      expect(api.output()).not.toContain('workers started');
      // Plain Node on the compiled build, started by npm itself: no shell, no tsx loader in between.
      const pid = Number(/"pid":(\d+)/.exec(api.output())?.[1]);
      const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      expect(commandLine).toContain('scripts/compiled.mjs');
      expect(commandLine.join(' ')).not.toContain('tsx');
      expect(readFileSync(`/proc/${pid}/maps`, 'utf8')).not.toContain('/node_modules/tsx/');
      expect(parentOf(pid)).toBe(api.pid);
      // Files read beside a compiled module (the courier page) are found as from source.
      const courierPage = await fetch(`${address}/courier`);
      expect(courierPage.status).toBe(200);
      expect(await courierPage.text()).toContain('<html');
    } finally {
      await api.stop();
    }
  });

  it('starts the workers alone: they schedule their jobs, listen on no port, and stop cleanly on SIGTERM', async () => {
    const workers = npmRun('workers', settings());
    try {
      await until(() => workers.output().includes('workers started'));
      const started = JSON.parse(workers.output().split('\n').find((line) => line.includes('workers started')) as string);
      expect(started.queues.sort()).toEqual(['maintenance', 'notifications', 'orders', 'webhooks']);
      expect(started.scheduled).toEqual(expect.arrayContaining(['webhook.sweep_due', 'notification.sweep_missing']));
      expect(workers.output()).not.toContain('Server listening');
      // SIGTERM to the workers' own process, as a container stop gives it to PID 1: npm, which forwards
      // and escalates signals in its own way, is not ours to test.
      process.kill(started.pid, 'SIGTERM');
      await until(() => workers.output().includes('closing: waiting for active jobs'));
    } finally {
      await workers.stop();
    }
    // The workers' own SIGTERM path ran, and the process is gone (npm itself dies of the signal, so its
    // exit code says nothing).
    expect(workers.output()).toContain('closing: waiting for active jobs');
  });
});
