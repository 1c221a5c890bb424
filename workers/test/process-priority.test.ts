import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { lowerProcessPriority } from '../src/process-priority.ts';

const moduleFile = fileURLToPath(new URL('../src/process-priority.ts', import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill();
});

/** A Node process that lowers its own priority with `nice`, says "ready" and waits. */
async function processAtNice(nice: number, startedAtNice = 0): Promise<number> {
  const script = `const { lowerProcessPriority } = await import(${JSON.stringify(moduleFile)});
    lowerProcessPriority(${nice}, { info() {}, warn(message) { console.error(message); } });
    process.stdout.write('ready\\n');
    setInterval(() => {}, 1000);`;
  const command = [process.execPath, '--import', 'tsx', '--input-type=module', '-e', script];
  // nice(1) runs the command in its own process (exec), so the pid is Node's.
  const child = startedAtNice ? spawn('nice', ['-n', String(startedAtNice), ...command], { stdio: ['ignore', 'pipe', 'inherit'] }) : spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`the child exited with ${code}`)));
  });
  return child.pid!;
}

/** The nice value of each thread of a process (Linux lists them in /proc/<pid>/task; a thread id is a pid to getpriority). */
function threadNiceValues(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).map((threadId) => os.getPriority(Number(threadId)));
}

describe.runIf(process.platform === 'linux')('lowerProcessPriority', () => {
  it('lowers every thread of the process, not only the one that calls it', async () => {
    const values = threadNiceValues(await processAtNice(10));
    // The event loop, V8's platform threads and libuv's: several threads, all at 10.
    expect(values.length).toBeGreaterThan(1);
    expect(new Set(values)).toEqual(new Set([10]));
  });

  it('never raises the priority of a process started nicer still', async () => {
    expect(new Set(threadNiceValues(await processAtNice(10, 15)))).toEqual(new Set([15]));
  });

  it('leaves the process as it was at 0', async () => {
    const inherited = os.getPriority(process.pid);
    expect(new Set(threadNiceValues(await processAtNice(0)))).toEqual(new Set([inherited]));
  });
});

describe('lowerProcessPriority', () => {
  it.each([-1, 20, 2.5])('refuses %s, which is no nice value it may set', (nice) => {
    expect(() => lowerProcessPriority(nice, { info() {}, warn() {} })).toThrow(/whole number from 0 to 19/);
  });
});
