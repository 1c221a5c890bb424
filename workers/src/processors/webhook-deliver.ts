import type { JobPayload } from '../../../db/src/queues/registry.ts';
import type { Processor } from '../processor.ts';

/** One attempt of a delivery; the service claims it, so a job run twice calls the endpoint once. */
export const webhookDeliver: Processor<JobPayload<'webhook.deliver'>> = async (payload, { services }) =>
  services.webhookDeliveries.attempt(payload.deliveryId, payload.attemptNumber);
