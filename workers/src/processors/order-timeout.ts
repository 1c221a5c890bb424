import type { JobPayload } from '../../../db/src/queues/registry.ts';
import type { Processor } from '../processor.ts';

/** An unpaid order's window closed: cancel it unless it was paid meanwhile (the service decides, idempotently). */
export const orderTimeout: Processor<JobPayload<'order.timeout'>> = async (payload, { services }) => services.orders.expire(payload.orderId);
