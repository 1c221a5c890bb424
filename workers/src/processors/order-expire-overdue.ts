import type { JobPayload } from '../../../db/src/queues/registry.ts';
import type { Processor } from '../processor.ts';

/** Every minute: cancels overdue unpaid orders whose own timeout job was lost or ran early. */
export const orderExpireOverdue: Processor<JobPayload<'order.expire_overdue'>> = async (_payload, { services }) => services.orders.expireOverdue(new Date());
