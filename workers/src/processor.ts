import type { Static } from '@sinclair/typebox';
import type { Job } from 'bullmq';
import type { JobQueues } from '../../db/src/queues/job-queues.ts';
import type { JobRegistry } from '../../db/src/queues/registry.ts';
import type { Services } from '../../db/src/services.ts';

export interface ProcessorContext {
  services: Services;
  job: Job;
  /** The producer side, for processors that enqueue work (the due-work sweeper). */
  queues: JobQueues<JobRegistry>;
}

/**
 * A processor re-reads what it needs by id and makes one service call; the payload has already been
 * checked against the registry's schema. Its return value is kept as the job's result.
 */
export type Processor<Payload = unknown> = (payload: Payload, context: ProcessorContext) => Promise<unknown>;

/** One processor per job name of a registry; the type makes a missing one a compile error too. */
export type Processors<Registry extends JobRegistry> = { [Name in keyof Registry & string]: Processor<Static<Registry[Name]['payload']>> };
