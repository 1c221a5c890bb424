import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type pg from 'pg';
import { percentile } from './percentile.ts';

/** What the disk under PostgreSQL did while a scenario ran. */
export interface StorageStalls {
  /** 8 KiB writes flushed with fdatasync, one every `intervalMs`, as a commit flushes the WAL. */
  flushes: number;
  flushP99Ms: number;
  slowestFlushMs: number;
  flushesOver20Ms: number;
  /** The kernel's largest backlog of dirty pages (written, not yet on disk) seen: what a writeback burst flushes at once. */
  largestDirtyBacklogMb: number;
}

export interface StorageWatch {
  /** What happened since the last call (or since the watch began). */
  measure(): Promise<StorageStalls>;
  stop(): Promise<void>;
}

const PAGE_BYTES = 4_096;

/**
 * Runs in a worker thread, so that a flush stuck behind the disk blocks neither the load generator nor its
 * timers. A CommonJS script (`eval`): no loader needed whichever way the benchmark runs.
 */
const PROBE = `
const { parentPort, workerData } = require('node:worker_threads');
const { openSync, writeSync, fdatasyncSync, readFileSync, closeSync, unlinkSync } = require('node:fs');
const file = openSync(workerData.path, 'w');
const page = Buffer.alloc(8192, 1);
let latencies = [];
let largestDirtyPages = 0;
let written = 0;
let stopped = false;
// Linux's count; elsewhere (no /proc) the backlog reads 0 and the flushes are still timed.
const dirtyPages = () => {
  try {
    return Number(/^nr_dirty (\\d+)$/m.exec(readFileSync('/proc/vmstat', 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
};
const flush = () => {
  if (stopped) return;
  const started = process.hrtime.bigint();
  // Over the same 1 MiB again and again: the file stays small, each write a page a flush must reach the disk with.
  writeSync(file, page, 0, page.length, (written++ % 128) * page.length);
  fdatasyncSync(file);
  latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
  largestDirtyPages = Math.max(largestDirtyPages, dirtyPages());
  setTimeout(flush, workerData.intervalMs);
};
parentPort.on('message', (message) => {
  if (message === 'measure') {
    largestDirtyPages = Math.max(largestDirtyPages, dirtyPages());
    parentPort.postMessage({ latencies, largestDirtyPages });
    latencies = [];
    largestDirtyPages = 0;
  } else if (message === 'stop') {
    stopped = true;
    closeSync(file);
    unlinkSync(workerData.path);
    parentPort.close();
  }
});
flush();
`;

/**
 * A directory on the same filesystem as PostgreSQL's data directory (the system's temporary directory, when
 * it is), for a probe that meets what PostgreSQL's WAL flushes meet; null when there is none or PostgreSQL's
 * data directory cannot be seen from here (a server on another machine, another filesystem, no permission).
 */
export function probeDirectoryBeside(dataDirectory: string | undefined): string | null {
  if (!dataDirectory) return null;
  try {
    return statSync(tmpdir()).dev === statSync(dataDirectory).dev ? tmpdir() : null;
  } catch {
    return null;
  }
}

/**
 * Watches the disk beside a benchmark: every `intervalMs` a worker thread writes a page and flushes it, as
 * PostgreSQL flushes its WAL at each commit, and reads the kernel's dirty-page backlog. On a Linux host with
 * the kernel's default writeback settings, the backlog of data pages grows for half a minute and is then
 * written out at once; a commit's flush waits behind it (docs/performance.md, 7 Dec). The probe's own load
 * is small beside a benchmark's: a hundred 8 KiB flushes a second against thousands of commits.
 */
export function watchStorage(directory: string, intervalMs = 10): StorageWatch {
  const worker = new Worker(PROBE, { eval: true, workerData: { path: join(directory, `minishop-storage-probe-${process.pid}-${Date.now()}`), intervalMs } });
  const failed = new Promise<never>((_, reject) => worker.once('error', reject));
  failed.catch(() => undefined);
  // Listened for from the start: a worker that has already ended (an error) lets stop() return at once.
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  return {
    async measure() {
      const answer = new Promise<{ latencies: number[]; largestDirtyPages: number }>((resolve) => worker.once('message', resolve));
      worker.postMessage('measure');
      const { latencies, largestDirtyPages } = await Promise.race([answer, failed]);
      latencies.sort((a, b) => a - b);
      const round = (milliseconds: number) => Math.round(milliseconds * 10) / 10;
      return {
        flushes: latencies.length,
        flushP99Ms: percentile(latencies, 0.99, 1),
        slowestFlushMs: round(latencies.at(-1) ?? 0),
        flushesOver20Ms: latencies.filter((milliseconds) => milliseconds > 20).length,
        largestDirtyBacklogMb: round((largestDirtyPages * PAGE_BYTES) / 1_048_576),
      };
    },
    async stop() {
      worker.postMessage('stop');
      await exited;
    },
  };
}

/**
 * The watch beside a benchmark's PostgreSQL, when this process can see the filesystem of its data directory
 * (reading `data_directory` takes a superuser or pg_read_all_settings); otherwise none, and no column.
 */
export async function watchStorageBeside(pool: pg.Pool): Promise<StorageWatch | undefined> {
  const dataDirectory = await pool.query<{ data_directory: string }>('show data_directory').then(
    (result) => result.rows[0]?.data_directory,
    () => undefined,
  );
  const directory = probeDirectoryBeside(dataDirectory);
  return directory ? watchStorage(directory) : undefined;
}

/** "slowest flush ms (largest dirty backlog MB)", or "-" where the disk could not be watched: for tables. */
export function describeStorage(stalls: StorageStalls | null | undefined): string {
  return stalls ? `${stalls.slowestFlushMs} (${stalls.largestDirtyBacklogMb})` : '-';
}
