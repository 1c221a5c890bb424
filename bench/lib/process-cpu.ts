import { readFileSync } from 'node:fs';

/** Linux's clock ticks per second (`getconf CLK_TCK`), the unit of /proc/<pid>/stat's CPU times. */
const TICKS_PER_SECOND = 100;

/** CPU seconds a process has used (all its threads, user and system: /proc/<pid>/stat fields 14 and 15); 0 once it has ended. */
export function processCpuSeconds(pid: number): number {
  try {
    // "pid (comm) state ...": comm may contain spaces, so the fields are counted after its ')'.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1)!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/**
 * Seconds a process's main thread has spent ready to run but waiting for a core (the scheduler's run-queue
 * delay, the second field of /proc/<pid>/schedstat, in nanoseconds); 0 once it has ended. For Node the main
 * thread is the event loop, so this is the time requests waited with nothing to stop them but the CPU: a
 * single-threaded server that shares two cores with a dozen database backends loses throughput here, not
 * in its own code. A V8 CPU profile cannot show it: its samples land when the thread runs again, on the
 * system call it was preempted in (typically `writev`, whose write woke the backend that took the core).
 */
export function runQueueWaitSeconds(pid: number): number {
  try {
    const [, waitingNanoseconds] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(' ');
    return Number(waitingNanoseconds) / 1e9;
  } catch {
    return 0;
  }
}
