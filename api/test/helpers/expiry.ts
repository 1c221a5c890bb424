import { pino } from 'pino';
import { expect } from 'vitest';
import { enqueueDueWork } from '../../../db/src/queues/due-work.ts';
import type { JobQueues } from '../../../db/src/queues/job-queues.ts';
import { JOBS, type JobName } from '../../../db/src/queues/registry.ts';
import { startJobWorkers } from '../../../workers/src/job-workers.ts';
import { processors } from '../../../workers/src/processors/index.ts';
import type { TestApp } from './app.ts';

/** Waits until a deadline the server gave (ISO time) is past, with a margin for clock rounding. */
export async function untilPast(isoTime: string): Promise<void> {
  const waitMs = new Date(isoTime).getTime() - Date.now() + 150;
  if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
}

/**
 * The expiry of one due record as production runs it, raced on purpose: two real job workers for `job`
 * (two worker processes), and the due-work sweeper enqueueing the record twice (a second sweep while the
 * first job runs). Waits until `isDone` holds, then a little longer so that a second run would show, and
 * calls `check` before the workers close.
 */
export async function expireWithTwoWorkers(
  testApp: TestApp,
  queues: JobQueues,
  options: { job: JobName; key: string; isDone: () => Promise<boolean>; notDone: string; check: () => Promise<void> },
): Promise<void> {
  const { job, key } = options;
  const workers = await Promise.all(
    [1, 2].map(() =>
      startJobWorkers({
        config: testApp.config,
        services: testApp.app.services,
        logger: pino({ level: 'silent' }),
        registry: { [job]: JOBS[job] },
        scheduleRepeatableJobs: false,
        processors: { [job]: processors[job] },
      }),
    ),
  );
  try {
    const due = (await testApp.app.services.dueWork.find()).filter((work) => work.name === job && work.key === key);
    expect(due).toHaveLength(1);
    await enqueueDueWork(queues, due);
    await enqueueDueWork(queues, due);
    const deadline = Date.now() + 15_000;
    while (!(await options.isDone())) {
      if (Date.now() > deadline) throw new Error(options.notDone);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    await options.check();
  } finally {
    await Promise.all(workers.map((worker) => worker.close()));
  }
}
