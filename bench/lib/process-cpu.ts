import { readFileSync } from 'node:fs';

/** Linux's clock ticks per second (`getconf CLK_TCK`), the unit of /proc/<pid>/stat's CPU times. */
const TICKS_PER_SECOND = 100;

/**
 * The fields of /proc/<pid>/stat after the command name, `state` first: field N of proc(5) is index N - 3.
 * "pid (comm) state ...": comm may contain spaces, so the fields are counted after its last ')'. Throws once
 * the process has ended.
 */
export function processStatFields(pid: number): string[] {
  return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1)!.split(' ');
}

/** CPU seconds a process has used (all its threads, user and system: /proc/<pid>/stat fields 14 and 15); 0 once it has ended. */
export function processCpuSeconds(pid: number): number {
  try {
    const fields = processStatFields(pid);
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Where a thread's time went, as the scheduler counts it (seconds since the thread started). */
export interface ThreadSchedule {
  /** On a core. */
  runningSeconds: number;
  /** Ready to run, waiting for a core (the run-queue delay). */
  waitingSeconds: number;
}

/**
 * A process's main thread as the scheduler counts it (/proc/<pid>/schedstat: time on a core and time in the
 * run queue, in nanoseconds); zeros once it has ended. For Node the main thread is the event loop, so the wait
 * is the time requests waited with nothing to stop them but the CPU: a single-threaded server that shares two
 * cores with a dozen database backends loses throughput there, not in its own code. A V8 CPU profile cannot
 * show it: its samples land when the thread runs again, on the system call it was preempted in (typically
 * `writev`, whose write woke the backend that took the core). The rest of the wall time the thread was idle.
 */
export function threadSchedule(pid: number): ThreadSchedule {
  try {
    const [running, waiting] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(' ');
    return { runningSeconds: Number(running) / 1e9, waitingSeconds: Number(waiting) / 1e9 };
  } catch {
    return { runningSeconds: 0, waitingSeconds: 0 };
  }
}
