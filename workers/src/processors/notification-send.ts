import type { JobPayload } from '../../../db/src/queues/registry.ts';
import type { Processor } from '../processor.ts';

/** Tells the shopper about an event in their chat; a send recorded as done is never repeated. */
export const notificationSend: Processor<JobPayload<'notification.send'>> = async (payload, { services }) => services.notifications.send(payload.eventId);
