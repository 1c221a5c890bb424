import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { processCpuSeconds, threadSchedule } from './process-cpu.ts';

const SPIN_SECONDS = 0.6;

/** A process that keeps one core busy for `seconds`, then exits. */
function spinner(seconds: number): ChildProcess {
  return spawn(process.execPath, ['-e', `const end = Date.now() + ${seconds * 1000}; while (Date.now() < end);`], { stdio: 'ignore' });
}

describe('process CPU and run-queue wait', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill();
  });

  it('counts the CPU of busy processes and the time they waited for a core when there are more of them than cores', async () => {
    // One spinner more than the machine has cores: at every moment at least one of them is ready and waiting.
    const count = os.availableParallelism() + 1;
    children.push(...Array.from({ length: count }, () => spinner(SPIN_SECONDS)));
    const pids = children.map((child) => child.pid!);
    await new Promise((resolve) => setTimeout(resolve, (SPIN_SECONDS * 1000) / 2));
    const cpuSeconds = pids.reduce((sum, pid) => sum + processCpuSeconds(pid), 0);
    const runningSeconds = pids.reduce((sum, pid) => sum + threadSchedule(pid).runningSeconds, 0);
    const waitSeconds = pids.reduce((sum, pid) => sum + threadSchedule(pid).waitingSeconds, 0);
    // Half the spin has passed: together they ran for about (cores x 0.3 s) and waited for about 0.3 s.
    expect(cpuSeconds).toBeGreaterThan(0.1);
    expect(runningSeconds).toBeGreaterThan(0.1);
    expect(waitSeconds).toBeGreaterThan(0.1);
  });

  it('reads 0 for a process that has ended', async () => {
    const child = spinner(0);
    await new Promise((resolve) => child.once('exit', resolve));
    expect(processCpuSeconds(child.pid!)).toBe(0);
    expect(threadSchedule(child.pid!)).toEqual({ runningSeconds: 0, waitingSeconds: 0 });
  });
});
