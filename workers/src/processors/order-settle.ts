import type { JobPayload } from '../../../db/src/queues/registry.ts';
import type { Processor } from '../processor.ts';

/** A completed order settles to its merchant, exactly once whoever runs it (SettlementService.settle). */
export const orderSettle: Processor<JobPayload<'order.settle'>> = async (payload, { services }) => services.settlement.settle(payload.orderId);
