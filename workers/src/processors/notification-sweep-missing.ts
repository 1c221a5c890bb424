import type { JobPayload } from '../../../db/src/queues/registry.ts';
import type { Processor } from '../processor.ts';

/** Every minute: notification events of the last hour that never got their job get it again. */
export const notificationSweepMissing: Processor<JobPayload<'notification.sweep_missing'>> = async (_payload, { services }) => services.notifications.sweepMissing(new Date());
