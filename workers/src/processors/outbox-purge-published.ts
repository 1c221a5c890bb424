import type { JobPayload } from '../../../db/src/queues/registry.ts';
import type { Processor } from '../processor.ts';

/** Daily: deletes outbox rows published more than a week ago. */
export const outboxPurgePublished: Processor<JobPayload<'outbox.purge_published'>> = async (_payload, { services }) => services.outbox.purgePublished(new Date());
