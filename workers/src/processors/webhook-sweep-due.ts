import type { JobPayload } from '../../../db/src/queues/registry.ts';
import type { Processor } from '../processor.ts';

/** Every minute: overdue deliveries and events whose fan-out never ran get their jobs again. */
export const webhookSweepDue: Processor<JobPayload<'webhook.sweep_due'>> = async (_payload, { services }) => services.webhookDeliveries.sweepDue(new Date());
