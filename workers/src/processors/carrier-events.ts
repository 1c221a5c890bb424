import type { JobPayload } from '../../../db/src/queues/registry.ts';
import type { Processor } from '../processor.ts';

/** A stored carrier webhook event becomes a tracking event; processing it twice answers the first outcome. */
export const carrierProcessEvent: Processor<JobPayload<'carrier.process_event'>> = async (payload, { services }) =>
  services.carrierWebhooks.process(payload.carrierWebhookEventId);

export const carrierProcessPending: Processor<JobPayload<'carrier.process_pending'>> = async (_payload, { services }) => services.carrierWebhooks.processPending();
