import type { JobPayload } from '../../../db/src/queues/registry.ts';
import type { Processor } from '../processor.ts';

/** An outbox event of a webhook type: one delivery per subscribed endpoint of its merchant (idempotent per event). */
export const webhookFanOut: Processor<JobPayload<'webhook.fan_out'>> = async (payload, { services }) => services.webhookDeliveries.fanOut(payload.eventId);
