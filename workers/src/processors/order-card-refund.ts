import type { JobPayload } from '../../../db/src/queues/registry.ts';
import type { Processor } from '../processor.ts';

/** The card leg of a refund: the processor call is keyed by the refund id, so a retry refunds once. */
export const orderCardRefund: Processor<JobPayload<'order.card_refund'>> = async (payload, { services }) => services.orders.completeCardRefund(payload.refundId);
