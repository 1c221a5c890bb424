import type { JobPayload } from '../../../db/src/queues/registry.ts';
import type { Processor } from '../processor.ts';

/**
 * The shopper did not confirm receipt within the shop's autoConfirmDays: complete the order (the service
 * re-reads it and decides; early, late or repeated runs are harmless). A run that comes early ends
 * `not_due` and the sweeper enqueues it again once it is due.
 */
export const orderAutoConfirm: Processor<JobPayload<'order.auto_confirm'>> = async (payload, { services }) => services.settlement.autoConfirm(payload.orderId);
