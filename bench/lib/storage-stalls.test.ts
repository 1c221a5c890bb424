import { closeSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeDirectoryBeside, watchStorage } from './storage-stalls.ts';

const probeFiles = () => readdirSync(tmpdir()).filter((name) => name.startsWith(`minishop-storage-probe-${process.pid}-`));

describe('watchStorage', () => {
  it('times its flushes and sees the dirty pages a write leaves, and leaves no file behind', async () => {
    const watch = watchStorage(tmpdir(), 5);
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const quiet = await watch.measure();
      expect(quiet.flushes).toBeGreaterThan(5);
      expect(quiet.slowestFlushMs).toBeGreaterThan(0);
      expect(quiet.flushP99Ms).toBeLessThanOrEqual(quiet.slowestFlushMs);
      expect(quiet.flushesOver20Ms).toBeLessThanOrEqual(quiet.flushes);

      // 64 MiB written and not flushed: pages the kernel holds dirty for a while, faster than any disk takes them.
      const path = join(tmpdir(), `minishop-dirty-${process.pid}`);
      const file = openSync(path, 'w');
      try {
        const chunk = Buffer.alloc(1_048_576, 7);
        for (let written = 0; written < 64; written += 1) writeSync(file, chunk);
        await new Promise((resolve) => setTimeout(resolve, 30));
        const busy = await watch.measure();
        expect(busy.largestDirtyBacklogMb).toBeGreaterThanOrEqual(16);
      } finally {
        closeSync(file);
        rmSync(path);
      }
      // Each measure starts over.
      const next = await watch.measure();
      expect(next.flushes).toBeLessThan(quiet.flushes + 10);
      expect(probeFiles()).toHaveLength(1);
    } finally {
      await watch.stop();
    }
    expect(probeFiles()).toHaveLength(0);
  });

  it('fails a measure, not the process, when it cannot write its file, and still stops', async () => {
    const watch = watchStorage('/no/such/directory', 5);
    await expect(watch.measure()).rejects.toThrow(/ENOENT/);
    await watch.stop();
  });
});

describe('probeDirectoryBeside', () => {
  it('is the temporary directory only when it shares the data directory\'s filesystem', () => {
    expect(probeDirectoryBeside(join(tmpdir(), '.'))).toBe(tmpdir());
    expect(probeDirectoryBeside('/proc')).toBeNull();
    expect(probeDirectoryBeside('/no/such/directory')).toBeNull();
    expect(probeDirectoryBeside(undefined)).toBeNull();
  });
});
