import { enqueueDueWork } from '../../../db/src/queues/due-work.ts';
import type { JobPayload } from '../../../db/src/queues/registry.ts';
import type { Processor } from '../processor.ts';

/**
 * Every 30 seconds: whatever the database says is due (unpaid orders past their window, delivered orders
 * past their auto-confirm time, completed orders not settled) gets its job back if Redis lost it.
 */
export const jobsSweepDue: Processor<JobPayload<'jobs.sweep_due'>> = async (_payload, { services, queues }) => enqueueDueWork(queues, await services.dueWork.find(new Date()));
