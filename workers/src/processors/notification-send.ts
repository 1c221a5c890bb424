import type { JobPayload } from '../../../db/src/queues/registry.ts';
import type { Processor } from '../processor.ts';

/** Tells shoppers about events in their chat (a relay pass's, or one); a send recorded as done is never repeated. */
export const notificationSend: Processor<JobPayload<'notification.send'>> = async (payload, { services }) => services.notifications.send(payload.eventIds);
