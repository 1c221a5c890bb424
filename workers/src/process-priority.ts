import { readdirSync } from 'node:fs';
import os from 'node:os';
import type { Logger } from 'pino';

/**
 * Lowers this process's scheduling priority to `nice` (0 to 19; 0, or a process already nicer, is left as it is). For a workers process of its
 * own: the relay and the jobs run behind the API's requests when both want a core, and take every core the
 * requests leave idle. On two cores the API's single event loop is the checkout's bottleneck, and every
 * moment it waits for a core behind the workers is a moment each request in flight waits (docs/performance.md).
 *
 * Linux keeps a nice value per thread, and `os.setPriority(nice)` sets only the calling one: V8's and
 * libuv's threads, started before this runs, are each set by id (a thread started later inherits the value).
 * Raising one's own nice value needs no privilege; where it is refused anyway, the workers run unchanged.
 */
export function lowerProcessPriority(nice: number, logger: Pick<Logger, 'info' | 'warn'>): void {
  if (!Number.isInteger(nice) || nice < 0 || nice > 19) throw new RangeError(`a nice value is a whole number from 0 to 19, not ${nice}`);
  if (nice === 0) return;
  try {
    // Never the other way: a process started nicer still (`nice -n 15 npm run workers`) stays as it was.
    for (const threadId of threadIds()) if (os.getPriority(threadId) < nice) os.setPriority(threadId, nice);
    logger.info({ nice }, 'workers run behind the API when both want a core');
  } catch (error) {
    logger.warn({ err: error, nice }, 'could not lower the workers\' priority; they run at the default one');
  }
}

/** Every thread of this process (Linux: /proc/self/task), or just the process where there is no such list. */
function threadIds(): number[] {
  try {
    return readdirSync('/proc/self/task').map(Number);
  } catch {
    return [process.pid];
  }
}
